"""``lvscf fmt``: rewrite files in the Piranha GUI's layout, keeping comments."""

from __future__ import annotations

import difflib
import sys
from typing import Annotated

import typer

from ..api import dumps
from ..errors import InputError, UnrepresentableError
from ..parse import codes as parse_codes
from ..source import encode
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, gather_inputs, load_input, print_diagnostics
from .files import STDIN, write_file, write_text
from .fixing import FIX_HELP, UNSAFE_HELP, fixed_for_format

_SYNTAX_CODES = frozenset(c.code for c in parse_codes.ALL)


def fmt(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files to rewrite in place, directories (searched for lvs.cf and *.cf, as by check), or - for "
             "stdin (written to stdout).  Default: the current directory.", metavar="[PATH]...")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if a file would be rewritten.")]
    = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff of the rewrite and exit "
                                                      "1 if there is one.")] = False,
    stdin_filename: Annotated[str | None, typer.Option("--stdin-filename", help="Name to report for stdin.")]
    = None,
    fix: Annotated[bool, typer.Option("--fix", help=FIX_HELP)] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help=UNSAFE_HELP)] = False,
) -> None:
    """Rewrite lvs.cf files in the Piranha GUI's layout (key order, 5/9-space indentation, one
    space around `=`, quoted send/expect), keeping every comment.  Files with syntax errors are
    left alone and reported.  Files are replaced atomically and keep their permissions, owner and
    group; a symbolic link is followed to the file it names; a file with several hard links is
    refused (see the README's Safety section)."""
    files, skipped, unsearchable = gather_inputs(paths or ["."])
    changed = unchanged = failed = io_failed = 0
    for path in files:
        try:
            source, result = load_input(path, stdin_filename)
        except InputError as error:
            typer.echo(f"lvscf: error: {error}", err=True)
            io_failed += 1
            continue
        original = result.document.text
        if fix or unsafe_fixes:
            result = fixed_for_format(result, unsafe=unsafe_fixes)
        syntax = [d for d in result.diagnostics if d.code in _SYNTAX_CODES and d.severity.name == "ERROR"]
        try:
            if syntax:
                raise UnrepresentableError("syntax errors")
            formatted = dumps(result, canonical=True)
        except UnrepresentableError:
            print_diagnostics(syntax)
            typer.echo(f"lvscf: error: {source.display}: not formatted, fix the errors above first", err=True)
            failed += 1
            continue
        if formatted == original:
            unchanged += 1
            if path == STDIN and not (check or diff):
                write_text(sys.stdout, formatted)
            continue
        if diff:
            write_text(sys.stdout, "".join(difflib.unified_diff(
                original.splitlines(True), formatted.splitlines(True),
                f"{source.display} (original)", f"{source.display} (formatted)")))
        elif check:
            typer.echo(f"would reformat: {source.display}", err=True)
        elif source.path is None:
            write_text(sys.stdout, formatted)
        else:
            try:
                write_file(source.path, encode(formatted))
            except InputError as error:
                typer.echo(f"lvscf: error: {error}", err=True)
                io_failed += 1
                continue
        changed += 1
    verb = "would be reformatted" if check or diff else "reformatted"
    if files != [STDIN]:
        # Each file is counted once: a file whose rewrite failed is "failed", not "reformatted".
        typer.echo(f"{changed} file(s) {verb}, {unchanged} left unchanged"
                   + (f", {failed + io_failed} failed" if failed + io_failed else "")
                   + (f", {skipped} skipped (not regular files)" if skipped else "")
                   + (f", {unsearchable} director{'y' if unsearchable == 1 else 'ies'} could not be searched"
                      if unsearchable else ""), err=True)
    if io_failed or unsearchable:
        raise typer.Exit(EXIT_ERROR)
    if failed or (changed and (check or diff)):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)
