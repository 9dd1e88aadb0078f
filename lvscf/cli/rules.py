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
        typer.echo(f"lvscf: error: {code_or_name!r} is no rule code or name (see `lvscf rules`)", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(f"# {found.code} {found.name} ({found.severity})\n\n{found.summary}.\n\n{found.doc}")
