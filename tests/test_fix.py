"""``--fix``: repairs of the mechanical errors Piranha rejects (lvscf.emit.fix, fmt/check --fix)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import lvscf
from conftest import LVSCF_CORPUS, corpus_files
from lvscf.cli import app
from lvscf.emit.fix import FIXABLE, Applicability, fix
from lvscf.parse import codes as parse_codes
from lvscf.parse.line_ends import piranha_lines
from lvscf.validate import Selection
from strategies import configs

SYNTAX = frozenset(c.code for c in parse_codes.ALL)
# Codes that judge one line by itself (not the file's bytes, not a block's end).
VERDICT = SYNTAX - {"LVS001", "LVS002", "LVS003", "LVS004", "LVS017", "LVS018"}
NBSP_FILE = LVSCF_CORPUS / "rdo-openstack-mysql-dr-2015-nbsp.cf"
NBSP_CORRECTED = LVSCF_CORPUS / "rdo-openstack-mysql-dr.cf"  # the same page after its 2016 correction
CN = LVSCF_CORPUS / "cn-2021-keepalived-article-INVALID-inline-comments.cf"
GAOJF = LVSCF_CORPUS / "gaojf-annotated-dr-INVALID-inline-comments.cf"


def config(text: str) -> lvscf.Config:
    return lvscf.loads(text).config


def syntax_errors(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lvscf.loads(text).diagnostics
            if d.code in SYNTAX and d.severity is lvscf.Severity.ERROR]


def align(before: str, after: str, fixed: set[int]) -> dict[int, int]:
    """Line numbers of ``after`` for the lines of ``before`` (1-based): lines not in ``fixed``
    must come back byte for byte (line end included), in order; a fixed line may get one
    comment line above it."""
    old = before.splitlines(True)
    new = after.splitlines(True)
    where: dict[int, int] = {}
    j = 0
    for i, line in enumerate(old, 1):
        if i not in fixed:
            assert new[j] == line, f"line {i} changed: {line!r} -> {new[j]!r}"
        elif new[j].lstrip(" \t").startswith("#") and not line.lstrip().startswith("#") \
                and j + 1 < len(new) and not new[j + 1].lstrip(" \t").startswith("#"):
            j += 1  # the comment moved above its statement
        where[i] = j + 1
        j += 1
    assert j == len(new), "lines were added at the end"
    where[len(old) + 1] = len(new) + 1  # a diagnostic at the very end of the file
    return where


# -- each repair ------------------------------------------------------------------

CASES = [
    # trailing comments: above the statement, with its indentation; the statement keeps its bytes
    ("virtual web {\n     port = 80 # http\n}\n", "virtual web {\n     # http\n     port = 80\n}\n", ["LVS012"]),
    ("serial_no = 1\t#  two  blanks kept  \n", "#  two  blanks kept  \nserial_no = 1\n", ["LVS012"]),
    ("virtual web {\n\tsend = \"GET / HTTP/1.0\" # the page\n}\n",
     "virtual web {\n\t# the page\n\tsend = \"GET / HTTP/1.0\"\n}\n", ["LVS012"]),
    ("virtual web {\n     active = 1\n     expect = \"OK\"   # reply\n}\n",
     "virtual web {\n     active = 1\n     # reply\n     expect = \"OK\"\n}\n", ["LVS013"]),
    ("virtual web { # the site\n     active = 1\n}\n", "# the site\nvirtual web {\n     active = 1\n}\n", ["LVS012"]),
    ("virtual web {\n     active = 1\n     } # end of web\n", "virtual web {\n     active = 1\n     # end of web\n     }\n",
     ["LVS015"]),
    ("active_cmd = #x # c\n", "# c\nactive_cmd = #x\n", ["LVS012"]),  # `#x` is the value: Piranha's verdict says
    ("serial_no = 1 # no line end", "# no line end\nserial_no = 1", ["LVS012"]),
    # blanks after a quoted value that must end its line
    ("virtual web {\n     active = 1\n     expect = \"OK\"  \n}\n",
     "virtual web {\n     active = 1\n     expect = \"OK\"\n}\n", ["LVS013"]),
    # `=` without blanks
    ("virtual web {\n     port=80\n     port =81\n     port= 82\n}\n",
     "virtual web {\n     port = 80\n     port = 81\n     port = 82\n}\n", ["LVS007", "LVS007", "LVS007"]),
    ("virtual web {\n     send=\"GET / HTTP/1.0\"\n}\n", "virtual web {\n     send = \"GET / HTTP/1.0\"\n}\n",
     ["LVS007"]),
    ("virtual web {\n     port=80 # http\n}\n", "virtual web {\n     # http\n     port = 80\n}\n", ["LVS007"]),
    # no-break and other visible Unicode blanks between words and in the indentation
    ("serial_no\u00a0=\u00a01\n", "serial_no = 1\n", ["LVS008"]),
    ("virtual\u3000web {\n     address = 10.0.0.1\u00a0eth0:1\n}\n",
     "virtual web {\n     address = 10.0.0.1 eth0:1\n}\n", ["LVS008", "LVS010"]),
    ("\u00a0\u00a0# a comment\u00a0line\n", "  # a comment\u00a0line\n", ["LVS008"]),  # its text stays as written
    ("virtual web {\n     port\u00a0=\u00a080\u00a0# http\u00a0port\n}\n",
     "virtual web {\n     # http\u00a0port\n     port = 80\n}\n", ["LVS008"]),
    # a byte-order mark, CRLF and CR line ends
    ("\ufeffserial_no = 1\n", "serial_no = 1\n", ["LVS008"]),
    ("\ufeff# a comment\nserial_no = 1\n", "# a comment\nserial_no = 1\n", ["LVS008"]),
    ("serial_no = 1\r\nkeepalive = 6\r\n", "serial_no = 1\nkeepalive = 6\n", ["LVS002"]),
    ("serial_no = 1\r\nkeepalive = 6\n", "serial_no = 1\nkeepalive = 6\n", ["LVS002"]),
    ("serial_no = 1\rkeepalive = 6\r", "serial_no = 1\nkeepalive = 6\n", ["LVS003"]),
    ("\ufeffserial_no = 1 # one\r\nkeepalive=6\r\n", "# one\nserial_no = 1\nkeepalive = 6\n",
     ["LVS008", "LVS002", "LVS012", "LVS007"]),
]


@pytest.mark.parametrize(("text", "expected", "codes"), CASES)
def test_each_repair(text, expected, codes):
    result = fix(text)
    assert result.text == expected
    assert sorted(f.code for f in result.applied) == sorted(codes)
    assert all(f.applicability is Applicability.SAFE for f in result.applied)
    assert syntax_errors(result.text) == []
    assert fix(result.text).text == result.text and not fix(result.text).applied


@pytest.mark.parametrize("text", [
    "virtual web {\n     port = # 80\n}\n",  # no complete statement before the `#`
    "virtual web {\n     port==80\n}\n",  # `key==value`: what was meant is not evident
    "virtual web {\n     port=\n}\n",  # no value to give it
    "Port=80\n",  # not a keyword
    "virtual web {\n     port = 80 90 # x\n}\n",  # too many values before the comment
    "serial_no = 1\nkeepalive = 6\rdeadtime = 18\r\n",  # a lone CR: a line end or a stray byte?
    "serial_no\u200b=\u200b1\n",  # zero-width blanks: invisible, so no evident blank
    "virtual web {\n     send = \"x\"  # say \"hi\"\n}\n",  # Piranha reads `"x"  # say "` as one word
    "virtual web {\n     port = 80\n     active = 1 \"x\"  \n}\n",  # Piranha accepts it, reading `active = 1`
    "\ufeff",  # nothing would be left
    "",
])
def test_what_is_not_evident_is_left_alone(text):
    result = fix(text)
    assert (result.text, result.applied) == (text, ())


def test_only_lines_piranha_rejects_change():
    # A trailing no-break space is a character of the value to Piranha: that line is read, not rejected.
    text = "virtual web {\n     active_cmd = /bin/up\u00a0\n     port = 80 # http\n}\n"
    assert fix(text).text == "virtual web {\n     active_cmd = /bin/up\u00a0\n     # http\n     port = 80\n}\n"


def test_blanks_inside_a_value_stay_when_the_line_needs_no_other_blank():
    text = "active_cmd = /bin/x\u00a0 # d\nvirtual web {\n     send = \"a\u00a0b\" # c\n}\n"
    assert fix(text).text == "# d\nactive_cmd = /bin/x\u00a0\nvirtual web {\n     # c\n     send = \"a\u00a0b\"\n}\n"


def test_a_comment_after_a_dirs_list_is_not_an_error():
    # Piranha ignores the words after `]`: the line is read, so it is not changed.
    text = "virtual web {\n     dirs = [ /a ] # c\n}\n"
    assert fix(text).text == text


def test_no_break_spaces_inside_quotes_are_an_unsafe_fix():
    text = "virtual\u00a0web {\n     send_program\u00a0=\u00a0\"/bin/check\u00a0%h\"\n}\n"
    safe = fix(text)
    assert safe.text == "virtual web {\n     send_program\u00a0=\u00a0\"/bin/check\u00a0%h\"\n}\n"
    assert [(f.code, f.line, f.applicability) for f in safe.skipped] == [("LVS008", 2, Applicability.UNSAFE)]
    assert [(d.code, d.line) for d in safe.remaining] == [("LVS008", 2)]
    unsafe = fix(text, unsafe=True)
    assert unsafe.text == "virtual web {\n     send_program = \"/bin/check %h\"\n}\n"
    assert config(unsafe.text).virtuals[0].send_program == "/bin/check %h"
    assert [f.applicability for f in unsafe.applied] == [Applicability.SAFE, Applicability.UNSAFE]


def test_a_repair_that_makes_another_line_wrong_is_undone():
    # With the `}` repaired the virtual block would end there and `port` would stand at the top level.
    text = "virtual web {\n     active = 1\n\u00a0}\n     port = 80\n}\n"
    result = fix(text)
    assert result.text == text
    assert [(d.code, d.line) for d in result.remaining] == [("LVS008", 3)]


def test_a_repaired_block_opener_puts_the_lines_below_into_its_block():
    text = "virtual\u00a0web\u00a0{\n\u00a0active\u00a0=\u00a01\n\u00a0server\u00a0a\u00a0{\n\u00a0\u00a0address=10.0.0.2\n" \
           "\u00a0}\n\u00a0}\n"
    result = fix(text)
    assert result.text == "virtual web {\n active = 1\n server a {\n  address = 10.0.0.2\n }\n }\n"
    assert config(result.text).virtuals[0].servers[0].address.exploded == "10.0.0.2"


def test_fixes_name_the_input_lines():
    # lvscf reads the broken opener as the start of a block of another syntax, so the line below it is
    # repaired in a second pass, over a text with a comment line inserted above.
    text = "serial_no = 1 # a\nvirtual\u00a0the_web_service {\n\u00a0active = 1\n}\n"
    result = fix(text)
    assert result.text == "# a\nserial_no = 1\nvirtual the_web_service {\n active = 1\n}\n"
    assert [(f.code, f.line) for f in result.applied] == [("LVS012", 1), ("LVS005", 2), ("LVS008", 3)]


def test_selection_limits_the_fixes():
    text = "virtual web {\n     port=80\n     active = 1 # on\n}\n"
    only_comments = fix(text, selection=Selection(select=("trailing-comment",)))
    assert only_comments.text == "virtual web {\n     port=80\n     # on\n     active = 1\n}\n"
    assert [f.code for f in fix(text, selection=Selection(ignore=("LVS0",))).applied] == []


def test_the_input_may_be_bytes_or_a_load_result():
    data = "serial_no = 1 # \u00e9\n".encode() + b"\xff # not utf-8\n"
    from_bytes = fix(data)
    assert from_bytes.text.encode("utf-8", "surrogateescape") == "# \u00e9\nserial_no = 1\n".encode() + \
        b"\xff # not utf-8\n"
    assert fix(lvscf.loads(data)).text == from_bytes.text


def test_a_nul_byte_ends_what_is_repaired():
    text = "serial_no = 1 # a\n\0keepalive = 6 # b\n"
    assert fix(text).text == "# a\nserial_no = 1\n\0keepalive = 6 # b\n"


# -- what Piranha reads ------------------------------------------------------------


def test_crlf_fix_makes_piranha_read_the_lines_as_written():
    lf = "serial_no = 1\nprimary = 10.0.0.1\nvirtual web {\n     active = 1\n}\n"
    crlf = lf.replace("\n", "\r\n")
    # Piranha reads a CRLF file as its first line followed by blank "lines": almost empty.
    assert [pl.kind for pl in piranha_lines(crlf)].count("content") == 1
    fixed = fix(crlf).text
    assert fixed == lf  # every other byte stays
    assert [pl.kind for pl in piranha_lines(fixed)].count("content") == 5
    # lvscf read the CRLF file as its lines show; that is what Piranha reads now.
    assert config(fixed) == config(crlf)


def test_cr_fix_does_not_change_what_piranha_reads():
    cr = "serial_no = 1\rprimary = 10.0.0.1\r"
    fixed = fix(cr).text
    assert [(p.kind, cr[p.start:p.end]) for p in piranha_lines(cr)] == \
        [(p.kind, fixed[p.start:p.end]) for p in piranha_lines(fixed)]


# -- properties over generated files --------------------------------------------------

_COMMENT = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                 blacklist_characters="\"'\r\n\0\x85\u2028\u2029"), max_size=12)
_UNICODE_BLANK = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_SPLIT = re.compile(r"^([ \t]*)(\S+)( = )(.*)$")


@st.composite
def damaged(draw):
    """(damaged text, expected repair, undamaged text): the GUI layout of a generated model with
    typing accidents on some lines.  The repair must give back the file, with every comment
    moved above its line."""
    clean = lvscf.dumps(draw(configs()))
    out: list[str] = []
    expected: list[str] = []
    end = "\r\n" if draw(st.booleans()) else "\n"
    for line in clean.splitlines():
        bad = line
        setting = _SPLIT.match(line)
        plain = not _UNICODE_BLANK.search(line)
        if plain and draw(st.integers(0, 5)) == 0:
            # a no-break space in the indentation or between the words
            if setting:
                indent, key, _eq, value = setting.groups()
                bad = indent.replace(" ", "\u00a0", 1) + key + "\u00a0=\u00a0" + value
            else:
                bad = line.replace(" ", "\u00a0", 1)
        elif setting and not setting.group(4).startswith("=") and draw(st.integers(0, 5)) == 0:
            indent, key, _eq, value = setting.groups()
            bad = indent + key + draw(st.sampled_from(["=", " =", "= "])) + value
        elif re.search(r"[\"'][^ \t\"']*[\"']$", line) and draw(st.integers(0, 5)) == 0:
            bad = line + draw(st.sampled_from([" ", "  ", "\t"]))
        # (after a `dirs` list Piranha ignores every word: no error there)
        if line.strip() and not line.lstrip().startswith("dirs") and draw(st.integers(0, 3)) == 0:
            comment = "#" + draw(_COMMENT)
            bad = bad.rstrip(" \t") + draw(st.sampled_from([" ", "   ", "\t"])) + comment
            expected.append(line[:len(line) - len(line.lstrip())] + comment)
        out.append(bad)
        expected.append(line)
    text = end.join(out) + end
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, "\n".join(expected) + "\n", clean


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_generated_typing_accidents_are_repaired(case):
    text, expected, clean = case
    result = fix(text)
    assert result.text == expected
    assert config(result.text) == config(clean)  # what the user evidently meant
    assert syntax_errors(result.text) == []
    again = fix(result.text)
    assert (again.text, again.applied) == (result.text, ())


_FRAGMENTS = st.sampled_from([
    "virtual web {", "server a {", "}", "} # x", "port = 80", "port=80", "port = 80 # c", "active = 1",
    "\u00a0active\u00a0=\u00a01", "address = 10.0.0.1 eth0:1", "address = 10.0.0.2", "send = \"x\"  # c",
    "expect = \"OK\"  ", "# comment", "", "virtual\u00a0b\u00a0{", "\u00a0}", "weight=2 # w", "server b { # s",
    "send_program\u00a0=\u00a0\"/bin/x\u00a0%h\"", "serial_no = 1",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "     ", "\t", "\u00a0"]), _FRAGMENTS), max_size=12),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_repairs_of_any_mix_keep_the_other_lines_and_settle(lines, end, unsafe):
    text = "".join(indent + fragment + end for indent, fragment in lines)
    result = fix(text, unsafe=unsafe)
    lf_text = text.replace("\r\n", "\n")
    fixed_lines = {f.line for f in result.applied if f.code not in ("LVS002", "LVS003")}
    where = align(lf_text, result.text, fixed_lines)
    after = lvscf.loads(result.text)
    # a repaired line has no line error left; elsewhere no new syntax error appears
    back = {new: old for old, new in where.items()}
    before = set(syntax_errors(lf_text))
    for d in after.diagnostics:
        if d.code not in SYNTAX or d.severity is not lvscf.Severity.ERROR:
            continue
        old = back.get(d.line) or back.get(d.line + 1)  # an inserted comment line is never reported
        if old in fixed_lines:
            assert d.code not in VERDICT, (d.code, d.line)
        else:
            assert (d.code, old) in before, (d.code, d.line)
    again = fix(result.text, unsafe=unsafe)
    assert (again.text, again.applied) == (result.text, ())
    # comments are never dropped: each moves as written
    assert _comments(result.text) == _comments(text)


def _comments(text: str) -> Counter:
    return Counter(c.rstrip(" \t") for c in re.findall(r"#[^\r\n]*", text))


# -- the corpus -------------------------------------------------------------------


def _without_trailing_comments(text: str) -> str:
    """The file as its author meant it: what follows ` #` on a statement line removed (the
    quoted values of these files hold no `#`)."""
    return "".join(line if line.lstrip().startswith("#") else re.sub(r"[ \t]+#[^\n]*", "", line)
                   for line in text.splitlines(True))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_files(path):
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    result = fix(text)
    before = lvscf.check(lvscf.loads(text, path.name))
    after = lvscf.check(lvscf.loads(result.text, path.name))
    fixed = {f.line for f in result.applied}
    where = align(text, result.text, fixed)
    # the fixed diagnostics are gone from their lines
    for f in result.applied:
        assert not [d for d in after if d.line == where[f.line] and d.code in VERDICT], f
    # every other diagnostic is still there, at its line; the syntax errors no other
    new_syntax = [(d.code, d.line) for d in after if d.code in SYNTAX]
    kept = [(d.code, where[d.line]) for d in before if d.code in SYNTAX and d.line not in fixed]
    assert Counter(new_syntax) <= Counter(kept)
    for d in before:
        if d.code not in SYNTAX and d.line not in fixed:
            assert any(a.code == d.code and a.line == where[d.line] for a in after), d
    assert fix(result.text).text == result.text
    if not {d.code for d in before} & {c.code for c in FIXABLE}:
        assert (result.text, result.applied) == (text, ())


@pytest.mark.parametrize("path", [CN, GAOJF], ids=lambda p: p.name)
def test_corpus_trailing_comments_mean_the_file_without_them(path):
    text = path.read_text()
    result = fix(text)
    meant = _without_trailing_comments(text)
    assert config(result.text) == config(meant)
    assert Counter(d.code for d in lvscf.check(lvscf.loads(result.text))) == \
        Counter(d.code for d in lvscf.check(lvscf.loads(meant)))
    # every comment is kept, in order
    assert [c.strip() for c in re.findall(r"#[^\n]*", text)] == [c.strip() for c in re.findall(r"#[^\n]*",
                                                                                                result.text)]


def test_cn_article_loads_after_the_fix():
    result = fix(CN.read_text())
    assert {f.code for f in result.applied} == {"LVS012", "LVS013"} and len(result.applied) == 7
    assert [d for d in lvscf.check(lvscf.loads(result.text)) if d.severity is lvscf.Severity.ERROR] == []


def test_gaojf_article_keeps_what_is_not_mechanical():
    result = fix(GAOJF.read_text())
    # a comment wrapped onto lines of its own and a Markdown-mangled block opener need a person
    assert [(d.code, d.line) for d in result.remaining] == [("LVS005", 10), ("LVS014", 13), ("LVS005", 26),
                                                             ("LVS005", 27)]
    assert len(result.applied) == 27


def test_nbsp_page_is_repaired_as_its_authors_did():
    text = NBSP_FILE.read_text()
    corrected = NBSP_CORRECTED.read_text()
    assert fix(text, unsafe=True).text == corrected
    safe = fix(text)
    # send_program holds no-break spaces inside its quotes: only the unsafe fix touches the value
    assert [(f.code, f.line) for f in safe.skipped] == [("LVS008", 26)]
    safe_lines, corrected_lines, lines = safe.text.splitlines(), corrected.splitlines(), text.splitlines()
    assert safe_lines[25] == lines[25]
    assert safe_lines[:25] + safe_lines[26:] == corrected_lines[:25] + corrected_lines[26:]


# -- the command line ------------------------------------------------------------------


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


BROKEN = "virtual web {\n     port=80 # http\n     active = 1\n}\n"
BROKEN_FORMATTED = "virtual web {\n     active = 1\n     # http\n     port = 80\n}\n"


def test_fmt_fix_repairs_then_formats(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(BROKEN)
    assert run("fmt", str(path))[0] == 1  # without --fix: syntax errors, left alone
    assert path.read_text() == BROKEN
    code, out, err = run("fmt", "--fix", str(path))
    assert code == 0, err
    assert path.read_text() == BROKEN_FORMATTED


def test_fmt_fix_diff_and_check_change_nothing(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(BROKEN)
    code, out, _ = run("fmt", "--fix", "--diff", str(path))
    assert code == 1
    assert "-     port=80 # http\n" in out and "+     # http\n" in out and "+     port = 80\n" in out
    code, _, err = run("fmt", "--fix", "--check", str(path))
    assert code == 1 and "would reformat" in err
    assert path.read_text() == BROKEN


def test_fmt_fix_on_stdin():
    assert run("fmt", "--fix", "-", input=BROKEN)[:2] == (0, BROKEN_FORMATTED)


def test_fmt_fix_leaves_a_file_it_cannot_repair_and_reports_what_remains(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     port=80\n     Active = 1\n}\n")
    code, _, err = run("fmt", "--fix", str(path))
    assert code == 1
    assert ":3:6: LVS005" in err and "LVS007" not in err  # only what --fix cannot do
    assert path.read_text() == "virtual web {\n     port=80\n     Active = 1\n}\n"


def test_fmt_unsafe_fixes(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     send\u00a0=\u00a0\"GET\u00a0/\"\n}\n")
    assert run("fmt", "--fix", str(path))[0] == 1
    assert run("fmt", "--unsafe-fixes", str(path))[0] == 0
    assert path.read_text() == "virtual web {\n     send = \"GET /\"\n}\n"


def test_check_fix_writes_the_repairs_and_reports_the_rest(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     port=80 # http\n     Active = 1\n}\n")
    path.chmod(0o640)
    code, out, err = run("check", "--fix", "--format", "concise", str(path))
    assert code == 1
    assert path.read_text() == "virtual web {\n     # http\n     port = 80\n     Active = 1\n}\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert "lvs.cf:4:6: LVS005" in out and "LVS007" not in out  # positions in the repaired file
    assert "fixed 1 problem(s) in 1 file(s)" in err
    assert not list(tmp_path.glob(".*tmp"))


def test_check_fix_respects_select(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("virtual web {\n     port=80\n     active = 1 # on\n}\n")
    run("check", "--fix", "--select", "LVS012", str(path))
    assert path.read_text() == "virtual web {\n     port=80\n     # on\n     active = 1\n}\n"


def test_check_fix_counts_the_unsafe_fixes_it_did_not_make(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_bytes(NBSP_FILE.read_bytes())
    _, _, err = run("check", "--fix", str(path))
    assert "fixed 43 problem(s) in 1 file(s); 1 more can be fixed with --unsafe-fixes" in err
    _, _, err = run("check", "--unsafe-fixes", str(path))
    assert "fixed 1 problem(s)" in err
    assert path.read_text() == NBSP_CORRECTED.read_text()


def test_check_fix_leaves_a_clean_file_alone(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text("serial_no = 1\n")
    before = path.stat().st_mtime_ns
    code, _, err = run("check", "--fix", str(path))
    assert path.stat().st_mtime_ns == before
    assert "fixed 0 problem(s) in 0 file(s)" in err


def test_check_fix_refuses_stdin():
    code, _, err = run("check", "--fix", "-", input="port=80\n")
    assert code == 2 and "--fix cannot rewrite standard input" in err
