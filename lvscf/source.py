"""The text of an lvs.cf file: decoding, positions, and the part Piranha reads.

lvs.cf is bytes; Piranha never decodes it.  lvscf decodes it as UTF-8 with
``surrogateescape`` so that any byte sequence, valid UTF-8 or not, comes back
unchanged when encoded again, and columns count characters rather than bytes.
"""

from __future__ import annotations

import bisect
import re

__all__ = ["Source", "decode", "encode"]

_LINE_END = re.compile(r"\r\n|\r|\n")


def decode(data: bytes) -> str:
    """Decode file contents losslessly (see module docstring)."""
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    """Encode text produced by :func:`decode` back to the original bytes."""
    return text.encode("utf-8", "surrogateescape")


class Source:
    """One file's text, with line/column lookup.

    Lines end at LF, CR or CRLF: that is how a person reads the file, and how
    lvscf reports positions even though Piranha splits CR files differently
    (see :mod:`lvscf.parse.line_ends`).
    """

    __slots__ = ("text", "path", "_line_starts")

    def __init__(self, text: str, path: str | None = None) -> None:
        self.text = text
        self.path = path
        self._line_starts: list[int] | None = None

    @property
    def nul_offset(self) -> int | None:
        """Offset of the first NUL byte: Piranha's C strings end there."""
        offset = self.text.find("\0")
        return None if offset < 0 else offset

    @property
    def readable(self) -> str:
        """The part of the file Piranha reads: everything before the first NUL."""
        offset = self.nul_offset
        return self.text if offset is None else self.text[:offset]

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_END.finditer(self.text)]
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.line_starts()
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_count(self) -> int:
        starts = self.line_starts()
        # A final line end does not start another line.
        return len(starts) - 1 if starts[-1] == len(self.text) and len(starts) > 1 else len(starts)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line end."""
        starts = self.line_starts()
        start = starts[line - 1]
        match = _LINE_END.search(self.text, start)
        return self.text[start : match.start() if match else len(self.text)]
