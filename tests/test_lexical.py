"""Lexical rules: lvs-cf-format.md §2.1-§2.3, one test per row of the quirk tables."""

from __future__ import annotations

import pytest

from conftest import codes, errors, load_text, only

HEADER = "virtual web {\n     active = 1\n"


def in_virtual(line: str, first: bool = False) -> str:
    """A virtual block with ``line`` as its first line, or after a first line."""
    return "virtual web {\n" + line + "\n}\n" if first else HEADER + line + "\n}\n"


def virtual_of(text: str):
    return load_text(text).config.virtuals[0]


# -- §2.3 quoted tokens: one test per row of the table ----------------------------


def test_send_keeps_literal_backslashes_and_double_quotes_are_stripped():
    result = load_text(in_virtual('     send = "GET / HTTP/1.0\\r\\n\\r\\n"'))
    assert result.diagnostics == ()
    assert result.config.virtuals[0].send == "GET / HTTP/1.0\\r\\n\\r\\n"
    setting = result.config.virtuals[0].origin.setting("send")
    assert setting.value.quote == '"'


def test_quoted_value_without_blank_at_end_of_line_is_accepted():
    assert virtual_of(in_virtual('     expect = "OK"')).expect == "OK"


@pytest.mark.parametrize("first", [True, False])
def test_quoted_value_without_blank_then_trailing_blanks_is_bad_quoting(first):
    result = load_text(in_virtual('     expect = "OK"  ', first=first))
    diagnostic = only(result, "LVS013")
    assert diagnostic.line == (2 if first else 3)
    assert "blanks after" in diagnostic.message
    if first:
        # Reported by Piranha on the first line of a virtual block...
        assert diagnostic.piranha.endswith("quotation mismatch")
    else:
        # ...but swallowed on later lines, where the line is read as `expect =`.
        assert "missing arguments" in diagnostic.piranha
    assert diagnostic.severity.name == "ERROR"


def test_quoted_value_with_inner_blank_may_have_trailing_blanks():
    assert virtual_of(in_virtual('     expect = "HTTP OK"   ')).expect == "HTTP OK"


def test_quoted_value_without_blank_followed_by_a_word_is_bad_quoting():
    diagnostic = only(load_text('debug_level = "OK" x\n'), "LVS013")
    assert diagnostic.piranha.endswith("at line 1: quotation mismatch")
    assert "must be the last word" in diagnostic.message


def test_empty_quoted_value_is_an_empty_string():
    virtual = virtual_of(in_virtual('     send = ""'))
    assert virtual.send == ""


def test_empty_quoted_value_then_a_blank_is_bad_quoting():
    assert codes(load_text('debug_level = "" \n')) == ["LVS013"]


def test_two_quoted_words_become_the_garbage_tokens_piranha_makes():
    result = load_text('debug_level = "a" "b"\n')
    line = result.document.items[0]
    assert [w.value for w in line.words] == ["debug_level", "=", 'a" ', 'b"']
    assert only(result).code == "LVS011"  # four tokens: "unexpected arguments"


def test_unterminated_quote_is_bad_quoting():
    diagnostic = only(load_text('debug_level = "GET /\n'), "LVS013")
    assert "not closed" in diagnostic.message


@pytest.mark.parametrize("text", ['debug_level = "\n', in_virtual("     send = '"), in_virtual('"'),
                                  in_virtual('     send = "', first=True)])
def test_lone_quote_at_end_of_line_is_an_error_with_an_unpredictable_result(text):
    # Undefined behaviour in Piranha's C code (a write before the token, a token of uninitialised memory).
    result = load_text(text)
    diagnostic = only(result)
    assert diagnostic.code == "LVS013" and diagnostic.severity.name == "ERROR"
    assert "lone" in diagnostic.message and "Piranha's result is unpredictable" in diagnostic.message
    assert "unpredictable" in diagnostic.piranha and "pulse: error parsing" not in diagnostic.piranha


def test_bad_quote_on_the_first_line_after_a_malformed_opener_is_reported_and_the_block_goes_on():
    result = load_text('virtual web x\n"x\n     port = 8080\n}\n')
    assert [(d.code, d.line) for d in result.diagnostics] == [("LVS014", 1), ("LVS013", 2)]
    assert result.config.virtuals[0].port == 8080


def test_lone_quote_does_not_end_the_block():
    # Piranha's token there is garbage, not the missing token that ends a block.
    result = load_text(HEADER + '"\n     port = 8080\n}\n')
    assert codes(result) == ["LVS013"] and result.config.virtuals[0].port == 8080


def test_other_quote_character_inside_quotes_is_plain_text():
    assert virtual_of(in_virtual("     send = \"say 'hi'\"")).send == "say 'hi'"


def test_single_quotes_reach_the_run_time_value():
    virtual = virtual_of(in_virtual("     send = 'GET / HTTP/1.0\\r\\n'"))
    assert virtual.send == "'GET / HTTP/1.0\\r\\n'"


def test_quote_inside_an_unquoted_word_is_literal():
    assert virtual_of(in_virtual('     expect = it"s')).expect == 'it"s'


def test_lvsd_strips_a_trailing_double_quote_even_from_an_unquoted_word():
    assert virtual_of(in_virtual('     expect = OK"')).expect == "OK"


def test_backslash_is_not_an_escape():
    assert virtual_of(in_virtual('     expect = "a\\"')).expect == "a\\"


def test_ignored_quote_error_is_applied_like_piranha_and_reported_as_warning():
    # On a later line of a virtual block Piranha drops the bad token and keeps `port = 81`.
    result = load_text(in_virtual('     port = 81 "junk'))
    diagnostic = only(result, "LVS013")
    assert diagnostic.severity.name == "WARNING"
    assert "silently reads the line as `port = 81`" in diagnostic.piranha
    assert result.config.virtuals[0].port == 81


def pulse_errors(result) -> list[str]:
    return [d.piranha for d in result.diagnostics if d.piranha and d.piranha.startswith("pulse:")]


def test_bad_quote_as_first_token_ends_the_block_for_piranha():
    # The quoting error is ignored there, the line has no token left, and argv[0] == NULL ends
    # parseVirtualServer's loop: the lines below are top-level lines.
    result = load_text('virtual v {\n     active = 1\n"x\n     port = 8080\n}\n')
    diagnostic = only(result, "LVS013")
    assert diagnostic.severity.name == "WARNING" and diagnostic.line == 3
    assert 'ends virtual block "v"' in diagnostic.piranha and "top-level" in diagnostic.piranha
    assert pulse_errors(result) == ["pulse: error parsing lvs.cf at line 4: unknown command",
                                    "pulse: error parsing lvs.cf at line 5: unknown command"]
    virtual = result.config.virtuals[0]
    assert virtual.active and virtual.port == 80  # `port = 8080` is not the virtual's
    misplaced = only(result, "LVS006")
    assert misplaced.line == 4 and misplaced.related[0].line == 3


def test_block_ended_by_a_bad_quote_can_be_followed_by_a_block():
    result = load_text('virtual a {\n     active = 1\n     \'x y\nvirtual b {\n     port = 8080\n}\n')
    assert [(d.code, str(d.severity)) for d in result.diagnostics] == [("LVS013", "warning")]
    assert [(v.name, v.port) for v in result.config.virtuals] == [("a", 80), ("b", 8080)]


def test_bad_quote_as_first_token_after_a_server_block_ends_the_block():
    text = 'virtual v {\n     server a {\n     }\n     "} junk\n}\n'
    result = load_text(text)
    assert codes(result) == ["LVS013", "LVS016"]
    assert pulse_errors(result) == ["pulse: error parsing lvs.cf at line 5: unknown command"]


@pytest.mark.parametrize("before", ["", "# a comment\n\n"])
def test_bad_quote_on_the_first_line_of_a_block_is_reported_and_the_block_goes_on(before):
    result = load_text(f'virtual v {{\n{before}"x\n     port = 8080\n}}\n')
    diagnostic = only(result)
    assert diagnostic.code == "LVS013" and diagnostic.piranha.endswith("quotation mismatch")
    assert result.config.virtuals[0].port == 8080


def test_bad_quote_in_a_server_block_is_always_reported():
    text = HEADER + '     server a {\n         address = 10.0.0.2\n         weight = "3\n     }\n}\n'
    assert only(load_text(text), "LVS013").piranha.endswith("quotation mismatch")


def test_quoted_keyword_cannot_start_a_statement():
    assert codes(load_text('"port" = 80\n')) == ["LVS013"]


# -- §2.1 line ends --------------------------------------------------------------------


def test_pure_lf_lines_are_physical_lines():
    result = load_text("serial_no = 1\nprimary = 10.0.0.1\nbogus = 1\n")
    assert only(result).line == 3


def test_pure_cr_file_reads_like_lf_and_is_a_warning():
    result = load_text("serial_no = 1\rprimary = 10.0.0.1\r")
    diagnostic = only(result, "LVS003")
    assert diagnostic.severity.name == "WARNING"
    assert str(result.config.primary) == "10.0.0.1"


def test_crlf_file_piranha_reads_only_line_one():
    text = "serial_no = 1\r\nprimary = 10.0.0.1\r\nbogus = 1\r\n"
    result = load_text(text)
    crlf = only(result, "LVS002")
    assert crlf.line == 1 and crlf.severity.name == "ERROR"
    assert "reads only line 1" in crlf.message and "other 2 line(s)" in crlf.message
    # Everything else is still found, as if the lines ended with LF.
    assert [d.line for d in result.diagnostics if d.code == "LVS005"] == [3]
    assert str(result.config.primary) == "10.0.0.1"


def test_crlf_file_starting_with_a_comment_reads_nothing():
    crlf = only(load_text("# lvs.cf\r\nserial_no = 1\r\n"), "LVS002")
    assert "reads none" in crlf.message


def test_lf_file_with_one_cr_later_glues_lines():
    crlf = only(load_text("serial_no = 1\nprimary = 10.0.0.1\nbackup = 10.0.0.2\r\n"), "LVS002")
    assert "lines 1-3 as one line" in crlf.message
    assert crlf.line == 3


def pulse_texts(result) -> list[tuple[str, str]]:
    return [(d.code, d.piranha) for d in result.diagnostics if d.piranha and "pulse: error parsing" in d.piranha]


@pytest.mark.parametrize("text, line, message", [
    # Line 1 ends at the CR, line 2 is the LF after it (blank), line 3 is `foo`.
    ("\r\nfoo\n", 3, "unknown command"),
    ("bogus\r\nserial_no = 1\r\n", 1, "unknown command"),
    # Glued up to the CR: `serial_no = 1<LF>primary = ...`: too many words.
    ("serial_no = 1\nprimary = 10.0.0.1\nbackup = 10.0.0.2\r\n", 1, "unexpected arguments"),
    # LF then CR: the LF is part of the last token, and strtol stops at it.
    ("serial_no = 1\n\r\n", 1, "integer expected"),
    ("serial_no = 1\nvirtual v {\r\n", 1, "unexpected arguments"),
    ("serial_no = 1\n\r\n     bogus = 1\r\n", 1, "integer expected"),
])
def test_cr_file_carries_only_the_error_piranha_really_prints(text, line, message):
    result = load_text(text)
    assert pulse_texts(result) == [("LVS002", f"pulse: error parsing lvs.cf at line {line}: {message}")]


@pytest.mark.parametrize("text", [
    "serial_no = 1\r\nprimary = 10.0.0.1\r\nbogus = 1\r\n",
    # inet_aton stops at the LF glued to the address, as at a blank.
    "primary = 10.0.0.1\n\r\n",
    "# lvs.cf\r\nbogus = 1\r\nkeepalive 7\r\n",
])
def test_cr_file_that_piranha_accepts_carries_no_pulse_error(text):
    result = load_text(text)
    assert pulse_texts(result) == []
    crlf = only(result, "LVS002")
    assert crlf.piranha.startswith("Piranha's parser accepts the file as it splits it")
    assert "no active lvs services defined" in crlf.piranha


def test_cr_file_keeps_what_piranha_would_say_with_lf_line_ends():
    result = load_text("serial_no = 1\r\nbogus = 1\r\n" + in_virtual('     port = "junk').replace("\n", "\r\n"))
    unknown = only(result, "LVS005")
    assert unknown.piranha.startswith("with LF line ends, Piranha would stop here: unknown command")
    quote = only(result, "LVS013")
    assert "pulse:" not in quote.piranha and '"missing arguments" (with LF line ends)' in quote.piranha
    assert pulse_texts(result) == []  # Piranha reads line 1 only, and accepts it


def test_cr_file_where_piranhas_line_is_another_line_of_the_file_says_so():
    crlf = only(load_text("\r\nfoo\n"), "LVS002")
    assert crlf.message.endswith("Piranha's line 3 is line 2 of the file")


def test_crlf_file_that_ends_after_an_opening_line_for_piranha_is_unpredictable():
    result = load_text("virtual v {\r\n     active = 1\r\n}\r\n")
    assert pulse_texts(result) == []
    assert "unpredictable at its line 1" in only(result, "LVS002").piranha


@pytest.mark.parametrize("text, lines", [
    ("serial_no = 1\r\nprimary = 10.0.0.1\r\n", ["serial_no = 1", "", "", ""]),
    # Inside a quoted token an LF ends the search for the closing quote: "quotation mismatch".
    ('send = "a \nb"\r', ['send = "x', ""]),
    ('x = "a\nb"\r', ['x = "a b"', ""]),  # no blank inside: the quote is found at the end
    ("a\nb = \"\r", ['"a b" = "', ""]),  # a lone quote at the end stays one (undefined behaviour)
    ("k = \"a'\nb\"\r", ["k = \"a' b\"", ""]),
    ("k = a'\nb\"\r", ["k = a'\x01b\"", ""]),  # both quotes in it: unquoted, the LF another character
])
def test_lines_as_piranha_splits_and_tokenizes_them(text, lines):
    from lvscf.parse.line_ends import piranha_text

    assert piranha_text(text).split("\n")[:-1] == lines


def test_old_mac_file_keeps_its_pulse_errors():
    # Piranha reads CR-only line ends like LF: the LF reading is Piranha's.
    result = load_text("serial_no = 1\rbogus = 1\r")
    assert pulse_texts(result) == [("LVS005", "pulse: error parsing lvs.cf at line 2: unknown command")]


def test_missing_final_newline_is_harmless():
    result = load_text("serial_no = 1\nprimary = 10.0.0.1")
    assert result.diagnostics == ()
    assert str(result.config.primary) == "10.0.0.1"


# -- §1 reading the file -----------------------------------------------------------------


def test_empty_file_is_piranhas_empty_configuration():
    diagnostic = only(load_text(b""), "LVS001")
    assert diagnostic.piranha.endswith("Empty configuration")


def test_nul_byte_at_line_start_ends_the_file():
    result = load_text(b"serial_no = 1\n\0bogus\nmore = junk\n")
    diagnostic = only(result, "LVS004")
    assert "stops reading here" in diagnostic.message
    assert result.document.parsed_end == len("serial_no = 1\n")


def test_nul_byte_inside_a_line_crashes_piranha():
    diagnostic = only(load_text(b"serial_no = 1\0\n"), "LVS004")
    assert "crashes" in diagnostic.message


def test_non_utf8_bytes_are_token_characters_and_survive():
    data = b"virtual caf\xe9 {\n     active = 1\n}\n"
    result = load_text(data)
    assert result.diagnostics == ()
    from lvscf.source import encode

    assert encode(result.document.text) == data


# -- §2.2 comments and blanks ----------------------------------------------------------------


def test_comment_only_at_line_start_even_indented():
    result = load_text("   # a comment\n\t# another\nserial_no = 1\n")
    assert result.diagnostics == ()


def test_hash_after_a_statement_is_a_trailing_comment_error():
    diagnostic = only(load_text("virtual web {\n     port = 80 # http\n}\n"))
    assert diagnostic.code == "LVS012"
    assert (diagnostic.line, diagnostic.column) == (2, 16)
    assert diagnostic.piranha.endswith("unexpected arguments")


def test_hash_as_a_value_is_an_ordinary_word():
    assert virtual_of(in_virtual("     expect = #")).expect == "#"


def test_whitespace_only_lines_are_blank():
    assert load_text("serial_no = 1\n \t \n\nprimary = 10.0.0.1\n").diagnostics == ()


def test_no_break_space_is_not_a_separator():
    diagnostic = only(load_text("serial_no\u00a0=\u00a01\n"))
    assert diagnostic.code == "LVS008"
    assert "U+00A0 NO-BREAK SPACE" in diagnostic.message
    assert diagnostic.piranha.endswith("unknown command")


def test_byte_order_mark_is_named():
    diagnostic = only(load_text("\ufeffserial_no = 1\n"))
    assert diagnostic.code == "LVS008" and "U+FEFF" in diagnostic.message


def test_keywords_are_case_sensitive():
    diagnostic = only(load_text("virtual web {\n     Port = 80\n}\n"))
    assert diagnostic.code == "LVS005"
    assert "`port`" in diagnostic.hint


def test_tab_separates_tokens():
    assert load_text("serial_no\t=\t7\n").config.serial_no == 7


def test_unicode_words_are_kept_as_written():
    assert virtual_of('virtual 网站 {\n     active = 1\n}\n').name == "网站"


def test_every_error_is_reported_not_only_the_first():
    result = load_text("bogus = 1\nserial_no = x\nport = 80\n")
    assert [(d.line, d.code) for d in errors(result)] == [(1, "LVS005"), (2, "LVS101"), (3, "LVS006")]
