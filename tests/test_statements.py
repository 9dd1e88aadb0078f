"""Statement shapes and arities: lvs-cf-format.md §2.5, §2.7 (one test per shape)."""

from __future__ import annotations

import pytest

from conftest import codes, load_text, only


def virtual(*lines: str) -> str:
    return "virtual web {\n     active = 1\n" + "".join(f"     {line}\n" for line in lines) + "}\n"


# KEY = VALUE: exactly one value token.

def test_key_value():
    result = load_text("keepalive = 7\n")
    assert result.diagnostics == () and result.config.keepalive == 7


def test_key_without_value_is_missing_arguments():
    diagnostic = only(load_text("keepalive =\n"))
    assert diagnostic.code == "LVS010" and diagnostic.piranha.endswith("at line 1: missing arguments")


def test_key_with_two_values_is_unexpected_arguments():
    diagnostic = only(load_text("keepalive = 7 8\n"))
    assert diagnostic.code == "LVS011" and diagnostic.piranha.endswith("unexpected arguments")
    assert diagnostic.column == 15


def test_quoted_value_with_blanks_is_one_value():
    result = load_text('active_cmd = "/usr/local/bin/up.sh now"\n')
    assert result.config.active_cmd == "/usr/local/bin/up.sh now"


# KEY = VALUE1 VALUE2: address (virtual/failover) and nat_router only.

@pytest.mark.parametrize("text", ["nat_router = 10.0.0.1 eth1:1\n", virtual("address = 10.0.0.1 eth1:1")])
def test_two_value_keys(text):
    assert load_text(text).diagnostics == ()


@pytest.mark.parametrize("text, line", [("nat_router = 10.0.0.1\n", 1), (virtual("address = 10.0.0.1"), 3)])
def test_two_value_key_with_one_value_is_missing_arguments(text, line):
    diagnostic = only(load_text(text))
    assert (diagnostic.code, diagnostic.line) == ("LVS010", line)
    assert "network device" in diagnostic.message


def test_two_value_key_with_three_values_is_unexpected_arguments():
    assert codes(load_text("nat_router = 10.0.0.1 eth1:1 x\n")) == ["LVS011"]


def test_server_address_takes_one_value():
    text = virtual("server a {", "    address = 10.0.0.2 eth0", "}")
    assert codes(load_text(text)) == ["LVS011"]


# KEY = [ ITEM ... ]: dirs only.

def test_dirs_list_and_trailing_words_ignored():
    result = load_text(virtual("dirs = [ /a /b ] ignored words"))
    assert result.diagnostics == ()
    assert result.config.virtuals[0].dirs == ("/a", "/b")


@pytest.mark.parametrize("value", ["/var/www", "[ /a /b", "[]"])
def test_dirs_without_a_list_is_list_expected(value):
    diagnostic = only(load_text(virtual(f"dirs = {value}")))
    assert diagnostic.code == "LVS019" and diagnostic.piranha.endswith("list expected")


def test_dirs_without_value_crashes_piranha():
    assert "crashes" in only(load_text(virtual("dirs ="))).piranha


def test_dirs_list_beyond_99_words_loses_its_end():
    items = " ".join(f"/d{i}" for i in range(100))
    result = load_text(virtual(f"dirs = [ {items} ]"))
    assert set(codes(result)) == {"LVS020", "LVS019"}


@pytest.mark.parametrize("before, line, after", [
    ("", "bogus = " + "w " * 1000 + "last", ""),
    ("virtual web {\n", "     dirs = [ " + "w " * 1000 + "last", "}\n"),
    ("virtual web {\n", "     dirs = [ w ] " + "w " * 1000 + "last", "}\n"),
])
def test_a_line_of_any_length_keeps_its_first_words_and_counts_the_rest(before, line, after):
    from lvscf.parse.nodes import KEPT_WORDS, ErrorLine

    text = before + line + "\n" + after
    result = load_text(text)
    node = next(n for n in result.document.walk() if isinstance(n, ErrorLine))
    assert len(node.words) == KEPT_WORDS and node.word_count == len(line.split())
    assert node.final_word == ("last", text.index("last"))
    too_many = [d for d in result.diagnostics if d.code == "LVS020"]
    assert len(too_many) == 1 and too_many[0].message.startswith(f"this line has {node.word_count} words")
    assert (too_many[0].end_line, too_many[0].end_column) == (before.count("\n") + 1, len(line) + 1)


# Blocks: `virtual NAME {`, `failover NAME {`, `server NAME {`, `}`.

def test_blocks_and_failover_separated():
    text = ("failover ftp {\n     address = 10.0.0.9 eth0:2\n}\n"
            "virtual web {\n     server a {\n         address = 10.0.0.2\n     }\n}\n")
    result = load_text(text)
    assert result.diagnostics == ()
    assert [v.name for v in result.config.virtuals] == ["web"]
    assert [f.name for f in result.config.failovers] == ["ftp"]
    assert result.config.virtuals[0].servers[0].name == "a"


def test_quoted_block_name_with_blank():
    assert load_text('virtual "my web" {\n}\n').config.virtuals[0].name == "my web"


def test_brace_glued_to_the_name_is_missing_arguments():
    diagnostic = only(load_text("virtual web{\n     active = 1\n}\n"))
    assert diagnostic.code == "LVS014" and diagnostic.piranha.endswith("missing arguments")
    assert "`{` must be a separate word" in diagnostic.message


def test_brace_on_the_next_line_is_one_error_and_the_block_is_still_read():
    result = load_text("virtual web\n{\n     active = 1\n     port = 8080\n}\n")
    diagnostic = only(result)
    assert (diagnostic.code, diagnostic.line) == ("LVS014", 1)
    assert result.config.virtuals[0].port == 8080


def test_comment_after_the_brace_is_unexpected_arguments():
    diagnostic = only(load_text("virtual web { # the web site\n}\n"))
    assert diagnostic.code == "LVS012" or diagnostic.code == "LVS014"
    assert diagnostic.piranha.endswith("unexpected arguments")


@pytest.mark.parametrize("text", [
    "virtual web {\n     active = 1\n} x\n",
    "virtual web {\n} x\n",  # the block's first line
    "virtual web {\n     active = 1\n} # end of web\n",
    "virtual web {\n     server a {\n         address = 10.0.0.2\n     } # end of a\n}\n",
    "virtual web {\n     server a {\n     } x y\n}\n",
])
def test_words_after_a_closing_brace_are_ignored_by_piranha(text):
    # lvsconfig.c frees the line's tokens before its "unexpected arguments" test on `}`.
    result = load_text(text)
    diagnostic = only(result)
    assert diagnostic.code == "LVS015" and diagnostic.severity.name == "WARNING"
    assert "pulse: error parsing" not in diagnostic.piranha and "reads as `}`" in diagnostic.piranha
    assert "Piranha ignores it" in diagnostic.message


def test_words_after_a_closing_brace_still_close_the_block():
    result = load_text("virtual web {\n     server a {\n     } # a\n     port = 8080\n} x\nserial_no = 5\n")
    assert codes(result) == ["LVS015", "LVS015"]
    assert result.config.virtuals[0].port == 8080 and result.config.serial_no == 5


def test_words_after_a_closing_brace_do_not_hide_piranhas_first_error():
    result = load_text("virtual web {\n     active = 1\n} x\nbogus = 1\n")
    pulse = [d.piranha for d in result.diagnostics if d.piranha and d.piranha.startswith("pulse:")]
    assert pulse == ["pulse: error parsing lvs.cf at line 4: unknown command"]


@pytest.mark.parametrize("closer", ["};", "}}"])
def test_glued_closing_braces_are_unknown_commands(closer):
    result = load_text(f"virtual web {{\n     active = 1\n{closer}\n")
    assert any(d.piranha and d.piranha.endswith("at line 3: unknown command") for d in result.diagnostics)


def test_template_tag_before_the_brace_is_named_as_a_name_of_several_words():
    # An ERB template: the words stand before the `{`, not after it.
    diagnostic = only(load_text("virtual <%= @name %> {\n     active = 1\n}\n"))
    assert diagnostic.code == "LVS014" and diagnostic.piranha.endswith("at line 1: unexpected arguments")
    assert "after `{`" not in diagnostic.message
    assert diagnostic.message.startswith("the name `<%= @name %>` is more than one word")
    assert (diagnostic.column, diagnostic.end_column) == (9, 21)


def test_words_after_the_brace_of_an_opening_line_are_after_the_brace():
    diagnostic = only(load_text("virtual web { x\n}\n"))
    assert diagnostic.code == "LVS014" and diagnostic.message.startswith("`x` after `{`")


def test_closing_brace_with_trailing_blanks_is_fine():
    assert load_text("virtual web {\n     active = 1\n}   \n").diagnostics == ()


def test_quoted_closing_brace_closes_the_block():
    assert load_text('virtual web {\n     active = 1\n"}"\n').diagnostics == ()


def test_top_level_closing_brace_is_unknown_command():
    diagnostic = only(load_text("serial_no = 1\n}\n"))
    assert diagnostic.code == "LVS016" and diagnostic.piranha.endswith("at line 2: unknown command")


def test_server_outside_a_virtual_is_misplaced():
    diagnostic = only(load_text("server a {\n}\n"), "LVS006")
    assert diagnostic.line == 1


def test_end_of_file_inside_a_block_is_accepted_and_reported():
    result = load_text("virtual web {\n     active = 1\n     server a {\n         address = 10.0.0.2\n")
    assert sorted(codes(result)) == ["LVS017", "LVS017"]
    assert all(d.severity.name == "WARNING" for d in result.diagnostics)
    assert result.config.virtuals[0].servers[0].name == "a"


@pytest.mark.parametrize("text", ["virtual web {\n", "virtual web {\n# only a comment\n\n"])
def test_end_of_file_right_after_an_opening_line_is_unpredictable_in_piranha(text):
    # lvsconfig.c then tests argv[1] of a token list that no line has filled.
    diagnostic = only(load_text(text))
    assert diagnostic.code == "LVS017" and diagnostic.severity.name == "WARNING"
    assert "Piranha's result is unpredictable" in diagnostic.message and "unpredictable" in diagnostic.piranha


def test_end_of_file_right_after_a_server_line_is_unpredictable_only_for_the_server():
    result = load_text("virtual web {\n     active = 1\n     server a {\n")
    virtual, server = sorted((d for d in result.diagnostics if d.code == "LVS017"), key=lambda d: d.line)
    assert virtual.piranha == "Piranha accepts this silently" and "unpredictable" not in virtual.message
    assert server.line == 3 and "unpredictable" in server.piranha and "unpredictable" in server.message


def test_new_virtual_inside_a_virtual_means_a_missing_brace():
    result = load_text("virtual a {\n     active = 1\nvirtual b {\n     active = 1\n}\n")
    diagnostic = only(result)
    assert (diagnostic.code, diagnostic.line) == ("LVS018", 3)
    assert diagnostic.related[0].line == 1
    assert [v.name for v in result.config.virtuals] == ["a", "b"]


def test_new_server_inside_a_server_means_a_missing_brace():
    text = "virtual a {\n     server s1 {\n         address = 10.0.0.2\n     server s2 {\n     }\n}\n"
    result = load_text(text)
    assert codes(result) == ["LVS018"]
    assert [s.name for s in result.config.virtuals[0].servers] == ["s1", "s2"]


# `=` must be its own token.

def test_key_equals_value_glued_is_unknown_command():
    diagnostic = only(load_text("virtual web {\n     port=80\n}\n"))
    assert diagnostic.code == "LVS007" and diagnostic.piranha.endswith("unknown command")
    assert "port = 80" in diagnostic.hint


def test_equals_glued_to_the_value_is_equal_expected():
    diagnostic = only(load_text("keepalive =7\n"))
    assert diagnostic.code == "LVS007" and diagnostic.piranha.endswith("equal (=) expected after command")


def test_keyword_without_equals():
    diagnostic = only(load_text("keepalive 7\n"))
    assert diagnostic.code == "LVS009" and diagnostic.piranha.endswith("equal (=) expected after command")


def test_keyword_alone_is_equal_expected():
    assert only(load_text("keepalive\n")).code == "LVS009"


# Keywords in the wrong place.

@pytest.mark.parametrize("line, code, hint", [
    ("deadtime = 10", "LVS006", "GUI"),
    ("weight = 2", "LVS006", "server"),
    ("expect_program = x", "LVS005", "GUI"),
    ("nmask = 255.255.255.0", "LVS005", "removed"),
])
def test_misplaced_and_gui_only_keywords(line, code, hint):
    diagnostic = only(load_text(virtual(line)))
    assert diagnostic.code == code and hint in diagnostic.hint


def test_typo_suggests_the_nearest_keyword():
    assert "`scheduler`" in only(load_text(virtual("schedular = rr"))).hint


def test_misspelt_block_keyword_still_opens_the_block():
    result = load_text("Virtual web {\n     port = 8080\n}\n")
    diagnostic = only(result)
    assert diagnostic.code == "LVS005" and "`virtual`" in diagnostic.hint
    assert result.config.virtuals[0].port == 8080


def test_keepalived_block_is_one_diagnostic():
    text = "global_defs {\n   router_id LVS\n   notification_email {\n      a@b\n   }\n}\nserial_no = 1\n"
    diagnostic = only(load_text(text))
    assert diagnostic.code == "LVS005" and "keepalived.conf syntax" in diagnostic.message
    assert "to line 6" in diagnostic.message


# Order: globals after blocks, and duplicate keys.

def test_global_keys_after_blocks_are_legal():
    result = load_text("virtual web {\n}\nkeepalive = 3\n")
    assert result.diagnostics == () and result.config.keepalive == 3


def test_duplicate_keys_last_wins_and_is_reported():
    result = load_text("keepalive = 3\nkeepalive = 4\n")
    diagnostic = only(result)
    assert (diagnostic.code, diagnostic.line, diagnostic.severity.name) == ("LVS108", 1, "WARNING")
    assert diagnostic.related[0].line == 2
    assert result.config.keepalive == 4


def test_duplicate_block_names_are_separate_blocks():
    result = load_text("virtual web {\n}\nvirtual web {\n}\n")
    assert len(result.config.virtuals) == 2
