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

__all__ = ["PiranhaLine", "piranha_lines", "piranha_text", "LineEndStyle", "line_end_style"]


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
    # Piranha searches the rest of the file for a CR at every line; the next CR is
    # remembered here so that the split costs one pass, not one pass per line.
    next_cr = buffer.find("\r")
    while start < len(buffer):
        if 0 <= next_cr < start:
            next_cr = buffer.find("\r", start)
        end = next_cr if next_cr >= 0 else buffer.find("\n", start)
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


def piranha_text(text: str) -> str:
    """The lines Piranha reads in ``text``, one LF-terminated line each, as text that lvscf
    reads the way Piranha reads the file: line N of the result is Piranha's line N.

    Comment and blank lines become empty lines.  A line with no LF inside is kept as it
    is.  A line that holds LF bytes (lines glued up to a later CR) is tokenized as
    Piranha's ``tokenizeString`` does, and each token holding an LF is written quoted,
    with a blank for each LF: like that blank, an LF stops ``strtol`` and ``inet_aton``,
    and it makes the token equal to no keyword, `=` or brace.
    """
    buffer = text + "\n"
    out = []
    for line in piranha_lines(text):
        if line.kind != "content":
            out.append("\n")
            continue
        content = buffer[line.start:line.end]
        out.append((content if "\n" not in content else _render(content.lstrip(" \t"))) + "\n")
    return "".join(out)


#: tokenizeString keeps at most this many tokens of a line
_MAX_TOKENS = 99


def _render(line: str) -> str:
    """One line as Piranha tokenizes it, written back as text lvscf tokenizes the same way."""
    words = []
    n = len(line)
    i = 0
    while i < n and len(words) < _MAX_TOKENS:
        end = i
        while end < n and line[end] not in " \t":
            end += 1
        quote = line[i] if line[i] in "\"'" else None
        if quote is not None:
            # From the end of the run of non-blanks, on to the closing quote (not past a line end).
            while end < n and line[end] not in "\n\r" and line[end] != quote:
                end += 1
            if end < n and line[end] == quote:
                end += 1
            if end == i + 1:
                words.append(quote)  # a lone quote at the end: undefined behaviour, as lvscf reads it
                break
            if line[end - 1] != quote:
                words.append(quote + "x")  # "quotation mismatch", with the tokens before it kept
                break
        source = line[i:end]
        if "\n" in source:
            value = (source[1:-1] if quote else source).replace("\n", " ")
            mark = '"' if '"' not in value else "'" if "'" not in value else None
            # With both quotes in it (rare), the token is written unquoted; its LFs become
            # a control character: still no keyword, but no longer a number's end.
            source = f"{mark}{value}{mark}" if mark else source.replace("\n", "\x01")
        words.append(source)
        i = end
        while i < n and line[i] in " \t":
            i += 1
    return " ".join(words)


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
