"""The grammar itself: it builds strictly, keeps its contexts apart, and agrees with the keyword table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lvscf.keywords import Context, keywords_in
from lvscf.parse.grammar import build_parser, grammar_text, parser

# The statements each context accepts (grammars/lvs.lark).
STATEMENTS = {
    Context.TOP: {"GLOBAL_SETTING", "NAT_ROUTER_SETTING", "BLOCK_OPEN"},
    Context.SERVICE: {"VIRTUAL_SETTING", "ADDRESS_SETTING", "DIRS_SETTING", "SERVER_OPEN"},
    Context.SERVER: {"SERVER_SETTING"},
}


def test_grammar_builds_in_strict_mode():
    import interegular  # noqa: F401 - strict mode needs it; a missing test extra must fail, not skip

    build_parser(strict=True)


def test_the_parser_is_built_once():
    assert parser() is parser()


def test_no_parser_state_mixes_statements_of_two_contexts():
    # The contextual lexer tries every terminal a state accepts.  If LALR merged states of
    # different blocks, `active = 1` could be read as a virtual's setting inside a server.
    table = parser().parser.parser._parse_table.states
    for state, actions in table.items():
        contexts = {ctx for ctx, names in STATEMENTS.items() if names & set(actions)}
        assert len(contexts) <= 1, (state, sorted(actions))


def _alternatives(name: str) -> set[str]:
    body = re.search(rf"^{name}:(.*?)(?=^\S)", grammar_text(), re.S | re.M).group(1)
    return set(re.findall(r'"([a-z_]+)"', body))


@pytest.mark.parametrize("terminal, context, extra", [
    ("_GLOBAL_KEY", Context.TOP, {"nat_router", "virtual", "failover"}),
    ("_VIRTUAL_KEY", Context.SERVICE, {"address", "dirs", "server"}),
    ("_SERVER_KEY", Context.SERVER, set()),
])
def test_grammar_keywords_match_the_keyword_table(terminal, context, extra):
    assert _alternatives(terminal) | extra == set(keywords_in(context))


def test_grammar_is_read_from_the_top_level_grammars_folder_in_a_checkout():
    repo = Path(__file__).resolve().parents[1]
    assert grammar_text() == (repo / "grammars" / "lvs.lark").read_text(encoding="utf-8")


def test_blank_separated_tokens_only():
    # Every separator in the grammar is space or TAB: no \s, which would match U+00A0 or form feed.
    body = grammar_text()
    code = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("//"))
    assert "\\s" not in code and "\\S" not in code


def test_shipped_parser_tables_are_current():
    import pickle

    from lvscf.parse.grammar import TABLES_FILE, tables_key

    tables = pickle.loads(TABLES_FILE.read_bytes())
    stale = "run `python scripts/write_parser_tables.py` after changing grammars/lvs.lark"
    assert tables["key"] == tables_key(grammar_text()), stale


def test_parser_from_tables_parses_like_a_freshly_built_one():
    from lvscf.parse.grammar import _from_tables
    from lvscf.parse.transformer import NodeBuilder

    from conftest import corpus_files
    from lvscf.parse.recovery import parse_items

    built = build_parser(transformer=NodeBuilder())
    built.options.transformer.bind(built)
    loaded = _from_tables(grammar_text(), NodeBuilder())
    assert loaded is not None
    loaded.options.transformer.bind(loaded)
    for path in corpus_files():
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        text = text if text.endswith("\n") or not text else text + "\n"
        if text:
            assert parse_items(loaded, text, len(text)) == parse_items(built, text, len(text))
