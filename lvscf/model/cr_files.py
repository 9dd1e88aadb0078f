"""What Piranha really says about a file with CR bytes (LVS002).

lvscf reads such a file as if every line ended with LF, so that all its problems
are found; but Piranha splits it differently (:mod:`lvscf.parse.line_ends`), and
the "pulse: error parsing lvs.cf at line N" texts of that reading are not what
Piranha prints.  Here the lines as Piranha splits them are read once more, and:

* the LVS002 diagnostic says what Piranha really does: its first error (the exact
  text pulse prints), a crash, an unpredictable result, or that it accepts the file;
* every other diagnostic keeps what Piranha would say once the line ends are LF,
  but no longer in the words of a pulse error message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from ..diagnostics import Diagnostic
from ..parse import parse
from ..parse.codes import CRLF_LINE_ENDS
from ..parse.line_ends import piranha_lines, piranha_text
from ..source import Source
from .build import build

__all__ = ["with_piranhas_reading"]

_PULSE = "pulse: error parsing lvs.cf at line "
_QUOTED_PULSE = re.compile(r'"pulse: error parsing lvs\.cf at line \d+: ([^"]*)"')


def with_piranhas_reading(source: Source, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` of a file that has an LVS002 diagnostic, with Piranha's real verdict."""
    readable = source.readable
    parsed = parse(piranha_text(readable))
    built = build(parsed)
    piranhas = sorted(parsed.diagnostics + built.diagnostics, key=lambda d: (d.line, d.column))
    lines = piranha_lines(readable)

    def physical(line: int) -> int:
        """The line of the file where Piranha's line ``line`` has its first word."""
        start = lines[line - 1].start if line <= len(lines) else len(readable)
        while start < len(readable) and readable[start] in " \t\r\n":
            start += 1
        return source.position(min(start, len(readable)))[0]

    def where(line: int) -> str:
        return f"its line {line}" + ("" if physical(line) == line else f" (line {physical(line)} of the file)")

    note = ""
    for d in piranhas:
        said = d.piranha or ""
        if said.startswith(_PULSE):
            verdict = said  # exactly what pulse prints
            if physical(d.line) != d.line:
                note = f"; Piranha's line {d.line} is line {physical(d.line)} of the file"
            break
        if "crashes" in said:
            verdict = f"as Piranha splits the file, its parser crashes at {where(d.line)}"
            break
        if "unpredictable" in said:
            verdict = (f"as Piranha splits the file, its result is unpredictable at {where(d.line)} (undefined "
                       f"behaviour in its C code)")
            break
    else:
        verdict = "Piranha's parser accepts the file as it splits it"
        if not any(v.active for v in built.config.virtuals):
            verdict += '; with no active virtual service read, pulse exits with "no active lvs services defined"'
    out = []
    for d in diagnostics:
        if d.code == CRLF_LINE_ENDS.code:
            out.append(attrs.evolve(d, message=d.message + note, piranha=verdict))
        elif d.piranha and "pulse: error parsing" in d.piranha:
            out.append(attrs.evolve(d, piranha=_as_lf_reading(d.piranha)))
        else:
            out.append(d)
    return out


def _as_lf_reading(said: str) -> str:
    if said.startswith(_PULSE):
        message = said.split(": ", 2)[-1]
        return f"with LF line ends, Piranha would stop here: {message} (as the file is, it splits the lines " \
               f"differently: see LVS002)"
    return _QUOTED_PULSE.sub(r'"\1" (with LF line ends)', said)
