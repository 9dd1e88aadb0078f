"""nanny's health check for one real server, as a keepalived checker that means the same.

What nanny checks (lvs-cf-format.md §7.4): with ``send_program``, a program's
output; otherwise a TCP or UDP exchange with the real server's port: connect,
optionally send, optionally read and compare (a prefix, ``*``, or a POSIX
regex).  On a virtual port of 80 with nothing set it sends an HTTP request.

keepalived's own checkers reproduce two of these exactly or nearly: a bare
TCP connect (``TCP_CHECK``), and an HTTP/1.0 GET whose expected reply is just
"an HTTP response" (``HTTP_GET``), but neither keeps nanny's re-entry count
(``reentry / timeout`` good checks before a failed server returns).  So they
are used only when that count is 1; everything else runs ``lvscf-probe``
from a ``MISC_CHECK``, which does what nanny did, byte for byte, count
included.  With ``checks="native"`` keepalived's checkers are always used
(``TCP_CHECK`` where nothing closer exists) and each loss is reported.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ...diagnostics import Severity
from ...model.config import Protocol, Server, Virtual
from ...probe.escapes import convert_text
from ...probe.reentry import threshold
from ...validate.rule import header_of, value_of
from ...validate.rules.health import costly_regex
from .codes import (CHECK_APPROXIMATED, CHECK_NOT_REPRODUCED, PROGRAM_AS_ROOT, PROGRAM_TIMEOUT, REENTRY,
                    REGEX_COST)
from .notes import Notes
from .syntax import Directive
from .values import Refused, percent, url_path

__all__ = ["Check", "plan", "checker", "reentry_checks", "IMPLICIT_SEND", "IMPLICIT_EXPECT"]

#: What nanny sends and expects on a virtual port of 80 when nothing is configured (before escapes).
IMPLICIT_SEND = "GET / HTTP/1.0\\r\\n\\r\\n"
IMPLICIT_EXPECT = "HTTP"

#: the longest misc_path value written: keepalived splits lines at 1023 bytes, indentation included
MAX_COMMAND = 900

_HTTP_GET = re.compile(r"GET (/\S*) HTTP/1\.0\r\n\r\n")


class Check(NamedTuple):
    """The checker chosen for a virtual: ``tcp``, ``http`` (with its path) or ``probe``."""

    kind: str
    path: str | None = None


def _effective(virtual: Virtual) -> tuple[str | None, str | None]:
    """send and expect as nanny uses them, the implicit HTTP check included (before escapes)."""
    if virtual.implicit_http:
        return IMPLICIT_SEND, IMPLICIT_EXPECT
    return virtual.send, virtual.expect


def reentry_checks(virtual: Virtual) -> int:
    """How many good checks in a row nanny wanted before re-adding a failed server (at least 1)."""
    return max(1, threshold(virtual.reentry, virtual.timeout))


def _native(virtual: Virtual) -> Check | None:
    """keepalived's own checker for nanny's check, if one does the same (None: none does)."""
    send, expect = _effective(virtual)
    if virtual.send_program is not None or virtual.protocol is not Protocol.tcp:
        return None
    if send is None and expect is None:
        return Check("tcp")
    if virtual.use_regex or send is None or expect is None:
        return None
    wire, reply = convert_text(send)[0], convert_text(expect)[0]
    m = _HTTP_GET.fullmatch(wire or "")
    if m and reply and "HTTP/1.".startswith(reply) and url_path(m.group(1)):
        return Check("http", m.group(1))
    return None


def plan(virtual: Virtual, native: bool, probe: str, notes: Notes) -> Check | None:
    """The checker for every real server of ``virtual`` (nanny's check depends on the virtual only).

    keepalived's checkers are used where they do what nanny did: a bare TCP
    connect, or an HTTP GET that only needs some HTTP answer, and only when
    nanny re-added servers after a single good check.  Otherwise the probe
    (``native``: a TCP connect, and the loss is reported).  None: the probe's
    command line would be too long for keepalived, or its regex too costly
    to match (refused in ``notes``).
    """
    needed = reentry_checks(virtual)
    own = _native(virtual)
    if not native and (own is None or needed > 1):
        costly = costly_regex(virtual)
        if costly is not None:
            notes.refuse(value_of(virtual, "expect"), Refused(
                f'virtual "{virtual.name}": lvscf-probe would match the expect regex "{virtual.expect}" at too high '
                f"a cost for every real server at every check: {costly[1]}",
                "simplify the expression (see `lvscf rule LVS521`)", REGEX_COST))
        if virtual.send_program is not None:
            notes.add(PROGRAM_TIMEOUT, value_of(virtual, "send_program"),
                      f'virtual "{virtual.name}": a check program that never exits froze nanny\'s checks (the '
                      f"server kept its state); keepalived kills it after misc_timeout ({2 * virtual.timeout + 2} s) "
                      "and counts a failure")
            _program_as_root(virtual, notes)
        longest = len(" ".join(_probe_argv(probe, virtual, "255.255.255.255", 65535)))
        if longest > MAX_COMMAND:
            key = max(("send_program", "send", "expect"), key=lambda k: len(getattr(virtual, k) or ""))
            notes.refuse(value_of(virtual, key), Refused(
                f'virtual "{virtual.name}": the check command would be {longest} characters long; keepalived '
                f"reads lines of at most 1023 bytes (and splits longer ones)",
                f"shorten {key}: lvscf-probe gets it percent-encoded (each unusual byte takes 3 characters)"))
            return None
        return None if costly is not None else Check("probe")
    if own is None:
        what = ("send_program" if virtual.send_program is not None else
                "UDP" if virtual.protocol is not Protocol.tcp else "use_regex" if virtual.use_regex else
                "send/expect")
        key = ("send_program" if virtual.send_program is not None else "send" if virtual.send is not None else
               "expect" if virtual.expect is not None else "protocol")
        notes.add(CHECK_NOT_REPRODUCED, value_of(virtual, key),
                  f"virtual \"{virtual.name}\": nanny's {what} check becomes a plain TCP connect (--checks native)",
                  "use --checks exact to run lvscf-probe, which reproduces nanny's check")
        own = Check("tcp")
    if own.kind == "http":
        implicit = virtual.send is None
        notes.add(CHECK_APPROXIMATED, header_of(virtual) if implicit else value_of(virtual, "send"),
                  f"virtual \"{virtual.name}\": nanny's "
                  + ("implicit HTTP check (virtual port 80)" if implicit else "HTTP send/expect check")
                  + f" becomes HTTP_GET {own.path} accepting any status code",
                  "keepalived also sends Host and User-Agent headers and needs a well-formed status line")
    if needed > 1:
        notes.add(REENTRY, value_of(virtual, "reentry"),
                  f'virtual "{virtual.name}": nanny re-added a failed server after {needed} good checks in a row '
                  f"(reentry {virtual.reentry or 180} / timeout {virtual.timeout}); keepalived's own checkers "
                  "re-add it after one", "use --checks exact: lvscf-probe keeps nanny's count")
    return own


def _program_as_root(virtual: Virtual, notes: Notes) -> None:
    """Report that the send_program now runs as root under keepalived, and whether the probe will refuse it."""
    assert virtual.send_program is not None
    first = next((word for word in virtual.send_program.split(" ") if word), None)  # nanny's argv[0]
    if first is None:
        return  # no program: nothing runs
    where = value_of(virtual, "send_program")
    if first.startswith("/"):
        notes.add(PROGRAM_AS_ROOT, where,
                  f'virtual "{virtual.name}": keepalived runs `{first}` as root through lvscf-probe, which runs it '
                  "only while it and every directory above it are owned by root and writable by no one else; "
                  "otherwise every check fails",
                  "chown root and chmod go-w the program and its directories on both directors")
    else:
        notes.add(PROGRAM_AS_ROOT, where,
                  f'virtual "{virtual.name}": keepalived runs the program as root through lvscf-probe, which '
                  f"refuses `{first}`: not an absolute path (nanny looked it up in the PATH), so every check fails",
                  f"write the absolute path of `{first}` in send_program", severity=Severity.WARNING)


def _probe_argv(probe: str, virtual: Virtual, rip: str, rport: int) -> list[str]:
    argv = [probe, "-h", rip, "-p", str(virtual.port), "-r", str(rport), "-t", str(virtual.timeout)]
    if reentry_checks(virtual) > 1:
        argv += ["-a", str(virtual.reentry)]
    if virtual.protocol is Protocol.udp:
        argv.append("-u")
    send = virtual.send if virtual.send_program is None else None  # nanny ignores send then
    for option, value in (("--program", virtual.send_program), ("--send", send), ("--expect", virtual.expect)):
        if value is not None:
            argv.append(f"{option}={percent(value)}")
    if virtual.use_regex:
        argv.append("--regex")
    return argv


def checker(check: Check, virtual: Virtual, server: Server, rip: str, probe: str) -> Directive:
    """The checker block of one real server (``rip`` already validated)."""
    port, timeout = server.port, str(virtual.timeout)
    if check.kind == "probe" or not 1 <= port <= 65535:
        # nanny connects to port & 0xffff; keepalived refuses such ports, the probe reproduces it
        return Directive("MISC_CHECK", (), (
            Directive("misc_path", (" ".join(_probe_argv(probe, virtual, rip, port)),), quoted=True),
            # the probe enforces nanny's own time limits (connect, then read: twice `timeout`)
            Directive("misc_timeout", (str(2 * virtual.timeout + 2),)),
            Directive("retry", ("0",)),
        ))
    common = (
        Directive("connect_port", (str(port),)),
        Directive("connect_timeout", (timeout,)),
        Directive("retry", ("0",)),
    )
    if check.kind == "http":
        assert check.path is not None
        return Directive("HTTP_GET", (), (
            Directive("url", (), (
                Directive("path", (check.path,)),
                Directive("status_code", ("100-599",)),
            )),
            *common,
        ))
    return Directive("TCP_CHECK", (), common)


def refuse_if_unusable(virtual: Virtual) -> None:
    if virtual.timeout <= 0:
        raise Refused(f"timeout = {virtual.timeout}: nanny divides by it and crashes, so Piranha never checked "
                      "(or added) these servers", "set timeout to the check interval in seconds, e.g. 10")
