"""What every command shares: exit codes, colour, printing diagnostics, loading inputs."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterable
from typing import NamedTuple

import typer

from ..api import LoadResult, loads
from ..diagnostics import Diagnostic
from ..report.text import COLOUR, PLAIN, Palette, concise
from .files import STDIN, Input, discover, names_descriptor, read_input, write_text

__all__ = ["Format", "EXIT_OK", "EXIT_FINDINGS", "EXIT_ERROR", "fail", "stderr_palette", "print_diagnostics",
           "load_input", "Gathered", "gather_inputs"]

class Format(str, enum.Enum):
    """The output formats of diagnostics (`check --format`, `convert --report-format`)."""

    full = "full"
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"


#: No problems (at or above the threshold) in the input.
EXIT_OK = 0
#: Problems found in the input: diagnostics, or a file `fmt --check` would change.
EXIT_FINDINGS = 1
#: Usage, configuration or I/O error (also what typer returns for bad options).
EXIT_ERROR = 2


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    """Print ``lvscf: error: message`` on stderr; raise the returned Exit."""
    typer.echo(f"lvscf: error: {message}", err=True)
    return typer.Exit(code)


def colour_enabled(stream) -> bool:
    """Colour only on a terminal; NO_COLOR (non-empty) disables it, FORCE_COLOR forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def stderr_palette() -> Palette:
    return COLOUR if colour_enabled(sys.stderr) else PLAIN


def print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    text = concise(diagnostics, stderr_palette())
    if text:
        write_text(sys.stderr, text)


def load_input(path: str, stdin_filename: str | None) -> tuple[Input, LoadResult]:
    source = read_input(path, stdin_filename)
    return source, loads(source.data, source.display)


class Gathered(NamedTuple):
    files: list[str]
    skipped: int  # files met while walking that are not regular files
    errors: int  # directories that cannot be searched


def gather_inputs(paths: list[str]) -> Gathered:
    """The files `check` and `fmt` work on: files as named, directories walked for lvs.cf and
    *.cf.  A path that does not exist is a usage error (exit 2 at once); skipped files get a
    note and unsearchable directories an error, both one line on stderr."""
    files: list[str] = []
    skipped = errors = 0
    for path in paths:
        # A descriptor's name (/dev/stdin) is left to the reader, which says when it is closed.
        if path != STDIN and not os.path.exists(path) and not names_descriptor(path):
            raise fail(f"{path}: no such file or directory")
        found = discover([path])
        for note in found.notes:
            typer.echo(f"lvscf: note: {note}", err=True)
        for error in found.errors:
            typer.echo(f"lvscf: error: {error}", err=True)
        if not found.files and not found.notes and not found.errors:
            typer.echo(f"lvscf: warning: {path}: no lvs.cf or *.cf file found", err=True)
        files += found.files
        skipped += len(found.notes)
        errors += len(found.errors)
    return Gathered(files, skipped, errors)
