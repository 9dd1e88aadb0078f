"""`lvscf check`: exit codes, formats, configuration, suppressions, stdin and directories."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

import lvscf
from conftest import EXAMPLES, LVSCF_CORPUS
from lvscf.cli import app
from lvscf.diagnostics import Diagnostic, Severity
from lvscf.report.machine import json_schema, to_github

TUTORIAL = str(EXAMPLES / "lvs-nat-tutorial.cf")
# One error (trailing comment), one warning (a duplicate key).
BROKEN = "serial_no = 1 # one\nkeepalive = 2\nkeepalive = 6\n"
WARNING_ONLY = "primary = 192.168.0.10\nkeepalive = 2\nkeepalive = 6\n"


def run(*args: str, input: str | bytes | None = None, env: dict | None = None):
    result = CliRunner().invoke(app, list(args), input=input, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_clean_file_exits_0(tmp_path):
    code, out, err = run("check", TUTORIAL)
    assert code == 0, out
    assert "no problems found" in err


def test_errors_exit_1_in_concise_format_when_not_a_terminal():
    code, out, err = run("check", "-", "--stdin-filename", "lvs.cf", input=BROKEN)
    assert code == 1
    assert out.splitlines()[0].startswith("lvs.cf:1:15: LVS012 ")
    assert out.splitlines()[0].endswith("[trailing-comment]")
    assert "1 error(s)" in err


def test_fail_on_and_exit_zero():
    assert run("check", "-", "--select", "LVS108", input=WARNING_ONLY)[0] == 0
    assert run("check", "-", "--select", "LVS108", "--fail-on", "warning", input=WARNING_ONLY)[0] == 1
    assert run("check", "-", "--exit-zero", input=BROKEN)[0] == 0


def test_select_and_ignore_by_code_prefix_and_name():
    out = run("check", "-", "--select", "LVS0", input=BROKEN)[1]
    assert "LVS012" in out and "LVS108" not in out
    out = run("check", "-", "--ignore", "trailing-comment,LVS108", input=BROKEN)[1]
    assert "LVS012" not in out and "LVS108" not in out


def test_unknown_selector_is_a_usage_error():
    code, _, err = run("check", "-", "--select", "LVS3O4", input=BROKEN)
    assert code == 2 and "LVS3O4" in err


def test_missing_path_is_exit_2(tmp_path):
    code, _, err = run("check", str(tmp_path / "nope.cf"))
    assert code == 2 and "no such file" in err


def test_directory_is_searched_for_lvs_cf_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lvs.cf").write_text(BROKEN)
    (tmp_path / "b.cf").write_text(WARNING_ONLY)
    (tmp_path / "notes.txt").write_text("port=80\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "lvs.cf").write_text("port=80\n")
    code, out, err = run("check", str(tmp_path), "--select", "LVS012,LVS108")
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines()}
    assert paths == {str(tmp_path / "a" / "lvs.cf"), str(tmp_path / "b.cf")}
    assert "2 file(s) checked" in err


def test_full_format_shows_the_source_line_with_a_caret_and_the_help():
    out = run("check", "-", "--format", "full", "--stdin-filename", "lvs.cf", "--select", "LVS108", input=BROKEN)[1]
    assert "warning[LVS108] duplicate-key:" in out
    assert "--> lvs.cf:2:1" in out
    assert "2 | keepalive = 2\n  | ^^^^^^^^^^^^^" in out
    assert "3 | keepalive = 6\n  | ------------- the value Piranha uses" in out
    assert "= help: remove one of the two lines" in out


def test_full_format_says_what_piranha_says():
    out = run("check", "-", "--format", "full", "--select", "LVS012", input=BROKEN)[1]
    assert "= piranha: pulse: error parsing lvs.cf at line 1: unexpected arguments" in out


def test_json_format_follows_its_schema():
    code, out, err = run("check", "-", "--format", "json", "--stdin-filename", "lvs.cf", input=BROKEN)
    document = json.loads(out)
    jsonschema.Draft202012Validator(json_schema()).validate(document)
    assert document["version"] == 1 and document["summary"]["files"] == 1
    first = document["diagnostics"][0]
    assert {k: first[k] for k in ("path", "code", "name", "severity", "line", "column", "end_line",
                                  "end_column")} == {"path": "lvs.cf", "code": "LVS012", "name": "trailing-comment",
                                                     "severity": "error", "line": 1, "column": 15, "end_line": 1,
                                                     "end_column": 20}
    assert json.loads(run("schema", "diagnostics")[1]) == json_schema()


def test_machine_formats_print_only_their_document_on_stdout():
    for fmt in ("json", "sarif"):
        out = run("check", "-", "--format", fmt, input=BROKEN)[1]
        json.loads(out)
    out = run("check", "-", "--format", "github", input=BROKEN)[1]
    assert all(line.startswith("::") for line in out.splitlines())


def test_github_annotations_are_escaped():
    d = Diagnostic("LVS101", "integer-expected", Severity.WARNING, "100% wrong,\nreally: yes", "dir/a,b:c.cf",
                   3, 5, 3, 9, hint="fix it")
    assert to_github([d]) == (
        "::warning file=dir/a%2Cb%3Ac.cf,line=3,col=5,endLine=3,endColumn=9,title=LVS101 integer-expected::"
        "dir/a,b:c.cf:3:5: LVS101 100%25 wrong,%0Areally: yes%0Ahelp: fix it\n")


def test_github_format_severities():
    out = run("check", "-", "--format", "github", "--stdin-filename", "x.cf", input=BROKEN)[1]
    assert out.startswith("::error file=x.cf,line=1,col=15,")
    assert "::warning file=x.cf,line=2,col=1," in out


def test_sarif_validates_against_the_official_schema(sarif_schema):
    code, out, _ = run("check", "-", "--format", "sarif", "--stdin-filename", "conf/lvs.cf", input=BROKEN)
    log = json.loads(out)
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(log)
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(r.code for r in lvscf.validate.RULES)
    result = run_["results"][0]
    assert result["ruleId"] == "LVS012" and result["level"] == "error"
    assert rule_ids[result["ruleIndex"]] == "LVS012"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "conf/lvs.cf"
    assert location["region"] == {"startLine": 1, "startColumn": 15, "endLine": 1, "endColumn": 20}


def test_sarif_of_the_corpus_validates(sarif_schema, tmp_path):
    validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    out = run("check", str(LVSCF_CORPUS), "--format", "sarif")[1]
    validator.validate(json.loads(out))


# -- configuration --------------------------------------------------------------------


def test_pyproject_configuration_is_found_walking_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lvscf]\nignore = ["trailing-comment"]\nfail-on = "warning"\n')
    sub = tmp_path / "etc" / "ha"
    sub.mkdir(parents=True)
    (sub / "lvs.cf").write_text(BROKEN)
    code, out, _ = run("check", str(sub / "lvs.cf"))
    assert "LVS012" not in out and "LVS108" in out
    assert code == 1  # fail-on = warning


def test_nearest_configuration_wins_and_isolated_ignores_it(tmp_path):
    (tmp_path / "lvscf.toml").write_text('ignore = ["LVS108"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "lvscf.toml").write_text('ignore = ["LVS012"]\n')
    (sub / "lvs.cf").write_text(BROKEN)
    out = run("check", str(sub / "lvs.cf"))[1]
    assert "LVS012" not in out and "LVS108" in out
    out = run("check", "--isolated", str(sub / "lvs.cf"))[1]
    assert "LVS012" in out and "LVS108" in out


def test_pyproject_without_a_table_is_skipped(tmp_path):
    (tmp_path / "lvscf.toml").write_text('ignore = ["LVS012"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    (sub / "lvs.cf").write_text(BROKEN)
    assert "LVS012" not in run("check", str(sub / "lvs.cf"))[1]


def test_per_file_ignores(tmp_path):
    (tmp_path / "lvscf.toml").write_text('[per-file-ignores]\n"legacy/*.cf" = ["LVS0"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.cf").write_text(BROKEN)
    (tmp_path / "new.cf").write_text(BROKEN)
    out = run("check", str(tmp_path), "--select", "LVS012")[1]
    assert "new.cf" in out and "old.cf" not in out


@pytest.mark.parametrize("content, message", [
    ('colour = "always"\n', "unknown key 'colour'"),
    ('select = ["LVS999"]\n', "'LVS999'"),
    ('fail-on = "fatal"\n', "'fatal'"),
    ('select = 3\n', "must be a list"),
    ('select = [\n', "not valid TOML"),
])
def test_configuration_errors_exit_2_naming_the_problem(tmp_path, content, message):
    (tmp_path / "lvscf.toml").write_text(content)
    (tmp_path / "lvs.cf").write_text(BROKEN)
    code, _, err = run("check", str(tmp_path / "lvs.cf"))
    assert code == 2 and message in err


def test_explicit_config_file(tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text('select = ["LVS108"]\n')
    out = run("check", "--config", str(config), "-", input=BROKEN)[1]
    assert "LVS108" in out and "LVS012" not in out
    assert run("check", "--config", str(tmp_path / "missing.toml"), "-", input=BROKEN)[0] == 2


# -- suppressions, colour, rules ---------------------------------------------------------


def test_inline_suppression_end_to_end():
    text = "# lvscf: disable=trailing-comment\nserial_no = 1 # one\n# lvscf: disable=LVS108\nkeepalive = 2\n"
    code, out, _ = run("check", "-", input=text)
    assert "LVS012" not in out and "LVS901" in out  # the second directive suppresses nothing


def test_block_suppression_covers_the_whole_block():
    text = ("primary = 192.168.0.10\n# lvscf: disable=weight-not-positive\nvirtual www {\n     active = 1\n"
            "     server a {\n         weight = 0\n     }\n}\n")
    assert "LVS304" not in run("check", "-", "--select", "LVS304,LVS9", input=text)[1]


def test_colour_only_when_asked_or_on_a_terminal():
    assert "\x1b[" not in run("check", "-", input=BROKEN)[1]
    assert "\x1b[" in run("check", "-", "--color", "always", input=BROKEN)[1]


def test_rules_list_and_json():
    code, out, _ = run("rules")
    assert code == 0 and "LVS304  weight-not-positive" in out
    data = json.loads(run("rules", "--format", "json")[1])
    assert {"code": "LVS304", "name": "weight-not-positive", "severity": "warning",
            "summary": "a real server's weight is 0 or less", "stage": "rule"} in data


@pytest.mark.parametrize("query", ["LVS304", "weight-not-positive", "lvs304"])
def test_rule_documentation(query):
    code, out, _ = run("rule", query)
    assert code == 0 and out.startswith("# LVS304 weight-not-positive (warning)") and "## Why is this bad?" in out


def test_unknown_rule_is_exit_2():
    assert run("rule", "LVS000")[0] == 2
