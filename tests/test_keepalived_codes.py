"""Every keepalived migration-report code (LVS7xx) against its fixtures: tests/fixtures/keepalived/<CODE>/.

As for the rules (tests/test_rules.py): ``pass.cf`` must convert without a
diagnostic of the code; ``fail.cf`` must produce it exactly at each line marked
by a comment line ``# expect: CODE`` (the marker applies to the next line that
is neither a comment nor blank), and nowhere else.  Codes reported at the start
of the file (line 1, where no marker can go) list their lines in ``fail.expect``.

A comment line ``# convert: --node backup --checks native`` among a fixture's
leading comments gives the converter options (``--node``, ``--checks`` and
``--interface``, as ``lvscf convert --to keepalived`` spells them).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import lvscf
from conftest import FIXTURES
from lvscf.diagnostics import Severity
from lvscf.emit.conversion import Conversion
from lvscf.emit.keepalived import CODES, keepalived
from test_rules import expected_lines

KEEPALIVED_FIXTURES = FIXTURES / "keepalived"
_CONVERT = re.compile(r"^\s*#\s*convert:(.*)$")
#: ``# convert:`` flags → keyword arguments of :func:`keepalived`
_OPTIONS = {"--node": "node", "--checks": "checks_mode", "--interface": "interface"}


def ids(code) -> str:
    return f"{code.code}-{code.name}"


def convert_options(path: Path) -> dict[str, str]:
    """The keyword arguments a fixture's ``# convert:`` line asks for (read from its leading comments)."""
    out: dict[str, str] = {}
    for line in path.read_bytes().decode("utf-8", "surrogateescape").split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        found = _CONVERT.match(line)
        if not found:
            continue
        words = [part for word in shlex.split(found.group(1)) for part in word.split("=", 1)]
        assert len(words) % 2 == 0, f"{path}: `# convert:` wants --flag value pairs, not {found.group(1)!r}"
        for flag, value in zip(words[::2], words[1::2]):
            assert flag in _OPTIONS, f"{path}: unknown `# convert:` option {flag} (known: {', '.join(_OPTIONS)})"
            out[_OPTIONS[flag]] = value
    return out


def convert(path: Path, **override: str) -> Conversion:
    assert path.exists(), f"missing fixture {path}"
    result = lvscf.loads(path.read_bytes(), str(path))
    return keepalived(result.config, **{**convert_options(path), **override})


def lines_of(conversion: Conversion, code: str) -> list[int]:
    return sorted(d.line for d in conversion.diagnostics if d.code == code)


def errors(conversion: Conversion) -> list[str]:
    return [f"{d.line}: {d.code} {d.message}" for d in conversion.diagnostics if d.severity is Severity.ERROR]


def test_every_fixture_directory_is_a_code():
    known = {code.code for code in CODES}
    assert sorted(p.name for p in KEEPALIVED_FIXTURES.iterdir() if p.is_dir() and p.name not in known) == []


def test_convert_line_is_read():
    assert convert_options(KEEPALIVED_FIXTURES / "LVS716" / "fail.cf") == {"node": "backup"}
    assert convert_options(KEEPALIVED_FIXTURES / "LVS711" / "fail.cf") == {"checks_mode": "native"}
    assert convert_options(KEEPALIVED_FIXTURES / "LVS711" / "pass.cf") == {}


@pytest.mark.parametrize("code", CODES, ids=ids)
def test_pass_fixture_has_no_diagnostic_of_the_code(code):
    assert lines_of(convert(KEEPALIVED_FIXTURES / code.code / "pass.cf"), code.code) == []


@pytest.mark.parametrize("code", CODES, ids=ids)
def test_fail_fixture_has_the_diagnostics_at_the_marked_lines(code):
    path = KEEPALIVED_FIXTURES / code.code / "fail.cf"
    wanted = expected_lines(path, code.code)
    assert wanted, f"{path} marks no line with `# expect: {code.code}` (and has no fail.expect)"
    assert lines_of(convert(path), code.code) == wanted


@pytest.mark.parametrize("code", CODES, ids=ids)
def test_fail_fixture_converts_or_is_refused_whole(code):
    """A conversion with an error yields no text at all, never a partial file; otherwise a file."""
    conversion = convert(KEEPALIVED_FIXTURES / code.code / "fail.cf")
    refused = any(d.code == code.code and d.severity is Severity.ERROR for d in conversion.diagnostics)
    if code.severity is Severity.ERROR:
        assert refused, f"{code.code} is an error code, but its fail fixture has no error of it"
    if refused:
        assert conversion.text == ""
    else:
        assert errors(conversion) == []
        assert conversion.text.strip()


@pytest.mark.parametrize("code", CODES, ids=ids)
def test_pass_fixture_converts(code):
    """The fixed version of every fixture, the refused ones included, gives a keepalived.conf."""
    conversion = convert(KEEPALIVED_FIXTURES / code.code / "pass.cf")
    assert errors(conversion) == []
    assert conversion.text.strip()


# -- LVS716 has two more uses than its fixture's (an error for --node backup) -------------------


def test_single_director_is_an_info_for_the_primary_node():
    """The LVS716 fail fixture converted for the primary: the same line, an info, and a file."""
    path = KEEPALIVED_FIXTURES / "LVS716" / "fail.cf"
    conversion = convert(path, node="primary")
    found = [d for d in conversion.diagnostics if d.code == "LVS716"]
    assert sorted(d.line for d in found) == expected_lines(path, "LVS716")
    assert {d.severity for d in found} == {Severity.INFO}
    assert errors(conversion) == [] and "vrrp_instance" in conversion.text


SYNC_WITHOUT_ADDRESSES = """\
# no active virtual, so no address and no VRRP instance for the sync daemon to follow
primary = 192.168.1.10
service = lvs
backup_active = 0
network = direct
# expect: LVS716
syncdaemon = 1
syncd_iface = eth1
virtual www {
     active = 0
     address = 192.168.1.100 eth0:1
     port = 80
     server web1 {
         address = 192.168.1.21
         active = 1
     }
}
"""


def test_sync_daemon_without_vrrp_instance_is_reported_at_syncdaemon(tmp_path):
    path = tmp_path / "sync.cf"
    path.write_text(SYNC_WITHOUT_ADDRESSES)
    conversion = convert(path)
    found = [d for d in conversion.diagnostics if d.code == "LVS716"]
    assert sorted(d.line for d in found) == expected_lines(path, "LVS716")
    assert {d.severity for d in found} == {Severity.INFO}
    assert errors(conversion) == [] and "lvs_sync_daemon" not in conversion.text


def test_every_file_written_from_the_fixtures_is_accepted_by_keepalived(keepalived_t):
    """keepalived -t reads each keepalived.conf converted from these fixtures without a message."""
    converted = [(path, convert(path)) for path in sorted(KEEPALIVED_FIXTURES.glob("*/*.cf"))]
    written = [(path, c) for path, c in converted if c.text]
    results = keepalived_t.many([c.text for _, c in written])
    bad = [(str(path.relative_to(FIXTURES)), r.returncode, r.stderr) for (path, _), r in zip(written, results)
           if r.returncode or r.stderr]
    assert not bad, bad


def test_program_as_root_is_a_warning_where_the_probe_refuses_the_program():
    """LVS724: an info for an absolute path; a warning for a name nanny looked up in PATH (issue 10, item 2)."""
    conversion = convert(KEEPALIVED_FIXTURES / "LVS724" / "fail.cf")
    found = {d.line: d for d in conversion.diagnostics if d.code == "LVS724"}
    assert {line: d.severity for line, d in found.items()} == {20: Severity.INFO, 46: Severity.WARNING}
    assert "as root" in found[20].message and "`/usr/local/bin/check-mysql`" in found[20].message
    assert "refuses `check-mysql`: not an absolute path" in found[46].message
    assert errors(conversion) == [] and "--program=check-mysql" in conversion.text
