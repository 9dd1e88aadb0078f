"""Every output format of a list of diagnostics, by name (what `--format` and `--report-format` choose)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..diagnostics import Diagnostic
from ..source import Source
from .machine import to_github, to_json, to_sarif
from .text import COLOUR, PLAIN, concise, full

__all__ = ["FORMATS", "render"]

FORMATS = ("full", "concise", "json", "github", "sarif")


def render(fmt: str, diagnostics: Sequence[Diagnostic], source_of: Callable[[Diagnostic], Source | None],
           files: int, colour: bool = False) -> str:
    """``diagnostics`` in format ``fmt``; ``source_of`` gives the file text the full format quotes."""
    if fmt == "json":
        return to_json(diagnostics, files)
    if fmt == "github":
        return to_github(diagnostics)
    if fmt == "sarif":
        from ..validate.registry import RULES  # the rule table is only needed here

        return to_sarif(diagnostics, RULES)
    palette = COLOUR if colour else PLAIN
    if fmt == "full":
        return full(diagnostics, source_of, palette)
    if fmt == "concise":
        return concise(diagnostics, palette)
    raise ValueError(f"unknown format {fmt!r}")
