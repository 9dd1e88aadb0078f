"""``lvscf check``: lint lvs.cf files, for people and for CI."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..api import loads
from ..diagnostics import Diagnostic, Severity
from ..errors import InputError
from ..report.formats import render
from ..source import Source, encode
from ..validate import check as run_checks
from ..validate.settings import ConfigError, Settings, check_selectors, find_config, load_settings
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Format, colour_enabled, fail, gather_inputs
from .files import STDIN, read_input, write_file, write_text
from .fixing import FIX_HELP, UNSAFE_HELP, FixTally


class Colour(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _split(values: list[str] | None) -> list[str]:
    return [item.strip() for value in values or [] for item in value.split(",") if item.strip()]


def check(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files, directories (searched for lvs.cf and *.cf; what is not a regular file is skipped), or - "
             "for stdin.  Default: the current directory.", metavar="[PATH]...")] = None,
    output_format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="full: with source and a caret (default on a terminal); concise: "
                               "path:line:col: CODE message [name] (default otherwise); json; github; sarif.",
        case_sensitive=False)] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Only these rules: codes, code prefixes (LVS2) or names; comma-separated or "
                         "repeated.  Replaces the configuration's select.", metavar="RULES")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Skip these rules (added to the configuration's ignore).", metavar="RULES")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="Lowest severity that makes the exit status 1 (default: error).",
        case_sensitive=False)] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", help="Exit 0 even when problems are found (2 still means a usage or I/O error).")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Use this configuration file instead of looking for one.", metavar="FILE",
        dir_okay=False)] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")] = False,
    stdin_filename: Annotated[str | None, typer.Option(
        "--stdin-filename", help="Name to report for stdin (also used for per-file-ignores).")] = None,
    colour: Annotated[Colour, typer.Option(
        "--color", help="Colour in the full and concise formats (auto: only on a terminal, not with NO_COLOR).",
        case_sensitive=False)] = Colour.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on stderr.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help=FIX_HELP + "  Files are rewritten; the rest is reported.")]
    = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help=UNSAFE_HELP)] = False,
) -> None:
    """Check lvs.cf files: everything Piranha rejects, everything that fails or misbehaves at run
    time, and everything that is almost certainly a mistake.  See `lvscf rules`.

    Exit status: 0 nothing at or above --fail-on, 1 problems found, 2 usage, configuration or I/O error."""
    fmt = output_format or (Format.full if sys.stdout.isatty() else Format.concise)
    try:
        cli_select = check_selectors(_split(select), "--select") if select else None
        cli_ignore = check_selectors(_split(ignore), "--ignore")
        fixed = load_settings(config) if config is not None and not isolated else None
    except ConfigError as error:
        typer.echo(f"lvscf: error: {error}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if config is not None and not config.is_file():
        typer.echo(f"lvscf: error: {config}: no such configuration file", err=True)
        raise typer.Exit(EXIT_ERROR)

    files, skipped, unsearchable = gather_inputs(paths or ["."])
    io_errors = unsearchable
    tally = FixTally(unsafe_fixes) if fix or unsafe_fixes else None
    if tally is not None and STDIN in files:
        raise fail("--fix cannot rewrite standard input; use `lvscf fmt --fix -`")

    diagnostics: list[Diagnostic] = []
    sources: dict[str, Source] = {}
    checked = 0
    thresholds: list[Severity] = []
    settings_cache: dict[Path, Settings] = {}
    for path in files:
        try:
            source = read_input(path, stdin_filename)
        except InputError as error:
            typer.echo(f"lvscf: error: {error}", err=True)
            io_errors += 1
            continue
        try:
            settings = fixed or (Settings() if isolated else _settings_for(source.display, settings_cache))
        except ConfigError as error:
            typer.echo(f"lvscf: error: {error}", err=True)
            raise typer.Exit(EXIT_ERROR) from None
        selection = settings.selection(source.display)
        if cli_select is not None:
            selection = selection._replace(select=cli_select)
        selection = selection._replace(ignore=selection.ignore + cli_ignore)
        result = loads(source.data, source.display)
        if tally is not None:
            try:
                result = tally.apply(result, selection, lambda text: write_file(source.path, encode(text)))
            except InputError as error:
                typer.echo(f"lvscf: error: {error}", err=True)
                io_errors += 1
        sources[source.display] = result.source
        checked += 1
        diagnostics += run_checks(result, selection)
        if settings.fail_on is not None:
            thresholds.append(settings.fail_on)

    threshold = Severity.parse(fail_on.value) if fail_on else (min(thresholds) if thresholds else Severity.ERROR)
    _render(fmt, diagnostics, sources, checked, colour)
    if not quiet:
        if tally is not None:
            typer.echo(tally.summary(), err=True)
        typer.echo(summary(diagnostics, checked, len(files) - checked, skipped, unsearchable), err=True)
    if io_errors:
        raise typer.Exit(EXIT_ERROR)
    if exit_zero:
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_FINDINGS if any(d.severity >= threshold for d in diagnostics) else EXIT_OK)


def _settings_for(display: str, cache: dict[Path, Settings]) -> Settings:
    directory = Path(display).resolve().parent if display != STDIN else Path.cwd()
    config = find_config(directory)
    if config is None:
        return Settings()
    if config not in cache:
        cache[config] = load_settings(config)
    return cache[config]


def _render(fmt: Format, diagnostics: list[Diagnostic], sources: dict[str, Source], files: int,
            colour: Colour) -> None:
    use_colour = colour is Colour.always or (colour is Colour.auto and colour_enabled(sys.stdout))
    write_text(sys.stdout, render(fmt.value, diagnostics, lambda d: sources.get(d.path or "-"), files, use_colour))


def summary(diagnostics: list[Diagnostic], checked: int, unreadable: int, skipped: int,
            unsearchable: int = 0) -> str:
    """The last line on stderr.  It counts only the files really checked: a file that could not
    be read is no file without problems."""
    line = f"lvscf: {checked} file(s) checked"
    if unreadable:
        line += f", {unreadable} could not be read"
    if unsearchable:
        line += f", {unsearchable} director{'y' if unsearchable == 1 else 'ies'} could not be searched"
        unreadable += unsearchable
    if skipped:
        line += f", {skipped} skipped (not regular files)"
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    if diagnostics:
        return line + ": " + ", ".join(f"{counts[s]} {s}(s)" for s in reversed(Severity) if counts[s])
    if not unreadable:
        return line + ", no problems found"
    return line + (": no problems found in the file(s) checked" if checked else "")
