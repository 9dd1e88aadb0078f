"""``lvscf schema``: print the JSON Schema of lvscf's JSON output."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer

from ..emit.json import config_schema


class Document(str, enum.Enum):
    config = "config"
    diagnostics = "diagnostics"


def schema(
    which: Annotated[Document, typer.Argument(help="config: the model printed by `convert --to json`; "
                                                   "diagnostics: the document printed by `check --format json`.")]
    = Document.config,
) -> None:
    """Print a JSON Schema (draft 2020-12) of lvscf's JSON output."""
    from ..report.machine import json_schema

    typer.echo(json.dumps(config_schema() if which is Document.config else json_schema(), indent=2))
