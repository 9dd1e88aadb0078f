"""A hostile lvs.cf cannot drive the terminal of whoever checks or converts it: names, values
and source lines reach the human formats with their control characters escaped."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import lvscf
import lvscf.validate
from lvscf.cli import app
from lvscf.report.text import concise, full

# ESC [31m recolours, ESC ] 0 ; ... BEL retitles the window, ESC [1A moves up a line (to
# overwrite the line above), U+202E reverses the text that follows.
NAME = "\x1b[31mRED\x1b]0;pwned\x07"
HOSTILE = (f"serial_no = 1\nprimary = 10.0.0.1\nvirtual {NAME} {{\n     active = 1\n"
           "     address = 192.168.0.41 eth0:1\n     server s\x1b[1A\u202e {\n         address = 10.0.0.2\n"
           "         active = 0\n     }\n}\n")
ESCAPED = "\\x1b[31mRED\\x1b]0;pwned\\x07"


def no_controls(text: str) -> bool:
    return not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f or c == "\u202e" for c in text)


@pytest.mark.parametrize("char, shown", [("\x1b", "\\x1b"), ("\x07", "\\x07"), ("\x9b", "\\x9b"), ("\x7f", "\\x7f"),
                                         ("\t", "\\t"), ("\r", "\\r"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"),
                                         ("\udce9", "\\xe9"), ("é", "é"), ("\u00a0", "\u00a0")])
def test_printable_escapes_what_a_terminal_interprets(char, shown):
    from lvscf.report.text import printable

    assert printable(f"a{char}b") == f"a{shown}b"


def test_concise_escapes_names_from_the_file():
    result = lvscf.loads(HOSTILE, "lvs.cf")
    text = concise(lvscf.validate.check(result))
    assert no_controls(text)
    assert f'virtual "{ESCAPED}"' in text
    assert '"s\\x1b[1A\\u202e"' in text


def test_full_escapes_the_quoted_line_and_keeps_the_caret_under_the_token():
    text = "serial_no = 1\nactive_cmd = \x1b[2J x\n"
    result = lvscf.loads(text, "lvs.cf")
    diagnostic = next(d for d in result.diagnostics if d.code == "LVS011")
    out = full([diagnostic], lambda d: result.source)
    assert no_controls(out)
    lines = out.splitlines()
    quoted = next(line for line in lines if line.startswith("2 |"))
    caret = lines[lines.index(quoted) + 1]
    assert quoted == "2 | active_cmd = \\x1b[2J x"
    assert caret.index("^") == quoted.index(" x") + 1 and caret.count("^") == 1


def test_full_escapes_every_part_of_a_diagnostic():
    result = lvscf.loads(HOSTILE, "lvs\x1b[8m.cf")
    out = full(lvscf.validate.check(result), lambda d: result.source)
    assert no_controls(out)
    assert "lvs\\x1b[8m.cf" in out and f"virtual {ESCAPED} {{" in out


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_check_command_prints_no_control_characters(tmp_path, fmt):
    path = tmp_path / "lvs.cf"
    path.write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--format", fmt, "--color", "never", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert ESCAPED in result.stdout and no_controls(result.stdout)


def test_convert_report_prints_no_control_characters(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(HOSTILE, encoding="utf-8")
    report = tmp_path / "report.txt"
    result = CliRunner().invoke(app, ["convert", "--to", "keepalived", "-o", str(tmp_path / "k.conf"),
                                      "--report", str(report), str(path)])
    assert ESCAPED in result.stderr and no_controls(result.stderr)
    assert ESCAPED in report.read_text(encoding="utf-8") and no_controls(report.read_text(encoding="utf-8"))
