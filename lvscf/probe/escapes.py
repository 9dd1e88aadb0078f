"""nanny's ``convert_str``: the escapes of ``send`` and ``expect``."""

from __future__ import annotations

__all__ = ["convert", "Hangs"]

_TABLE = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("\\"): b"\\", ord("'"): b"'", ord('"'): b'"'}


class Hangs(Exception):
    """nanny loops forever on this string: it never checks the server, which is never added."""


def convert(data: bytes) -> bytes:
    """``\\n \\r \\t \\\\ \\' \\"`` → the byte; strings of one byte are left alone.

    Any other backslash sequence, or a trailing backslash, sends nanny's loop
    round the same backslash for ever (its ``default:`` case does not advance):
    :class:`Hangs`.
    """
    if len(data) <= 1:
        return data
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte != 0x5C:
            out.append(byte)
            i += 1
            continue
        replacement = _TABLE.get(data[i + 1]) if i + 1 < len(data) else None
        if replacement is None:
            raise Hangs(f"nanny hangs on the escape {data[i:i + 2]!r}")
        out += replacement
        i += 2
    return bytes(out)
