"""POSIX extended regular expressions from the C library, as nanny used them.

nanny matched ``expect`` with ``regcomp(REG_EXTENDED)`` and ``regexec`` on a
NUL-terminated buffer.  Python's ``re`` is a different dialect (``\\d``,
``[[:alpha:]]``, ``{,n}``, leftmost-longest...), so the probe calls the same C
functions through ctypes.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["PosixRegex", "RegexError"]

REG_EXTENDED = 1  # glibc and musl
_REGEX_T_SIZE = 256  # sizeof(regex_t) is 64 on glibc x86-64; room to spare for any libc


class RegexError(ValueError):
    """The pattern does not compile (nanny: every check fails)."""


_libc = None


def _c():
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c") or "libc.so.6"
        lib = ctypes.CDLL(name)
        lib.regcomp.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        lib.regerror.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.regfree.argtypes = [ctypes.c_void_p]
        _libc = lib
    return _libc


class PosixRegex:
    def __init__(self, pattern: bytes) -> None:
        lib = _c()
        self._buffer = ctypes.create_string_buffer(_REGEX_T_SIZE)
        rc = lib.regcomp(self._buffer, pattern.split(b"\0")[0], REG_EXTENDED)
        if rc != 0:
            message = ctypes.create_string_buffer(256)
            lib.regerror(rc, self._buffer, message, len(message))
            raise RegexError(message.value.decode("ascii", "replace"))
        self._compiled = True

    def search(self, data: bytes) -> bool:
        """True if the pattern matches anywhere in ``data`` up to its first NUL (as a C string)."""
        return _c().regexec(self._buffer, data.split(b"\0")[0], 0, None, 0) == 0

    def __del__(self) -> None:
        if getattr(self, "_compiled", False):
            _c().regfree(self._buffer)
