"""nanny's ``convert_str``: the escapes of ``send`` and ``expect``.

The one implementation lvscf has: the probe converts bytes with it, and the
checker (lvscf.validate) and the keepalived converter convert the model's
strings with :func:`convert_text`.  Standard library only, like the rest of
the probe.
"""

from __future__ import annotations

__all__ = ["convert", "convert_text", "Hangs"]

_ESCAPES = {"\\": "\\", "r": "\r", "n": "\n", "t": "\t", "'": "'", '"': '"'}


class Hangs(Exception):
    """nanny loops forever on this string: it never checks the server, which is never added."""


def convert_text(text: str) -> tuple[str | None, int]:
    """(converted text, -1), or (None, offset of the backslash nanny loops on).

    Strings of one character are left alone.  ``\\\\ \\r \\n \\t \\' \\"`` become the
    character.  Any other backslash (also one that ends the string) sends
    nanny's loop round the same backslash for ever: its ``default:`` case does
    not advance.
    """
    if len(text) <= 1 or "\\" not in text:
        return text, -1
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        escaped = _ESCAPES.get(text[i + 1]) if i + 1 < n else None
        if escaped is None:
            return None, i
        out.append(escaped)
        i += 2
    return "".join(out), -1


def convert(data: bytes) -> bytes:
    """:func:`convert_text` of a byte string (each byte one character); :class:`Hangs` where nanny loops."""
    text, at = convert_text(data.decode("latin-1"))
    if text is None:
        raise Hangs(f"nanny hangs on the escape {data[at:at + 2]!r}")
    return text.encode("latin-1")
