"""``lvscf convert``: write an lvs.cf as ipvsadm rules, keepalived.conf, lvs.cf again, or JSON."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..api import dumps
from ..diagnostics import Diagnostic, Severity
from ..emit.conversion import Conversion
from ..emit.json import to_json
from ..errors import InputError, UnrepresentableError
from ..report.formats import render
from ..source import encode
from ..validate import Selection
from ..validate import check as run_checks
from ..validate.settings import ConfigError, find_config, load_settings
from .common import EXIT_FINDINGS, Format, fail, load_input, print_diagnostics
from .files import STDIN, names_stdout, write_file, write_text


class Target(str, enum.Enum):
    ipvsadm = "ipvsadm"
    keepalived = "keepalived"
    lvs = "lvs"
    json = "json"


class Node(str, enum.Enum):
    primary = "primary"
    backup = "backup"


class Checks(str, enum.Enum):
    exact = "exact"
    native = "native"


_BY_SUFFIX = {".json": Format.json, ".sarif": Format.sarif}


def convert(
    path: Annotated[str, typer.Argument(help="The lvs.cf to convert, or - for stdin.", metavar="PATH")],
    to: Annotated[Target, typer.Option(
        "--to", "-t", case_sensitive=False,
        help="ipvsadm: the IPVS table lvsd and nanny program, in ipvsadm-save -n form (for ipvsadm-restore).  "
             "keepalived: keepalived.conf for one director (see --node).  lvs: the file itself, written back "
             "losslessly.  json: the typed model (see `lvscf schema`).")],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write here instead of stdout: a regular file is replaced atomically (a symbolic "
                               "link: the file it names), a device or FIFO is written through.",
        metavar="FILE")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Convert even when check reports errors (Piranha would reject the file, or a daemon "
                        "would fail): whatever lvscf could read is converted, and stderr says how many errors "
                        "check reports.  Values a target cannot hold safely are still refused.")] = False,
    report: Annotated[str | None, typer.Option(
        "--report", help="Also write the migration report (what the target does differently from Piranha) "
                         "to FILE; - for stdout.", metavar="FILE")] = None,
    report_format: Annotated[Format | None, typer.Option(
        "--report-format", case_sensitive=False,
        help="Format of --report (default: json for *.json, sarif for *.sarif, else concise).")] = None,
    node: Annotated[Node, typer.Option(
        "--node", case_sensitive=False,
        help="keepalived: the director this file is for.  primary: VRRP MASTER; backup: BACKUP.")]
    = Node.primary,
    vrid: Annotated[int, typer.Option(
        "--vrid", min=1, max=255, help="keepalived: VRRP virtual_router_id, the same on both directors and "
                                       "unique on the network.")] = 51,
    interface: Annotated[str | None, typer.Option(
        "--interface", help="keepalived: VRRP interface (default: the device of the first virtual address that "
                            "is not lo; keepalived refuses VRRP on lo).",
        metavar="IFACE")] = None,
    checks: Annotated[Checks, typer.Option(
        "--checks", case_sensitive=False,
        help="keepalived: exact: checks keepalived cannot express run lvscf-probe, which reproduces nanny; "
             "native: they become TCP_CHECK (reported).")] = Checks.exact,
    probe: Annotated[str, typer.Option(
        "--probe", help="keepalived: where lvscf-probe is installed on the directors.", metavar="PATH")]
    = "/usr/local/bin/lvscf-probe",
    flush: Annotated[bool, typer.Option(
        "--flush", help="ipvsadm: start with -C (clear the table first), as lvsd did.")] = False,
    timeouts: Annotated[bool, typer.Option(
        "--timeouts", help="ipvsadm: add the --set tcp tcpfin udp line lvsd ran.")] = False,
    stdin_filename: Annotated[str | None, typer.Option("--stdin-filename", help="Name to report for stdin.")]
    = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only errors on stderr (not warnings, nor the migration report).")] = False,
) -> None:
    """Convert an lvs.cf.  First the file is checked, as `lvscf check` would (with the same
    configuration file and suppressions): if check reports an error, the file is not converted
    (exit 1) unless --force, which converts it anyway and says how many errors check reports.
    Check's errors and warnings, then the migration report, go to stderr; no output file is
    written when the conversion fails.

    Exit status: 0 converted, 1 refused (check reports errors, or a value the target cannot hold),
    2 usage, configuration or I/O error."""
    if report is not None and names_stdout(report) and names_stdout(output):
        raise fail("--report - and the converted text cannot both go to stdout: use -o FILE for one of them")
    try:
        source, result = load_input(path, stdin_filename)
    except InputError as error:
        raise fail(str(error)) from None
    try:
        selection = _selection(source.display)
    except ConfigError as error:
        raise fail(str(error)) from None
    # One check, as `lvscf check` runs it: its errors decide, the same way for every target
    found = run_checks(result, selection)
    errors = tuple(d for d in found if d.severity is Severity.ERROR)
    print_diagnostics(errors if quiet else [d for d in found if d.severity >= Severity.WARNING])
    verdict = f"check reports {len(errors)} error{'s' if len(errors) != 1 else ''} (above)"
    if errors and not force:
        if report is not None:
            _write_report(report, report_format, errors, result.source)
        raise fail(f"{source.display}: not converted: {verdict}; fix {'it' if len(errors) == 1 else 'them'}, or "
                   "use --force to convert anyway", EXIT_FINDINGS)
    notes: tuple[Diagnostic, ...] = ()
    try:
        if to is Target.lvs:
            text = dumps(result)
        elif to is Target.json:
            text = to_json(result.config)
        else:
            conversion = _convert(to, result.config, node=node.value, vrid=vrid, interface=interface,
                                  checks=checks.value, probe=probe, flush=flush, timeouts=timeouts)
            text, notes = conversion.text, conversion.diagnostics
    except UnrepresentableError as error:
        raise fail(f"{source.display}: {error}", EXIT_FINDINGS) from None
    except ValueError as error:  # an option the converter cannot use (e.g. --probe with a blank)
        raise fail(str(error)) from None
    refused = [d for d in notes if d.severity is Severity.ERROR]
    print_diagnostics(notes if not quiet else refused)
    if report is not None:
        # the report of a forced conversion starts with what check found: it is part of the difference
        _write_report(report, report_format, errors + notes, result.source)
    if refused:
        raise fail(f"{source.display}: not converted to {to.value}: {len(refused)} error(s) in the migration "
                   "report (see above)", EXIT_FINDINGS)
    if errors:
        typer.echo(f"lvscf: warning: {source.display}: converted with --force although {verdict}", err=True)
    if output is None or output == "-":
        write_text(sys.stdout, text)
        return
    try:
        write_file(output, encode(text))
    except InputError as error:
        raise fail(str(error)) from None


def _selection(display: str) -> Selection:
    """The rules `lvscf check` would run on this file: its configuration file's select, ignore and
    per-file-ignores (the file closest to it; the current directory's for stdin)."""
    directory = Path(display).resolve().parent if display != STDIN else Path.cwd()
    config = find_config(directory)
    return load_settings(config).selection(display) if config is not None else Selection()


def _convert(to: Target, config, *, node: str, vrid: int, interface: str | None, checks: str, probe: str,
             flush: bool, timeouts: bool) -> Conversion:
    if to is Target.keepalived:
        from ..emit.keepalived import keepalived

        return keepalived(config, node=node, vrid=vrid, interface=interface, checks_mode=checks, probe=probe)
    from ..emit.ipvsadm import ipvsadm

    return ipvsadm(config, flush=flush, timeouts=timeouts)


def _write_report(path: str, fmt: Format | None, notes: tuple[Diagnostic, ...], source) -> None:
    if fmt is None:
        fmt = next((f for suffix, f in _BY_SUFFIX.items() if path.endswith(suffix)), Format.concise)
    text = render(fmt.value, notes, lambda d: source, 1)
    if path == "-":
        write_text(sys.stdout, text)
        return
    try:
        write_file(path, encode(text))
    except InputError as error:
        raise fail(str(error)) from None
