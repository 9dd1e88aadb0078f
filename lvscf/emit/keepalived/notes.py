"""The migration report while it is being written: findings per code, and refusals."""

from __future__ import annotations

from ...diagnostics import Severity
from ...findings import Finding, Location, Rule
from .values import Refused

__all__ = ["Notes"]


class Notes:
    """Collects ``(code, finding)`` pairs; a refusal (an error) means no file is written."""

    def __init__(self) -> None:
        self.items: list[tuple[Rule, Finding]] = []
        self._seen: set[tuple[str, int, str]] = set()

    def add(self, code: Rule, where: Location, message: str, hint: str | None = None,
            severity: Severity | None = None) -> None:
        key = (code.code, where.start, message)
        if key not in self._seen:  # the same value can be refused once per server that uses it
            self._seen.add(key)
            self.items.append((code, Finding(where, message, hint, (), severity)))

    def refuse(self, where: Location, error: Refused) -> None:
        self.add(error.code, where, str(error), error.hint)

    @property
    def refused(self) -> bool:
        return any((f.severity or code.severity) is Severity.ERROR for code, f in self.items)
