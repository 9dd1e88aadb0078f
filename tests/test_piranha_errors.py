"""Every error code of Piranha's parser (lvs-cf-format.md §6), at the line Piranha reports.

Piranha stops at the first error and prints ``pulse: error parsing FILE at line
N: MESSAGE``; each diagnostic carries that text in ``piranha``.

Not produced by any input, because Piranha never returns them for a file's
contents: LVS_ERROR_READ (a short read(2)), LVS_ERROR_EOF (dead code),
LVS_ERROR_TOOMANYARGS and LVS_ERROR_ONLYONESERVICE (never returned).
"""

from __future__ import annotations

import pytest

from conftest import load_text
from lvscf.parse.piranha import PiranhaError

PROLOGUE = "serial_no = 1\nprimary = 10.0.0.1\n"


def piranha_errors(text: str) -> list[tuple[int, str]]:
    result = load_text(text)
    out = []
    for d in result.diagnostics:
        if d.piranha and d.piranha.startswith("pulse: error parsing lvs.cf at line "):
            line, message = d.piranha[len("pulse: error parsing lvs.cf at line "):].split(": ", 1)
            out.append((int(line), message))
    return out


CASES = [
    ("STAT", b"", 0),
    ("BADQUOTING", PROLOGUE + 'debug_level = "x\n', 3),
    ("EXTRAARGS", PROLOGUE + "keepalive = 1 2\n", 3),
    ("EQUALEXPECTED", PROLOGUE + "keepalive 1\n", 3),
    ("MISSINGARGS", PROLOGUE + "virtual web {\n     address = 10.0.0.1\n}\n", 4),
    ("BADHOSTNAME", PROLOGUE + "backup_private = 0.0.0.0\n", 3),
    ("BADHOSTNAME", PROLOGUE + "virtual web {\n     sorry_server = backup.example.com\n}\n", 4),
    ("BADARGUMENT", PROLOGUE + "virtual web {\n     scheduler = sed\n}\n", 4),
    ("BADARGUMENT", PROLOGUE + "backup = 10.0.0.256\n", 3),
    ("BADARGUMENT", PROLOGUE + "virtual web {\n     port = nosuchservice\n}\n", 4),
    ("INTEXPECTED", PROLOGUE + "virtual web {\n     timeout = 10s\n}\n", 4),
    ("INTEXPECTED", PROLOGUE + "virtual web {\n     server a {\n         port = http\n     }\n}\n", 5),
    ("INTEXPECTED", PROLOGUE + "backup_active = yes\n", 3),
    ("BOOLEXPECTED", PROLOGUE + "backup_active = 2\n", 3),
    ("BADCOMMAND", PROLOGUE + "mode = nat\n", 3),
    ("LISTEXPECTED", PROLOGUE + "virtual web {\n     dirs = /var/www\n}\n", 4),
    ("BADNETMASK", PROLOGUE + "nat_nmask = /24\n", 3),
]


@pytest.mark.parametrize("name, text, line", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_piranha_error_at_piranhas_line(name, text, line):
    message = PiranhaError[name].value
    assert piranha_errors(text) == [(line, message)]


def test_every_reachable_piranha_error_is_covered():
    covered = {name for name, _, _ in CASES}
    assert covered == {e.name for e in PiranhaError} - {"READ"}


def test_zero_primary_is_bad_host_name():
    assert piranha_errors("primary = 0.0.0.0\n") == [(1, "invalid host name or ip address")]


def test_zero_backup_is_allowed():
    assert load_text("backup = 0.0.0.0\n").diagnostics == ()


@pytest.mark.parametrize("value, expected", [("08", "integer expected"), ("0x1g", "integer expected"),
                                             ("1.5", "integer expected"), ("''", None), ("010", None)])
def test_integer_syntax(value, expected):
    errors = piranha_errors(f"keepalive = {value}\n")
    assert errors == ([] if expected is None else [(1, expected)])


def test_protocol_values_are_lower_case():
    result = load_text("virtual web {\n     protocol = TCP\n}\n")
    assert "`tcp`" in result.diagnostics[0].hint
