"""The syntax layer: what is written in the file, line by line, with exact spans.

Every node records character offsets into the document's text, so nothing is
lost: the file is the text, and the nodes say what each line of it is.  The
typed model (:mod:`lvscf.model`) is built from these nodes and points back at
them, so that diagnostics can name the exact token.

A *word* is one of Piranha's tokens (lvs-cf-format.md §2.3): a run of non-blank
characters, or a quoted token.

Nodes are immutable named tuples: a large file makes one or more per line, and
named tuples cost least to create and to define (see benchmarks/).
"""

from __future__ import annotations

from typing import NamedTuple, Union

__all__ = [
    "Word",
    "Setting",
    "Comment",
    "BlankLine",
    "ErrorLine",
    "Block",
    "Node",
    "Document",
]


class Word(NamedTuple):
    """One token as written, quotes included."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def quote(self) -> str | None:
        """The quote character the token starts with, if any."""
        first = self.text[:1]
        return first if first in ('"', "'") else None

    @property
    def value(self) -> str:
        """The token as Piranha's tokenizer returns it: without its quotes."""
        return self.text[1:-1] if self.quote else self.text


class Setting(NamedTuple):
    """``key = value`` (or two values, or a ``dirs`` list)."""

    key: str
    start: int  # offset of the key
    equals: int  # offset of the "="
    value: Word  # the first value: the only one, except for address, nat_router and dirs
    more: tuple[Word, ...] = ()  # the other values of those three keys

    @property
    def values(self) -> tuple[Word, ...]:
        return (self.value, *self.more)

    @property
    def end(self) -> int:
        return (self.more[-1] if self.more else self.value).end

    @property
    def key_end(self) -> int:
        return self.start + len(self.key)

    @property
    def words(self) -> tuple[Word, ...]:
        return (Word(self.key, self.start), Word("=", self.equals), self.value, *self.more)


class Comment(NamedTuple):
    """A line whose first non-blank character is ``#``."""

    text: str  # from "#" to the end of the line
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class BlankLine(NamedTuple):
    start: int  # offset of the line end
    end: int


class ErrorLine(NamedTuple):
    """A line that is not a statement allowed where it stands.

    ``words`` are its tokens up to the first quoting error; ``bad_quote`` is the
    rest of the line from a quote Piranha's tokenizer rejects.
    """

    words: tuple[Word, ...]
    bad_quote: Word | None
    start: int
    end: int


class Block(NamedTuple):
    """``virtual NAME {``, ``failover NAME {`` or ``server NAME {`` ... ``}``.

    ``header`` holds the opening line's tokens.  When that line is malformed
    (``header_ok`` false) the block is still read, so its contents are checked
    in the right context.  ``close`` is None when the block is never closed: at
    the end of the file (``closed_at`` = end of text) or, when a new block opener
    shows that a ``}`` is missing, right before that line.
    """

    kind: str  # "virtual", "failover" or "server"
    header: ErrorLine
    header_ok: bool
    items: tuple[Node, ...]
    close: ErrorLine | None
    closed_at: int

    @property
    def keyword(self) -> Word | None:
        return self.header.words[0] if self.header.words else None

    @property
    def name(self) -> str:
        words = self.header.words
        return words[1].value if len(words) > 1 else ""

    @property
    def name_word(self) -> Word | None:
        words = self.header.words
        return words[1] if len(words) > 1 else None

    @property
    def start(self) -> int:
        return self.header.start

    @property
    def end(self) -> int:
        return self.close.end if self.close is not None else self.closed_at

    @property
    def close_ok(self) -> bool:
        return self.close is not None and len(self.close.words) == 1 and self.close.bad_quote is None


Node = Union[Setting, Comment, BlankLine, ErrorLine, Block]


class Document(NamedTuple):
    """A whole file.

    ``text`` is the file exactly as read.  ``parsed_end`` is where the part
    Piranha reads ends (the first NUL, or the end).  ``final_newline`` is False
    when the last line has no line end; Piranha's loader appends one.
    """

    text: str
    items: tuple[Node, ...]
    parsed_end: int
    final_newline: bool
    path: str | None = None

    def walk(self):
        """Every node, depth first, in file order."""
        stack = [iter(self.items)]
        while stack:
            for node in stack[-1]:
                yield node
                if isinstance(node, Block):
                    stack.append(iter(node.items))
                    break
            else:
                stack.pop()
