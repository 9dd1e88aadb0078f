"""What a converter returns: the text, and the migration report (diagnostics).

A converter never drops a Piranha behaviour silently: whatever its output cannot
reproduce becomes a diagnostic with a stable code (declared like a rule, with
``stage="convert"``, and listed in the registry) at the lvs.cf token it comes
from.  Converters are pure functions; the CLI writes files atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ..diagnostics import Diagnostic, Severity, make, sort_key
from ..model.config import Config
from ..source import Source
from ..findings import Finding, Rule

__all__ = ["Conversion", "report", "convert_code"]


class Conversion(NamedTuple):
    text: str
    diagnostics: tuple[Diagnostic, ...]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def convert_code(code: str, name: str, severity: Severity, summary: str, doc: str) -> Rule:
    """Declare a migration-report code (documented like a rule; ``lvscf rule CODE`` prints it)."""
    return Rule(code, name, severity, summary, doc, None, "convert")


def report(config: Config, notes: Iterable[tuple[Rule, Finding]]) -> tuple[Diagnostic, ...]:
    """Diagnostics for ``(code, finding)`` pairs, positioned in ``config``'s file."""
    source = config.origin.source if config.origin is not None else Source("")
    out = [make(rule, source, f.where.start, f.where.end, f.message, severity=f.severity, hint=f.hint,
                related=[(label, loc.start, loc.end) for label, loc in f.related])
           for rule, f in notes]
    return tuple(sorted(out, key=sort_key))
