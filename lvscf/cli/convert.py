"""``lvscf convert``: write an lvs.cf in another form."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from ..api import dumps
from ..diagnostics import Severity
from ..emit.json import to_json
from ..errors import InputError, UnrepresentableError
from ..source import encode
from .common import EXIT_FINDINGS, fail, load_input, print_diagnostics
from .files import write_atomic


class Target(str, enum.Enum):
    lvs = "lvs"
    json = "json"


def convert(
    path: Annotated[str, typer.Argument(help="The lvs.cf to convert, or - for stdin.", metavar="PATH")],
    to: Annotated[Target, typer.Option("--to", "-t", help="lvs: the file itself, written back losslessly. "
                                                          "json: the typed model (see `lvscf schema`).",
                                       case_sensitive=False)],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.",
                                               metavar="FILE")] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert even when Piranha would reject the file "
                                                        "(whatever lvscf could read is converted).")] = False,
    stdin_filename: Annotated[str | None, typer.Option("--stdin-filename", help="Name to report for stdin.")]
    = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Convert an lvs.cf.  Diagnostics go to stderr; a file with errors is refused (exit 1)
    unless --force."""
    try:
        source, result = load_input(path, stdin_filename)
    except InputError as error:
        raise fail(str(error)) from None
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    shown = result.diagnostics if not quiet else errors
    print_diagnostics(shown)
    if errors and not force:
        raise fail(f"{source.display}: not converted: Piranha would reject it ({len(errors)} error(s) above); "
                   "fix them, or use --force", EXIT_FINDINGS)
    try:
        text = dumps(result) if to is Target.lvs else to_json(result.config)
    except UnrepresentableError as error:
        raise fail(f"{source.display}: {error}", EXIT_FINDINGS) from None
    data = encode(text)
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomic(output, data)
    except InputError as error:
        raise fail(str(error)) from None
