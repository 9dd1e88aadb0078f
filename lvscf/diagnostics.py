"""The one Diagnostic type.  Every output format renders it; nothing else reports problems.

A diagnostic says what is wrong in the user's file, where (1-based line and
column, with an end position), what Piranha would do with it, and what to do.
Problems in the file are always diagnostics, never exceptions.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple

import attrs

from .source import Source

__all__ = ["Severity", "Code", "Related", "Diagnostic", "make", "sort_key", "has_errors", "Capped", "MAX_PER_CODE"]


class Severity(enum.IntEnum):
    """error: Piranha rejects the file, or a daemon fails or misbehaves for certain.
    warning: almost certainly a mistake.  info: worth knowing."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


class Code(NamedTuple):
    """The identity of one kind of diagnostic: a stable code and a kebab-case name.

    ``doc`` is the long documentation in the shape "## What it does / ## Why is
    this bad? / ## Example" that ``lvscf rule`` prints.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""


class Related(NamedTuple):
    """A second location that explains a diagnostic (e.g. the first of two duplicates)."""

    message: str
    line: int
    column: int
    end_line: int
    end_column: int


@attrs.frozen
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    path: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    #: character offsets in the file, for tools that edit it
    start: int = attrs.field(default=0, eq=False)
    end: int = attrs.field(default=0, eq=False)
    #: what Piranha itself says or does, when that differs from the message
    piranha: str | None = None
    #: what to do about it
    hint: str | None = None
    related: tuple[Related, ...] = ()

    def with_path(self, path: str | None) -> Diagnostic:
        return attrs.evolve(self, path=path)


def make(
    code: Code,  # or anything else with code, name and severity (a rule)
    source: Source,
    start: int,
    end: int,
    message: str,
    *,
    severity: Severity | None = None,
    piranha: str | None = None,
    hint: str | None = None,
    related: Iterable[tuple[str, int, int]] = (),
) -> Diagnostic:
    """Build a diagnostic for the span ``start:end`` of ``source``.

    ``related`` holds (message, start, end) spans in the same file.
    """
    line, column = source.position(start)
    end_line, end_column = source.position(max(end, start))
    rel = []
    for text, rstart, rend in related:
        rline, rcol = source.position(rstart)
        reline, recol = source.position(max(rend, rstart))
        rel.append(Related(text, rline, rcol, reline, recol))
    return Diagnostic(
        code=code.code,
        name=code.name,
        severity=code.severity if severity is None else severity,
        message=message,
        path=source.path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        start=start,
        end=end,
        piranha=piranha,
        hint=hint,
        related=tuple(rel),
    )


def sort_key(d: Diagnostic) -> tuple:
    return (d.path or "", d.line, d.column, d.code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


#: At most this many diagnostics of one code are reported for one file; the last of them
#: says how many more there were.
MAX_PER_CODE = 100


class Capped:
    """One file's diagnostics as they are made, at most :data:`MAX_PER_CODE` of each code.

    When a file has more of a code, the last one kept says how many more there were.  A
    file of a million bad lines would otherwise cost a million diagnostics (about 1 KB
    each, rendered) where a hundred tell as much.  Callers ask :meth:`takes` before they
    make a diagnostic, so that the ones not kept cost nothing.
    """

    __slots__ = ("items", "_counts", "_last")

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._counts: dict[str, int] = {}
        self._last: dict[str, int] = {}  # code -> index of the last one kept

    def takes(self, code: str) -> bool:
        """Count one more diagnostic of ``code``; True when it is to be made and added."""
        n = self._counts.get(code, 0) + 1
        self._counts[code] = n
        return n <= MAX_PER_CODE

    def add(self, diagnostic: Diagnostic) -> None:
        if self._counts.get(diagnostic.code, 0) == MAX_PER_CODE:
            self._last[diagnostic.code] = len(self.items)
        self.items.append(diagnostic)

    def done(self) -> list[Diagnostic]:
        """The diagnostics; the last one kept of a code says how many more were not."""
        for code, index in self._last.items():
            more = self._counts[code] - MAX_PER_CODE
            if more:
                d = self.items[index]
                self.items[index] = attrs.evolve(
                    d, message=f"{d.message} (and {more} more {code} after it in this file: lvscf reports the "
                               f"first {MAX_PER_CODE} diagnostics of each code in a file)")
        return self.items
