"""What a check or a converter found, before it becomes a Diagnostic.

A rule (:mod:`lvscf.validate`) or a converter (:mod:`lvscf.emit`) reports
:class:`Finding`s: a span of the file, a message, a hint.  :class:`Rule` is
the identity of the code they are reported under (stable code, kebab-case
name, severity, documentation); :func:`lvscf.emit.conversion.report` and the
validator turn findings into :class:`~lvscf.diagnostics.Diagnostic`s.  This
module sits below both so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import Severity

if TYPE_CHECKING:
    from .model.config import Config

__all__ = ["Location", "Finding", "Rule"]


class Location(NamedTuple):
    """A span of the file, as character offsets."""

    start: int
    end: int


class Finding(NamedTuple):
    """One problem a rule found: where, what (a message naming the value and its context), what to do."""

    where: Location
    message: str
    hint: str | None = None
    #: other places that explain this one: (label, location)
    related: tuple[tuple[str, Location], ...] = ()
    #: None: the rule's own severity
    severity: Severity | None = None


class Rule(NamedTuple):
    """A rule's identity.  ``check`` is None for the codes the parse and model stages report."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: Callable[[Config], Iterable[Finding]] | None
    stage: str  # "parse", "model", "rule", "suppress" or "convert"
