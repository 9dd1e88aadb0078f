"""The library API: json-style functions, error types, and what `import lvscf` pulls in."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import lvscf
from conftest import EXAMPLES


def test_import_does_not_load_the_cli_dependencies():
    code = "import sys, lvscf; lvscf.loads('port = 80'); print(sorted(m for m in ('typer', 'rich', 'click') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_from_path_and_from_file_objects():
    path = EXAMPLES / "lvs-nat-tutorial.cf"
    by_path = lvscf.load(path)
    assert by_path.path == str(path) and not by_path.has_errors
    with open(path, "rb") as binary:
        assert lvscf.load(binary).config == by_path.config
    assert lvscf.load(io.StringIO(path.read_text())).config == by_path.config


def test_loads_accepts_text_and_bytes():
    assert lvscf.loads("keepalive = 3\n").config == lvscf.loads(b"keepalive = 3\n").config


def test_diagnostics_are_sorted_by_position():
    result = lvscf.loads("x = 1\nkeepalive = 1\nkeepalive = 2\ny = 2\n")
    assert [d.line for d in result.diagnostics] == [1, 2, 4]


def test_missing_file_raises_input_error():
    with pytest.raises(lvscf.InputError, match="no such file"):
        lvscf.load("/no/such/file.cf")
    with pytest.raises(lvscf.LvscfError):
        lvscf.load("/")


@pytest.mark.parametrize("call", [lambda: lvscf.loads(42), lambda: lvscf.load(3.5), lambda: lvscf.dumps("text"),
                                  lambda: lvscf.loads("x", path=1)])
def test_wrong_argument_types_raise_lvscf_errors(call):
    with pytest.raises(lvscf.ArgumentError):
        call()


def test_problems_in_the_file_never_raise():
    result = lvscf.loads("}}} virtual { server = = =\n\"\n")
    assert result.has_errors and all(isinstance(d, lvscf.Diagnostic) for d in result.diagnostics)


def test_diagnostic_fields():
    d = lvscf.loads("keepalive = soon\n", "lvs.cf").diagnostics[0]
    assert (d.path, d.code, d.name, d.severity, d.line, d.column, d.end_line, d.end_column) == \
        ("lvs.cf", "LVS101", "integer-expected", lvscf.Severity.ERROR, 1, 13, 1, 17)
    assert d.piranha == "pulse: error parsing lvs.cf at line 1: integer expected" and d.hint
