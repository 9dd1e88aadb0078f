"""Loading ``grammars/lvs.lark`` and the LALR parser built from it, once per process.

Building the parser takes Lark ~35 ms (it first compiles its own grammar of
grammars), a third of the time budget of a whole ``lvscf`` command.  So the
built parser's tables are shipped next to this module (``lvs.tables``, plain
data that Lark serialized) together with the SHA-256 of the grammar text and
the Lark version they came from.  At start-up the grammar file is read and
hashed; when both match, the tables are used (~1 ms), otherwise the parser is
built from the grammar as usual.  ``python -m lvscf.parse.grammar`` rewrites the
tables; tests/test_grammar.py fails while they are stale.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path

import lark
from lark import Lark

__all__ = ["grammar_text", "parser", "build_parser", "GRAMMAR_FILE", "TABLES_FILE", "tables_key", "write_tables"]

GRAMMAR_FILE = "lvs.lark"
TABLES_FILE = Path(__file__).with_name("lvs.tables")
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


def grammar_path() -> Path:
    """The grammar, in an installed wheel or in a source checkout.

    The wheel carries it as ``lvscf/grammars/lvs.lark`` (pyproject.toml
    force-includes the top-level ``grammars/`` folder there).  An editable
    install or a plain checkout imports ``lvscf`` from the repository, whose
    ``grammars/`` folder sits next to the package.
    """
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "grammars" / GRAMMAR_FILE, package.parent / "grammars" / GRAMMAR_FILE):
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"lvscf is installed without its grammar: no {GRAMMAR_FILE} in {package / 'grammars'} or "
                       f"{package.parent / 'grammars'}; reinstall lvscf")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def tables_key(text: str) -> str:
    """What the shipped tables must have been built from."""
    return hashlib.sha256(f"{lark.__version__}\0{text}".encode()).hexdigest()


def build_parser(**options) -> Lark:
    """A parser built from the grammar text (tree-building unless a transformer is given)."""
    # When the optional package interegular is importable, Lark spends ~300 ms proving
    # that no two terminals overlap.  That is a property of the grammar, not of the
    # input: tests/test_grammar.py checks it with strict=True, so it is skipped here.
    import lark.lexer as lark_lexer

    if options.get("strict"):
        return Lark(grammar_text(), **{**_OPTIONS, **options})
    had_interegular = getattr(lark_lexer, "has_interegular", False)
    lark_lexer.has_interegular = False
    try:
        return Lark(grammar_text(), **{**_OPTIONS, **options})
    finally:
        lark_lexer.has_interegular = had_interegular


def _from_tables(text: str, transformer) -> Lark | None:
    try:
        with open(TABLES_FILE, "rb") as handle:
            tables = pickle.load(handle)
        if tables.get("key") != tables_key(text):
            return None
        return Lark._load_from_dict(tables["data"], tables["memo"], transformer=transformer)
    except Exception:  # noqa: BLE001 - any problem with the shortcut means: build the parser
        return None


@functools.cache
def parser() -> Lark:
    """The parser, with the syntax-node callbacks bound (Lark's tree-less mode)."""
    from .transformer import NodeBuilder

    callbacks = NodeBuilder()
    text = grammar_text()
    built = _from_tables(text, callbacks) or build_parser(transformer=callbacks)
    callbacks.bind(built)
    return built


def write_tables(path: Path = TABLES_FILE) -> None:
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    text = grammar_text()
    data, memo = build_parser().memo_serialize([TerminalDef, Rule])
    payload = {"key": tables_key(text), "lark": lark.__version__, "data": data, "memo": memo}
    path.write_bytes(pickle.dumps(payload, protocol=4))
