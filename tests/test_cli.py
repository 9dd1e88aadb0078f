"""The command line: (exit status, stdout, stderr) for each command and each kind of input."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import jsonschema
import pytest
from typer.testing import CliRunner

import lvscf
from conftest import EXAMPLES, LVSCF_CORPUS
from lvscf.cli import app

TUTORIAL = str(EXAMPLES / "lvs-nat-tutorial.cf")
BROKEN = "virtual web {\n     port=80\n}\n"


def run(*args: str, input: bytes | str | None = None):
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version():
    assert run("--version") == (0, f"lvscf {lvscf.__version__}\n", "")


def test_help_lists_the_commands_and_exit_codes():
    code, out, _ = run("--help")
    assert code == 0
    for word in ("fmt", "convert", "schema", "Exit status"):
        assert word in out


def test_no_arguments_prints_help_and_is_a_usage_error():
    code, out, err = run()
    assert code == 2 and "Usage" in out + err


def test_unknown_option_is_a_usage_error():
    assert run("convert", "--bogus", TUTORIAL)[0] == 2


# -- convert ----------------------------------------------------------------------


def test_convert_to_lvs_is_the_file_itself():
    code, out, err = run("convert", "--to", "lvs", TUTORIAL)
    assert (code, err) == (0, "")
    assert out == (EXAMPLES / "lvs-nat-tutorial.cf").read_text()


def test_convert_to_json_follows_the_schema():
    code, out, err = run("convert", "--to", "json", TUTORIAL)
    assert (code, err) == (0, "")
    data = json.loads(out)
    schema = json.loads(run("schema")[1])
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == 1
    www = data["virtuals"][0]
    assert (www["name"], www["scheduler"], www["address"]) == ("www", "rr", {"ip": "192.168.0.41",
                                                                              "device": "eth0:1"})
    assert [s["address"] for s in www["servers"]] == ["10.0.0.2", "10.0.0.3"]
    assert data["nat_router"] == {"ip": "10.0.0.1", "device": "eth1:1"}
    assert data["failovers"] == []


def test_convert_refuses_a_file_piranha_rejects():
    code, out, err = run("convert", "--to", "json", "-", input=BROKEN)
    assert (code, out) == (1, "")
    assert "-:2:6: LVS007" in err and "not converted" in err and "--force" in err


def test_convert_force_converts_what_it_can():
    code, out, err = run("convert", "--to", "json", "--force", "-", "--stdin-filename", "lvs.cf", input=BROKEN)
    assert code == 0 and "lvs.cf:2:6: LVS007" in err
    assert json.loads(out)["virtuals"][0]["name"] == "web"


def test_convert_prints_warnings_but_succeeds():
    # the tutorial with `keepalive` written twice: a warning (LVS108), no error
    text = "keepalive = 1\n" + (EXAMPLES / "lvs-nat-tutorial.cf").read_text()
    code, out, err = run("convert", "--to", "lvs", "-", input=text)
    assert code == 0 and "LVS108" in err and out == text
    assert run("convert", "--to", "lvs", "-q", "-", input=text)[2] == ""


def test_convert_output_file_is_written_atomically(tmp_path):
    target = tmp_path / "out.json"
    code, out, err = run("convert", "--to", "json", "-o", str(target), TUTORIAL)
    assert (code, out, err) == (0, "", "")
    assert json.loads(target.read_text())["schema_version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_convert_keeps_bytes_that_are_not_utf8():
    data = b"virtual caf\xe9 {\n}\n"  # check reports errors (no primary, no address...): --force
    result = CliRunner().invoke(app, ["convert", "--to", "lvs", "--force", "-"], input=data)
    assert result.stdout_bytes == data


@pytest.mark.parametrize("path, message", [("/no/such/lvs.cf", "no such file"), ("/", "is a directory")])
def test_convert_unreadable_input_is_exit_2(path, message):
    code, out, err = run("convert", "--to", "json", path)
    assert (code, out) == (2, "") and message in err and err.startswith("lvscf: error: ")


def test_convert_permission_denied(tmp_path, monkeypatch):
    # CI runs as root, which reads any file: simulate the refusal (test_cli_files.py has the
    # real one, as nobody).
    import os

    real_open = os.open

    def refuse(name, *args, **kwargs):
        if str(name).endswith("secret.cf"):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    (tmp_path / "secret.cf").write_text("")
    monkeypatch.setattr(os, "open", refuse)
    code, _, err = run("convert", "--to", "json", str(tmp_path / "secret.cf"))
    assert code == 2 and "secret.cf: permission denied" in err


def test_convert_output_into_a_missing_directory_is_exit_2(tmp_path):
    code, _, err = run("convert", "--to", "json", "-o", str(tmp_path / "no" / "x.json"), TUTORIAL)
    assert code == 2 and "cannot be written" in err


def test_convert_requires_a_target():
    assert run("convert", TUTORIAL)[0] == 2


# -- fmt ----------------------------------------------------------------------------


MESSY = "# header\n\nvirtual web {\n\tport = 80\n  active = 1\n}\nprimary = 10.0.0.1\n"


def test_fmt_rewrites_in_place_keeping_the_mode(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    path.chmod(0o640)
    code, out, err = run("fmt", str(path))
    assert (code, out) == (0, "") and "1 file(s) reformatted" in err
    assert path.read_text() == "# header\n\nprimary = 10.0.0.1\nvirtual web {\n     active = 1\n     port = 80\n}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert run("fmt", "--check", str(path))[0] == 0


def test_fmt_check_reports_and_changes_nothing(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    code, out, err = run("fmt", "--check", str(path))
    assert (code, out) == (1, "") and f"would reformat: {path}" in err
    assert path.read_text() == MESSY


def test_fmt_diff(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    code, out, _ = run("fmt", "--diff", str(path))
    assert code == 1 and "+primary = 10.0.0.1" in out and path.read_text() == MESSY


def test_fmt_stdin_to_stdout():
    code, out, err = run("fmt", "-", input=MESSY)
    assert code == 0 and out.startswith("# header\n\nprimary = 10.0.0.1\n") and err == ""


def test_fmt_leaves_files_with_syntax_errors_alone(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(BROKEN)
    code, out, err = run("fmt", str(path))
    assert code == 1 and "LVS007" in err and "not formatted" in err
    assert path.read_text() == BROKEN


def test_fmt_missing_file_is_exit_2(tmp_path):
    assert run("fmt", str(tmp_path / "none.cf"))[0] == 2


def test_fmt_already_canonical_corpus_file():
    code, _, err = run("fmt", "--check", TUTORIAL)
    assert code == 0 and "0 file(s) would be reformatted, 1 left unchanged" in err


# -- schema, no colour, processes ------------------------------------------------------


def test_schema_is_a_valid_json_schema():
    code, out, _ = run("schema")
    assert code == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_no_colour_when_not_a_terminal():
    _, _, err = run("convert", "--to", "json", "-", input=BROKEN)
    assert "\x1b[" not in err


def test_force_color_and_no_color(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run("convert", "--to", "json", "-", input=BROKEN)[2]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("convert", "--to", "json", "-", input=BROKEN)[2]


def test_python_dash_m_and_console_script_agree():
    proc = subprocess.run([sys.executable, "-m", "lvscf", "convert", "--to", "json",
                           str(LVSCF_CORPUS / "netkiller-piranha-master.cf")], capture_output=True, text=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["virtuals"][0]["name"] == "LVS-HTTP"
