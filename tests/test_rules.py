"""Every rule against its fixtures: tests/fixtures/rules/<CODE>/pass.cf and fail.cf.

``pass.cf`` must produce no diagnostic of the rule.  ``fail.cf`` must produce one
exactly at each line marked by a comment line ``# expect: CODE`` (the marker
applies to the next line that is neither a comment nor blank; an ``# lvscf:``
directive counts as a line, since suppression diagnostics point at it), and
nowhere else.  Where a marker comment cannot be written (an empty file, CR line ends),
``fail.expect`` lists the expected line numbers instead, one per line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lvscf
from conftest import FIXTURES
from lvscf.validate import RULES, check

RULE_FIXTURES = FIXTURES / "rules"
#: Migration-report codes have their own fixtures (tests/test_keepalived_codes.py and tests/test_emit_ipvsadm.py).
CHECKED = [r for r in RULES if r.stage != "convert"]
_MARKER = re.compile(r"^\s*#\s*expect:\s*(.+?)\s*$")
_DIRECTIVE = re.compile(r"^\s*#\s*lvscf\s*:", re.I)


def expected_lines(path: Path, code: str) -> list[int]:
    sidecar = path.with_suffix(".expect")
    if sidecar.exists():
        return sorted(int(line) for line in sidecar.read_text().split())
    lines = path.read_bytes().decode("utf-8", "surrogateescape").split("\n")
    wanted, pending = [], 0
    for number, line in enumerate(lines, 1):
        marker = _MARKER.match(line)
        if marker:
            pending += code in [c.strip() for c in marker.group(1).split(",")]
        elif line.strip() and (not line.strip().startswith("#") or _DIRECTIVE.match(line)) and pending:
            wanted += [number] * pending
            pending = 0
    return wanted


def lines_of(path: Path, code: str) -> list[int]:
    result = lvscf.loads(path.read_bytes(), str(path))
    return sorted(d.line for d in check(result) if d.code == code)


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: f"{r.code}-{r.name}")
def test_pass_fixture_has_no_diagnostic_of_the_rule(rule):
    path = RULE_FIXTURES / rule.code / "pass.cf"
    assert path.exists(), f"missing fixture {path}"
    assert lines_of(path, rule.code) == []


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: f"{r.code}-{r.name}")
def test_fail_fixture_has_the_diagnostics_at_the_marked_lines(rule):
    path = RULE_FIXTURES / rule.code / "fail.cf"
    assert path.exists(), f"missing fixture {path}"
    wanted = expected_lines(path, rule.code)
    assert wanted, f"{path} marks no line with `# expect: {rule.code}`"
    assert lines_of(path, rule.code) == wanted
