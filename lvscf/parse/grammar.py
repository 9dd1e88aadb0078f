"""Loading ``grammars/lvs.lark`` and building the LALR parser, once per process."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

from lark import Lark

__all__ = ["grammar_text", "parser", "GRAMMAR_FILE"]

GRAMMAR_FILE = "lvs.lark"


def grammar_text() -> str:
    """The grammar, from an installed wheel or from a source checkout.

    The wheel carries it as ``lvscf/grammars/lvs.lark`` (pyproject.toml
    force-includes the top-level ``grammars/`` folder there).  An editable
    install or a plain checkout imports ``lvscf`` from the repository, whose
    ``grammars/`` folder sits next to the package.
    """
    packaged = importlib.resources.files("lvscf").joinpath("grammars").joinpath(GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    in_checkout = Path(__file__).resolve().parents[2] / "grammars" / GRAMMAR_FILE
    if in_checkout.is_file():
        return in_checkout.read_text(encoding="utf-8")
    raise RuntimeError(
        f"lvscf is installed without its grammar: neither {packaged} nor {in_checkout} exists; reinstall lvscf"
    )


@functools.cache
def parser() -> Lark:
    """The parser, with the syntax-node callbacks bound (Lark's tree-less mode)."""
    from .transformer import NodeBuilder

    callbacks = NodeBuilder()
    lark = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        transformer=callbacks,
        maybe_placeholders=False,
    )
    callbacks.bind(lark)
    return lark


def build_parser(**options) -> Lark:
    """A fresh tree-building parser, for tests and for the raw-Lark benchmark."""
    return Lark(grammar_text(), parser="lalr", lexer="contextual", **options)
