"""Lark callbacks that turn statement tokens into syntax nodes (:mod:`.nodes`).

Lark calls these while it parses (tree-less mode), once per block and per
error line; the statement tokens inside a block arrive as plain tokens and are
converted here.  Splitting a statement, or the ``REST`` of a line that is none,
into its words uses the grammar's own ``VALUE`` and ``BADQUOTE`` terminals, so
the lexical rules exist in one place only.
"""

from __future__ import annotations

import re
import sys

from lark import Lark, Token

from ..keywords import BLOCK_KEYWORDS, Context
from .nodes import KEPT_WORDS, BlankLine, Block, Comment, ErrorLine, Setting, Word

__all__ = ["NodeBuilder"]

_BLANKS = " \t"
# A statement token starts with `key = ` (the grammar guarantees it).
_SETTING_HEAD = re.compile(r"([^ \t]+)[ \t]+(=)[ \t]*")
# Keys and short values repeat on almost every line of a file: share one string
# object per distinct text instead of keeping a copy per line (less memory, and
# a large file's working set stays smaller; see benchmarks/).
_SHARED = sys.intern
_SHORT = 24
_RUN = re.compile(r"[^ \t]+")
# Statements whose value part holds more than one word.
_MULTI_VALUE = frozenset({"NAT_ROUTER_SETTING", "ADDRESS_SETTING"})
_SETTINGS = frozenset(
    {"GLOBAL_SETTING", "VIRTUAL_SETTING", "SERVER_SETTING", "NAT_ROUTER_SETTING", "ADDRESS_SETTING", "DIRS_SETTING"}
)
_MARKERS = frozenset({"ERRLINE", "BADHEAD", "BADCLOSE"})


def nearest_block_keyword(word: str, context: Context) -> str:
    """The block keyword a malformed opener most likely meant."""
    import difflib  # only for malformed block openers

    choices = BLOCK_KEYWORDS[context]
    lowered = word.lower()
    if lowered in choices:
        return lowered
    match = difflib.get_close_matches(lowered, choices, n=1, cutoff=0.0)
    return match[0] if match else choices[0]


class NodeBuilder:
    """The callbacks; :meth:`bind` gives them the compiled grammar."""

    def __init__(self) -> None:
        self._value: re.Pattern[str] | None = None
        self._token: re.Pattern[str] | None = None

    def bind(self, lark: Lark) -> None:
        value = lark.get_terminal("VALUE").pattern.to_regexp()
        bad_quote = lark.get_terminal("BADQUOTE").pattern.to_regexp()
        self._value = re.compile(value)
        # The next token after blanks: a word or, where no word can start, a bad quote
        # (the lexer's priorities, VALUE before BADQUOTE).
        self._token = re.compile(f"[ \t]*(?:({value})|({bad_quote}))")

    # -- words -------------------------------------------------------------

    def _split(self, text: str, pos: int, end: int, base: int) -> list[Word]:
        """Piranha's tokens in ``text[pos:end]`` (``text`` continues with the line end)."""
        match = self._value.match  # type: ignore[union-attr]
        words = []
        while True:
            while pos < end and text[pos] in _BLANKS:
                pos += 1
            if pos >= end:
                return words
            m = match(text, pos)
            words.append(Word(m.group(), base + pos))
            pos = m.end()

    def _scan(self, text: str, pos: int, end: int, base: int) -> ErrorLine:
        """Piranha's tokens in ``text[pos:end]`` (``text`` continues with the line end), the
        first KEPT_WORDS of them as words: the line as an error line at offset ``base``."""
        match = self._token.match  # type: ignore[union-attr]
        words: list[Word] = []
        dropped = 0
        last = bad_quote = None
        token_end = pos
        while pos < end:
            m = match(text, pos)
            if m is None:
                break  # blanks only
            if m.start(2) >= 0:
                bad_quote = Word(m.group(2), base + m.start(2))
                token_end = m.end(2)
                break
            if len(words) < KEPT_WORDS:
                words.append(Word(m.group(1), base + m.start(1)))
            else:
                dropped += 1
                last = m
            pos = token_end = m.end()
        last_word = Word(last.group(1), base + last.start(1)) if last is not None else None
        return ErrorLine(tuple(words), bad_quote, base, base + token_end, dropped, last_word)

    def _line(self, token: Token) -> ErrorLine:
        """A whole statement line as a sequence of words."""
        text = token.value
        end = _content_end(text)
        start = token.start_pos
        if "'" not in text and '"' not in text:
            # No quoted word: words are the runs of non-blanks (the common block opener or `}`).
            words = tuple(Word(m.group(), start + m.start()) for m in _RUN.finditer(text, 0, end))
        else:
            words = tuple(self._split(text, 0, end, start))
        return ErrorLine(words, None, start, start + end)

    def _setting(self, token: Token) -> Setting:
        text = token.value
        base = token.start_pos
        head = _SETTING_HEAD.match(text)
        pos = head.end()
        end = _content_end(text)
        key = _SHARED(head.group(1))
        if token.type == "DIRS_SETTING":
            # The grammar leaves the list to this check (see DIRS_SETTING).  A line of more
            # words than the nodes keep is an error line too: Piranha drops the words after
            # its 99th.
            line = self._scan(text, 0, end, base)
            values = [w.value for w in line.words[2:]]
            if line.dropped or line.bad_quote is not None or values[:1] != ["["] or "]" not in values[1:]:
                return line
            return Setting(key, base, base + head.start(2), line.words[2], line.words[3:])
        if token.type in _MULTI_VALUE:
            first, *more = self._split(text, pos, end, base)
            return Setting(key, base, base + head.start(2), first, tuple(more))
        value = text[pos:end]
        return Setting(key, base, base + head.start(2), Word(_SHARED(value) if len(value) < _SHORT else value,
                                                              base + pos))

    def _loose(self, marker: Token, tokens: list[Token]) -> ErrorLine:
        """The words of the line after a recovery marker: its REST token, if any."""
        if not tokens:
            return ErrorLine((), None, marker.start_pos, marker.start_pos)
        rest = tokens[0]
        # VALUE's last-word pattern looks ahead for the line end, which REST leaves out.
        line = self._scan(rest.value + "\n", 0, len(rest.value), rest.start_pos)
        return line._replace(start=marker.start_pos)

    # -- lines -------------------------------------------------------------

    def _items(self, children: list) -> list:
        items = []
        for child in children:
            if not isinstance(child, Token):
                items.append(child)  # a Block or an ErrorLine built by its own callback
                continue
            kind = child.type
            if kind in _SETTINGS:
                items.append(self._setting(child))  # an ErrorLine for a `dirs` line with no list or too many words
            elif kind == "COMMENT":
                text = child.value
                items.append(Comment(text[: _content_end(text)], child.start_pos))
            elif kind == "EOL":
                items.append(BlankLine(child.start_pos, child.end_pos))
            else:  # pragma: no cover - the grammar allows nothing else here
                raise AssertionError(f"unexpected token {kind} in a block body")
        return items

    def _block(self, children: list, context: Context) -> Block:
        # Opener: one token, or BADHEAD + REST + EOL.
        first = children[0]
        if first.type == "BADHEAD":
            i = 1
            while not (isinstance(children[i], Token) and children[i].type == "EOL"):
                i += 1
            bad_opener = self._loose(first, children[1:i])
            body_start = i + 1
            words = bad_opener.words
            kind = nearest_block_keyword(words[0].value if words else "", context)
            name = words[1].value if len(words) > 1 else ""
            start, opener = bad_opener.start, ""
        else:
            bad_opener = None
            body_start = 1
            text = first.value
            opener = text[: _content_end(text)]
            start = first.start_pos
            kind, name = _opener_kind_and_name(opener)
        # Close: CLOSE, a zero-width CLOSE fed by the recovery, or BADCLOSE + REST + EOL.
        last = children[-1]
        bad_close = None
        if isinstance(last, Token) and last.type == "CLOSE":
            body_end = len(children) - 1
            closed = bool(last.value)
            closed_at = last.start_pos + last.value.index("}") if closed else last.start_pos
        else:
            j = len(children) - 2
            while not (isinstance(children[j], Token) and children[j].type == "BADCLOSE"):
                j -= 1
            body_end = j
            bad_close = self._loose(children[j], children[j + 1 : -1])
            closed, closed_at = True, bad_close.start
        items = self._items(children[body_start:body_end])
        return Block(_SHARED(kind), name, start, opener, bad_opener, tuple(items), closed, closed_at, bad_close)

    # -- Lark callbacks (named after the grammar's rules) -----------------------

    def start(self, children: list) -> list:
        return self._items(children)

    def block(self, children: list) -> Block:
        return self._block(children, Context.TOP)

    def server(self, children: list) -> Block:
        return self._block(children, Context.SERVICE)

    def error_line(self, children: list) -> ErrorLine:
        return self._loose(children[0], children[1:])


def split_words(line: str, start: int) -> list[Word]:
    """The words of a statement line (its text without the line end) at offset ``start``."""
    from .grammar import parser

    builder: NodeBuilder = parser().options.transformer
    return builder._split(line + "\n", 0, len(line), start)


def _opener_kind_and_name(opener: str) -> tuple[str, str]:
    """``virtual NAME {`` -> ("virtual", NAME as Piranha reads it)."""
    if '"' in opener or "'" in opener:
        words = split_words(opener, 0)
        return words[0].value, words[1].value
    kind, name, _brace = _RUN.findall(opener)
    return kind, name


def _content_end(text: str) -> int:
    """Length of a statement token's text without its line end and trailing blanks.

    A statement token is one line: its text, blanks, one line end, and the next
    line's indentation (see grammars/lvs.lark)."""
    return len(text.rstrip(_BLANKS).rstrip("\r\n").rstrip(_BLANKS))
