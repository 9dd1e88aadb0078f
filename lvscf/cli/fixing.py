"""``--fix`` for ``lvscf fmt`` and ``lvscf check``: the policy around :func:`lvscf.emit.fix.fix`.

* ``fmt --fix`` repairs, then formats.  Formatting needs a file without syntax
  errors, so a file is formatted only when the repairs remove every one; else it
  is left alone and the errors the repairs cannot remove are reported.
* ``check --fix`` writes what can be repaired (even when errors remain), then
  reports the diagnostics of the repaired file, as ruff does.
"""

from __future__ import annotations

from collections.abc import Callable

from ..api import LoadResult, loads
from ..diagnostics import Severity
from ..emit.fix import fix
from ..parse import codes as parse_codes

__all__ = ["fixed_for_format", "FixTally", "FIX_HELP", "UNSAFE_HELP"]

FIX_HELP = ("Repair the mechanical errors first: trailing comments (moved above their line), CRLF/CR line ends, a "
            "byte-order mark, no-break spaces, `key=value` without blanks.  Only lines Piranha rejects change.")
UNSAFE_HELP = ("Also make the fixes that may change a value (no-break spaces inside quoted values); implies "
               "--fix.")

_SYNTAX = frozenset(c.code for c in parse_codes.ALL)


def fixed_for_format(result: LoadResult, unsafe: bool = False) -> LoadResult:
    """The repaired file when the repairs leave no syntax error (ready to format); otherwise the
    file as it is, with only the syntax errors that remain after the repairs among its
    diagnostics, so that ``fmt`` reports those and leaves the file alone."""
    repaired = fix(result, unsafe=unsafe)
    if not repaired.changed:
        return result
    fixed = loads(repaired.text, result.path)
    if not any(d.code in _SYNTAX and d.severity is Severity.ERROR for d in fixed.diagnostics):
        return fixed
    remaining = repaired.remaining
    if not any(d.severity is Severity.ERROR for d in remaining):
        # What blocks formatting is an error the repairs revealed (a missing `}` before a repaired
        # block opener): the input's own syntax errors say where.
        remaining = tuple(d for d in result.diagnostics if d.code in _SYNTAX)
    return result._replace(diagnostics=remaining + tuple(d for d in result.diagnostics if d.code not in _SYNTAX))


class FixTally:
    """``check --fix``: repair each file, write it with the caller's writer, count for the summary."""

    def __init__(self, unsafe: bool = False) -> None:
        self.unsafe = unsafe
        self.fixed = 0
        self.files = 0
        self.skipped = 0

    def apply(self, result: LoadResult, selection, write: Callable[[str], None]) -> LoadResult:
        """Repair ``result`` (only the diagnostics ``selection`` enables), write the repaired text
        with ``write`` and return it read again; the input if nothing was repaired.  ``write``
        raising (an I/O error) leaves the counts alone."""
        repaired = fix(result, unsafe=self.unsafe, selection=selection)
        self.skipped += len(repaired.skipped)
        if not repaired.changed:
            return result
        write(repaired.text)
        self.fixed += len(repaired.applied)
        self.files += 1
        return loads(repaired.text, result.path)

    def summary(self) -> str:
        text = f"lvscf: fixed {self.fixed} problem(s) in {self.files} file(s)"
        if self.skipped:
            text += f"; {self.skipped} more can be fixed with --unsafe-fixes"
        return text
