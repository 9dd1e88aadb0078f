"""What Piranha's line splitter makes of a file that contains CR bytes.

``getNextToks`` in lvsconfig.c ends a line at the first CR found *anywhere in
the rest of the file*, and only looks for LF when no CR follows at all
(lvs-cf-format.md §2.1).  A CRLF file is therefore read as its first line plus
a series of "lines" that start with the LF of the previous CRLF and are skipped
as blank; an LF file with a stray CR further down glues every line before that
CR into one.  lvscf parses such files as if every line end were LF, so that all
other problems are still found, and uses this module to say what Piranha would
really read.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["PiranhaLine", "piranha_lines", "LineEndStyle", "line_end_style"]


class PiranhaLine(NamedTuple):
    """One line as Piranha's splitter sees it."""

    number: int  # Piranha's own line counter
    start: int  # offset of its first byte
    end: int  # offset of the CR or LF that ends it
    kind: str  # "content", "comment" or "blank"


def piranha_lines(text: str) -> list[PiranhaLine]:
    """Split ``text`` exactly as Piranha does (the loader appends one LF)."""
    buffer = text + "\n"
    lines: list[PiranhaLine] = []
    start = 0
    number = 0
    while start < len(buffer):
        end = buffer.find("\r", start)
        if end < 0:
            end = buffer.find("\n", start)
        number += 1
        first = start
        while buffer[first] in " \t":
            first += 1
        if buffer[first] == "#":
            kind = "comment"
        elif buffer[first] in "\r\n":
            kind = "blank"
        else:
            kind = "content"
        lines.append(PiranhaLine(number, start, end, kind))
        start = end + 1
    return lines


class LineEndStyle(NamedTuple):
    crlf: int
    cr: int  # CR not followed by LF
    lf: int  # LF not preceded by CR

    @property
    def has_cr(self) -> bool:
        return bool(self.crlf or self.cr)


def line_end_style(text: str) -> LineEndStyle:
    crlf = text.count("\r\n")
    return LineEndStyle(crlf=crlf, cr=text.count("\r") - crlf, lf=text.count("\n") - crlf)
