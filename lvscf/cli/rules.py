"""``lvscf rules`` (the list) and ``lvscf rule CODE|NAME`` (one rule's documentation)."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer

from ..validate import RULES, lookup
from .common import EXIT_ERROR


class ListFormat(str, enum.Enum):
    text = "text"
    json = "json"


def rules(
    output_format: Annotated[ListFormat, typer.Option("--format", "-f", help="text or json.",
                                                      case_sensitive=False)] = ListFormat.text,
) -> None:
    """List every rule: code, name, default severity and summary."""
    if output_format is ListFormat.json:
        data = [{"code": r.code, "name": r.name, "severity": str(r.severity), "summary": r.summary,
                 "stage": r.stage} for r in sorted(RULES, key=lambda r: r.code)]
        typer.echo(json.dumps(data, indent=2))
        return
    for r in sorted(RULES, key=lambda r: r.code):
        typer.echo(f"{r.code}  {r.name:<36} {str(r.severity):<8} {r.summary}")


def rule(
    code_or_name: Annotated[str, typer.Argument(help="A rule code (LVS304) or name (weight-not-positive).",
                                                metavar="CODE|NAME")],
) -> None:
    """Print one rule's documentation."""
    found = lookup(code_or_name)
    if found is None:
        near = _near(code_or_name)
        advice = f"did you mean {', '.join(near)}?" if near else "see `lvscf rules`"
        typer.echo(f"lvscf: error: {code_or_name!r} is no rule code or name ({advice})", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(f"# {found.code} {found.name} ({found.severity})\n\n{found.summary}.\n\n{found.doc}")


def _near(word: str, limit: int = 5) -> list[str]:
    """Rule names a mistyped or partial word probably meant: names that contain it
    (``reentry`` finds every re-entry rule), then names and codes spelt alike."""
    import difflib

    word = word.strip().lower()
    if not word:
        return []
    names = sorted(r.name for r in RULES)
    found = [n for n in names if word in n or word.replace("_", "-") in n]
    if len(found) < limit:
        codes = sorted(r.code.lower() for r in RULES)
        alike = difflib.get_close_matches(word, names + codes, n=limit, cutoff=0.7)
        found += [a.upper() if a in codes else a for a in alike if a not in found and a.upper() not in found]
    return found[:limit]
