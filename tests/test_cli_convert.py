"""`lvscf convert --to ipvsadm|keepalived`: outputs, the migration report, refusals, exit codes."""

from __future__ import annotations

import json

import jsonschema

from conftest import EXAMPLES, LVSCF_CORPUS
from lvscf.report.machine import json_schema
from test_cli import run

TUTORIAL = str(EXAMPLES / "lvs-nat-tutorial.cf")
SINGLE = str(LVSCF_CORPUS / "csdn-rhel55-send-program-rport-8080.cf")
UNSAFE = """\
primary = 10.0.0.1
active_cmd = "/usr/local/sbin/up $HOST"
virtual web {
     active = 1
     address = 10.0.0.100 eth0:1
     server a {
         address = 10.0.1.1
         active = 1
     }
}
"""


def test_keepalived_to_stdout_with_the_report_on_stderr():
    code, out, err = run("convert", "--to", "keepalived", TUTORIAL)
    assert code == 0
    assert out.startswith("# keepalived.conf for the primary director")
    assert "virtual_server 192.168.0.41 80 {" in out
    assert "LVS714" in err and "heartbeat-replaced-by-vrrp" in err
    code, out, err = run("convert", "--to", "keepalived", "-q", TUTORIAL)
    assert code == 0 and err == ""


def test_keepalived_options_reach_the_file():
    code, out, _ = run("convert", "--to", "keepalived", "--node", "backup", "--vrid", "7", "--interface", "bond0",
                       "--checks", "native", "--probe", "/opt/lvscf/bin/lvscf-probe", TUTORIAL)
    assert code == 0
    for line in ("priority 100", "virtual_router_id 7", "interface bond0", "unicast_src_ip 192.168.0.11",
                 "HTTP_GET {"):
        assert line in out, line
    assert "lvscf-probe" not in out  # native checks: no probe


def test_bad_option_values_are_usage_errors():
    assert run("convert", "--to", "keepalived", "--vrid", "300", TUTORIAL)[0] == 2
    code, _, err = run("convert", "--to", "keepalived", "--probe", "relative/probe", TUTORIAL)
    assert code == 2 and "probe must be an absolute path" in err


def test_a_probe_path_with_non_ascii_letters_is_a_usage_error(tmp_path):
    """isalnum() accepts "ø" and "²": the check must be ASCII-only, not an internal error later (issue 10, item 7)."""
    path = tmp_path / "lvs.cf"
    path.write_text(open(SINGLE).read())
    for probe in ("/usr/bin/lvscf-prøbe", "/usr/bin/probe²", "/opt/ｌｖｓｃｆ/probe"):
        code, out, err = run("convert", "--to", "keepalived", "--probe", probe, str(path))
        assert code == 2, err
        assert "probe must be an absolute path of ASCII letters" in err and "internal error" not in err
        assert out == ""


def test_a_refused_conversion_writes_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "keepalived.conf"
    target.write_text("old\n")
    path = tmp_path / "lvs.cf"
    path.write_text(UNSAFE)
    code, out, err = run("convert", "--to", "keepalived", "-o", str(target), str(path))
    assert code == 1 and out == ""
    assert f"{path}:2:14: LVS701" in err and "not converted to keepalived" in err
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["keepalived.conf", "lvs.cf"]


def test_backup_file_of_a_single_director_is_refused():
    code, out, err = run("convert", "--to", "keepalived", "--node", "backup", SINGLE)
    assert code == 1 and out == ""
    assert "LVS716" in err and "no backup node file" in err


def test_report_file_formats(tmp_path):
    for name, check in [("r.json", lambda t: jsonschema.validate(json.loads(t), json_schema())),
                        ("r.sarif", lambda t: json.loads(t)["version"] == "2.1.0" or None),
                        ("r.txt", lambda t: "LVS714" in t.splitlines()[0] or None)]:
        report = tmp_path / name
        code, out, _ = run("convert", "--to", "keepalived", "--report", str(report), TUTORIAL)
        assert code == 0 and out.startswith("# keepalived.conf")
        check(report.read_text())
    code, out, _ = run("convert", "--to", "keepalived", "--report", str(tmp_path / "x.out"), "--report-format",
                       "json", TUTORIAL)
    assert json.loads((tmp_path / "x.out").read_text())["diagnostics"]


def test_report_is_written_even_when_the_conversion_is_refused(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(UNSAFE)
    report = tmp_path / "report.json"
    assert run("convert", "--to", "keepalived", "--report", str(report), str(path))[0] == 1
    codes = [d["code"] for d in json.loads(report.read_text())["diagnostics"]]
    assert "LVS701" in codes


def test_ipvsadm_with_flush_and_timeouts():
    code, out, err = run("convert", "--to", "ipvsadm", "--flush", "--timeouts", "-q", TUTORIAL)
    assert code == 0 and err == ""
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    assert lines[0] == "--set 0 0 0" and lines[1] == "-C"
    assert "-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1" in lines


def test_files_piranha_rejects_are_not_converted_without_force(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     port=80\n}\n")
    for target in ("ipvsadm", "keepalived"):
        code, out, err = run("convert", "--to", target, str(path))
        assert code == 1 and out == "" and "use --force" in err


def test_report_and_output_cannot_both_use_stdout(tmp_path):
    code, out, err = run("convert", "--to", "keepalived", "--report", "-", TUTORIAL)
    assert code == 2 and out == "" and "cannot both go to stdout" in err
    code, out, _ = run("convert", "--to", "keepalived", "--report", "-", "-o", str(tmp_path / "k.conf"), TUTORIAL)
    assert code == 0 and "LVS714" in out and (tmp_path / "k.conf").read_text().startswith("# keepalived.conf")


# -- one policy for every target: convert runs check, and check's errors refuse (issue 12, item 2) --------


SAMPLE = LVSCF_CORPUS / "piranha-0.8.6-sample.cf"
TARGETS = ("ipvsadm", "keepalived", "lvs", "json")


def commented_out(tmp_path):
    """The stock sample with every statement commented out, as Piranha shipped lvs.cf."""
    path = tmp_path / "lvs.cf"
    path.write_text("".join("#" + line for line in SAMPLE.read_text().splitlines(keepends=True)))
    return path


def test_a_file_with_every_statement_commented_out_is_refused_by_every_target(tmp_path):
    path = commented_out(tmp_path)
    for target in TARGETS:
        out_file = tmp_path / f"out.{target}"
        report = tmp_path / f"report-{target}.json"
        code, out, err = run("convert", "--to", target, "-o", str(out_file), "--report", str(report), str(path))
        assert (code, out) == (1, ""), target
        assert f"{path}:1:1: LVS401" in err and f"{path}:1:1: LVS402" in err, err
        assert "not converted: check reports 2 errors (above)" in err and "--force" in err
        assert not out_file.exists(), target
        # the report says why too (for CI that reads only the report file)
        assert [d["code"] for d in json.loads(report.read_text())["diagnostics"]] == ["LVS401", "LVS402"]


def test_with_force_the_conversion_is_never_silent(tmp_path):
    path = commented_out(tmp_path)
    for target, note in [("keepalived", "LVS730"), ("ipvsadm", "LVS623")]:
        report = tmp_path / f"report-{target}.json"
        code, out, err = run("convert", "--to", target, "--force", "--report", str(report), str(path))
        assert code == 0 and out.strip(), target
        assert f"converted with --force although check reports 2 errors (above)" in err
        assert f"{path}:1:1: {note}" in err, err  # the empty conversion itself is reported
        codes = [d["code"] for d in json.loads(report.read_text())["diagnostics"]]
        assert codes[:2] == ["LVS401", "LVS402"] and note in codes
    code, out, err = run("convert", "--to", "json", "--force", "-q", str(path))
    assert code == 0 and json.loads(out)["virtuals"] == []
    assert "LVS401" in err and "check reports 2 errors" in err


def test_semantic_errors_alone_refuse_the_conversion(tmp_path):
    # the tutorial without `primary`: Piranha's parser accepts it, check reports LVS402 (no master)
    path = tmp_path / "lvs.cf"
    path.write_text((EXAMPLES / "lvs-nat-tutorial.cf").read_text().replace("primary = 192.168.0.10\n", ""))
    code, out, err = run("convert", "--to", "keepalived", str(path))
    assert (code, out) == (1, "") and "LVS402" in err and "check reports 1 error (above); fix it" in err
    code, out, err = run("convert", "--to", "keepalived", "--force", str(path))
    assert code == 0 and "vrrp_instance" in out and "check reports 1 error" in err


def test_what_check_suppresses_does_not_refuse_the_conversion(tmp_path):
    text = (EXAMPLES / "lvs-nat-tutorial.cf").read_text().replace("primary = 192.168.0.10\n", "")
    suppressed = tmp_path / "suppressed" / "lvs.cf"
    suppressed.parent.mkdir()
    suppressed.write_text("# lvscf: disable=missing-primary\n" + text)
    configured = tmp_path / "configured" / "lvs.cf"
    configured.parent.mkdir()
    configured.write_text(text)
    (configured.parent / "lvscf.toml").write_text('ignore = ["LVS402"]\n')
    for path in (suppressed, configured):
        assert run("check", "-q", str(path))[0] == 0
        code, out, err = run("convert", "--to", "ipvsadm", "-q", str(path))
        assert (code, err) == (0, "") and "-A -t 192.168.0.41:80 -s rr" in out
    (configured.parent / "lvscf.toml").write_text('ignore = ["no-such-rule"]\n')
    code, out, err = run("convert", "--to", "ipvsadm", str(configured))
    assert code == 2 and out == "" and "no-such-rule" in err


def test_check_runs_once_per_conversion(monkeypatch):
    import lvscf.cli.convert as cli_convert
    import lvscf.validate as validate

    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return validate.check(*args, **kwargs)

    monkeypatch.setattr(cli_convert, "run_checks", counting)
    for target in TARGETS:
        calls.clear()
        assert run("convert", "--to", target, "-q", TUTORIAL)[0] == 0
        assert len(calls) == 1, target


def test_help_states_the_policy():
    code, out, _ = run("convert", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "check reports an error" in flat and "--force" in flat
