"""Running the parser over a whole file, recovering at every bad line.

Piranha stops at the first error; lvscf reads on so that one run reports every
problem.  Each statement is one token spanning its line, so a parse error can
only happen where a line starts (or at the end of the file).  Recovery is then
yacc-style but needs no stack unwinding:

* a block opener that belongs further out (``virtual`` inside a block,
  ``server`` inside a server) means a ``}`` is missing: the open blocks are
  closed with zero-width ``CLOSE`` tokens and the line is read again;
* otherwise one of the grammar's declared markers is fed (``BADCLOSE`` for
  ``} junk``, and for a line of a virtual block that starts with a bad quote,
  which Piranha takes as the block's end; ``BADHEAD`` for a malformed opener,
  which still opens the block; else ``ERRLINE``) and the lexer reads the rest
  of the line again, as one ``REST`` token;
* at the end of the file, blocks still open are closed with zero-width tokens.

What Piranha itself would say about each such line is decided later, from the
nodes, by :mod:`lvscf.parse.syntax_errors`.
"""

from __future__ import annotations

import re

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from ..keywords import BLOCK_KEYWORDS, Context
from .transformer import nearest_block_keyword

__all__ = ["parse_items"]

_WORDS = re.compile(r"[^ \t\r\n]+")
_LINE_END = re.compile(r"[\r\n]")
# How close a misspelt block keyword must be (difflib ratio) to be read as one.
_TYPO_CUTOFF = 0.75


def parse_items(lark: Lark, text: str, eof: int) -> list:
    """Parse ``text`` (which must end with a line end) into top-level nodes.

    ``eof`` is the offset where the file itself ends (``text`` may have one line
    end more); blocks left open are closed there.
    """
    interactive = lark.parse_interactive(text)
    value = re.compile(lark.get_terminal("VALUE").pattern.to_regexp())
    while True:
        try:
            return interactive.resume_parse()
        except UnexpectedToken as error:
            interactive = error.interactive_parser
            if error.token.type == "$END":
                _close_blocks(interactive, eof, until="$END")
                continue
            _recover(interactive, text, error.token.start_pos, value)
        except UnexpectedCharacters as error:
            interactive = error.interactive_parser
            _recover(interactive, text, error.pos_in_stream, value)


def _accepts(interactive) -> dict:
    state = interactive.parser_state
    return state.parse_conf.states[state.position]


def _feed(interactive, kind: str, pos: int) -> None:
    interactive.feed_token(Token(kind, "", pos, 0, 0, 0, 0, pos))


def _close_blocks(interactive, pos: int, until: str) -> bool:
    """Feed zero-width ``CLOSE`` tokens until ``until`` is acceptable."""
    closed = False
    while until not in _accepts(interactive):
        if "CLOSE" not in _accepts(interactive):
            raise AssertionError(f"cannot recover: neither {until} nor a block end fits here")
        _feed(interactive, "CLOSE", pos)
        closed = True
    return closed


def _context(accepts: dict) -> Context:
    if "BLOCK_OPEN" in accepts:
        return Context.TOP
    if "SERVER_OPEN" in accepts:
        return Context.SERVICE
    return Context.SERVER


def _recover(interactive, text: str, pos: int, value: re.Pattern[str]) -> None:
    end = _LINE_END.search(text, pos)
    words = _first_and_last_words(text, pos, end.start() if end else len(text))
    first = words[0] if words else ""
    accepts = _accepts(interactive)
    context = _context(accepts)

    if context is not Context.TOP and first in ("virtual", "failover"):
        reopened = _close_blocks(interactive, pos, until="BLOCK_OPEN")
    elif context is Context.SERVER and first == "server":
        reopened = _close_blocks(interactive, pos, until="SERVER_OPEN")
    else:
        reopened = False
    if not reopened:
        if first in ("}", '"}"', "'}'") and "BADCLOSE" in accepts:
            marker = "BADCLOSE"
        elif context is Context.SERVICE and _bad_quote_first(text, pos, value) and not _first_in_block(interactive):
            # lvsconfig.c ignores a quoting error on these lines and keeps the words before the
            # bad one: none here, so argv[0] is NULL and the block loop ends as at `}`.
            marker = "BADCLOSE"
        elif _is_block_opener(words, context):
            marker = "BADHEAD"
        else:
            marker = "ERRLINE"
        _feed(interactive, marker, pos)
    interactive.lexer_thread.state.line_ctr.char_pos = pos


def _first_and_last_words(text: str, start: int, end: int) -> list[str]:
    """The first and the last word of ``text[start:end]`` (one if it has one, none if none):
    all the recovery needs, without splitting a line of any length into all its words."""
    first = _WORDS.search(text, start, end)
    if first is None:
        return []
    while end > first.end() and text[end - 1] in " \t":
        end -= 1
    if end <= first.end():
        return [first.group()]
    last = max(text.rfind(" ", first.end(), end), text.rfind("\t", first.end(), end)) + 1
    return [first.group(), text[last:end]]


def _bad_quote_first(text: str, pos: int, value: re.Pattern[str]) -> bool:
    """The line's first token is a quote Piranha's tokenizer rejects.

    A lone quote at the end of the line is not: Piranha's tokenizer makes a
    (garbage) token of it instead of failing (undefined behaviour in C).
    """
    if text[pos] not in "\"'" or value.match(text, pos):
        return False
    return text[pos + 1] not in "\r\n"


# What may stand between a block's opening line and the current line when that line is the
# block's first: comment and blank lines, and the rest of a malformed opening line.
_BEFORE_FIRST = frozenset({"COMMENT", "EOL", "REST"})
_OPENERS = frozenset({"BLOCK_OPEN", "BADHEAD"})


def _first_in_block(interactive) -> bool:
    """No statement line of the open block precedes the current line (comments and blank
    lines do not count): Piranha checks the tokenizer's result on that line only.

    Reads the parser's value stack: the opening token, then the block's items so far (LALR
    keeps them in one tree, the star rule's), then at most one item not yet reduced.
    The walk stops at the first statement, so a block's lines are walked at most once
    for every time its first statement is looked for.
    """
    for item in reversed(interactive.parser_state.value_stack):
        if isinstance(item, Token):
            if item.type in _OPENERS:
                return True
            if item.type not in _BEFORE_FIRST:
                return False
        elif isinstance(item, Tree):
            for child in reversed(item.children):
                if not (isinstance(child, Token) and child.type in _BEFORE_FIRST):
                    return False
        else:
            return False  # a server block or an error line
    return False  # pragma: no cover - the value stack of a block body holds its opener


def _is_block_opener(words: list[str], context: Context) -> bool:
    """A malformed ``virtual``/``failover``/``server`` line, or one with a misspelt keyword."""
    keywords = BLOCK_KEYWORDS[context]
    if not words or not keywords:
        return False
    if words[0] in keywords:
        return True
    if words[-1] != "{" or len(words) < 2:
        return False
    import difflib  # only for lines that are already wrong

    guess = nearest_block_keyword(words[0], context)
    return difflib.SequenceMatcher(None, words[0].lower(), guess).ratio() >= _TYPO_CUTOFF
