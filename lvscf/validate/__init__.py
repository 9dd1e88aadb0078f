"""Stage 3, validate: every diagnostic of a file: syntax, values, and the rules over the model.

>>> import lvscf, lvscf.validate
>>> result = lvscf.loads("virtual web {\\n     active = 1\\n}\\n")
>>> [d.code for d in lvscf.validate.check(result)][:2]
['LVS206', 'LVS211']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from ..api import LoadResult, PathLike, load
from ..diagnostics import Capped, Diagnostic, make, sort_key
from ..gcpause import paused_gc
from . import suppress
from .registry import CHECKS, RULES, by_code_or_name, lookup
from .rule import Rule, forget
from .selection import Selection

__all__ = ["check", "Selection", "RULES", "lookup", "Rule"]


def check(result: LoadResult | PathLike | IO, selection: Selection | None = None) -> tuple[Diagnostic, ...]:
    """All diagnostics of a file that ``selection`` enables, suppressions applied, sorted.

    ``result`` is a :class:`LoadResult`, or a path or open file that is read with
    :func:`lvscf.load` first.  Unlike ``LoadResult.diagnostics`` (what the parser and
    the model found), this includes every rule: it is what ``lvscf check`` reports.
    """
    if not isinstance(result, LoadResult):
        result = load(result)
    # the rules allocate many short-lived objects next to a large model: see lvscf.gcpause
    with paused_gc():
        try:
            return _check(result, selection or Selection())
        finally:
            forget()


def _check(result: LoadResult, selection: Selection) -> tuple[Diagnostic, ...]:
    source = result.source
    found: list[Diagnostic] = [d for d in result.diagnostics if selection.enabled(d.code, d.name)]
    findings = Capped()
    # A file too large to read has an empty model, which the rules would only misreport.
    unread = any(d.code == "LVS021" for d in result.diagnostics)
    for rule in CHECKS:
        if unread or not selection.enabled(rule.code, rule.name):
            continue
        for finding in rule.check(result.config):  # type: ignore[misc]
            if findings.takes(rule.code):
                findings.add(make(rule, source, finding.where.start, finding.where.end, finding.message,
                                  severity=finding.severity, hint=finding.hint,
                                  related=[(label, loc.start, loc.end) for label, loc in finding.related]))
    found += findings.done()
    directives, problems = suppress.directives(result.document, source, by_code_or_name)
    enabled = {r.code: r for r in RULES if selection.enabled(r.code, r.name)}
    enabled.update({r.name: r for r in enabled.values()})
    kept = suppress.apply(found, directives, source, enabled)
    kept += [d for d in problems if selection.enabled(d.code, d.name)]
    kept = [d for d in kept if selection.enabled(d.code, d.name)]
    return tuple(sorted(kept, key=sort_key))


def rules_for(selectors: Iterable[str]) -> list[Rule]:
    """The rules a list of selectors (codes, names, code prefixes) names."""
    selection = Selection(select=tuple(selectors))
    return [r for r in RULES if selection.enabled(r.code, r.name)]
