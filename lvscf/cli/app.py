"""The typer application: commands, --version, and the guarantee of no tracebacks."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer

from .. import __version__
from .check import check
from .common import EXIT_ERROR
from .convert import convert
from .files import OutputError
from .fmt import fmt
from .rules import rule, rules
from .schema import schema

app = typer.Typer(
    name="lvscf",
    help="Parse, check and convert Piranha lvs.cf files (Red Hat's LVS director configuration).\n\n"
         "Exit status: 0 no problems, 1 problems found in the input, 2 usage or I/O error.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lvscf {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Parse, check and convert Piranha lvs.cf files."""


app.command()(check)
app.command()(fmt)
app.command()(convert)
app.command()(rules)
app.command()(rule)
app.command()(schema)


def main() -> None:
    """Console entry point.  An unexpected exception is a bug: report it in one line (the
    traceback only with LVSCF_DEBUG=1) and exit 2, never with a bare traceback."""
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        sys.stdout = _ClosedStdout()
    _leave(_run())


class _ClosedStdout:
    """Stands for a closed stdout, which Python leaves as None and typer's echo then writes to
    silently: output that cannot be written is an error (exit 2), whichever command prints it."""

    def write(self, text: str) -> int:
        raise OutputError("standard output", "it is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _run() -> int:
    try:
        app()
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        _say(f"{exit_.code}\n")
        return 1
    except KeyboardInterrupt:
        _say("lvscf: interrupted\n")
        return 130
    except OutputError as error:
        # A reader that went away (`lvscf check | head`) wants no more output, not a message.
        if not error.broken_pipe:
            _say(f"lvscf: error: {error}\n")
        return EXIT_ERROR
    except OSError as error:
        # What reaches here is a write to a standard stream outside write_text (typer's echo):
        # files and stdin are read and written with their own errors.  Should stderr be the
        # one that failed, this message is lost too; when it is seen, stdout failed.
        if not isinstance(error, BrokenPipeError):
            what = error.filename or "standard output"
            _say(f"lvscf: error: {what}: cannot be written ({error.strerror or error})\n")
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if os.environ.get("LVSCF_DEBUG"):
            traceback.print_exc()
        _say(f"lvscf: internal error: {type(error).__name__}: {error}\n"
             "lvscf: this is a bug in lvscf; please report it with the input that caused it "
             "(set LVSCF_DEBUG=1 for details)\n")
        return EXIT_ERROR
    return 0


def _say(text: str) -> None:
    """Write to stderr if there is one: a closed or full stderr has no one to tell."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def _leave(code: int) -> None:
    """Exit without tearing the interpreter down.

    Freeing every module and object one by one takes ~12 ms, a seventh of a short
    command's whole run.  Nothing lvscf does needs it: output files are written
    atomically and closed before this point.  Only the standard streams are left
    to flush; one that is closed (None), full or broken makes the exit status 2.
    Under coverage measurement (which saves its data at exit) the normal exit is kept.
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or EXIT_ERROR
    if "coverage" in sys.modules:
        sys.exit(code)
    os._exit(code)
