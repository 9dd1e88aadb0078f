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


def test_check_reports_the_rules_that_load_does_not(tmp_path):
    # LoadResult.diagnostics holds what the parser and the model found; a rule finding
    # (here LVS206, a virtual without an address) is only in lvscf.check().
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     active = 1\n}\n")
    result = lvscf.load(path)
    assert "LVS206" not in {d.code for d in result.diagnostics}
    from_result = lvscf.check(result)
    assert "LVS206" in {d.code for d in from_result}
    assert lvscf.check(path) == from_result
    assert lvscf.check(str(path)) == from_result
    with open(path, "rb") as handle:
        assert lvscf.check(handle) == from_result


def test_check_keeps_the_load_diagnostics():
    result = lvscf.loads("virtual web {\n     port = 80 # http\n}\n")
    assert {d.code for d in result.diagnostics} <= {d.code for d in lvscf.check(result)}
