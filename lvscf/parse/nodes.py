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
    "KEPT_WORDS",
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


#: How many words of a line the nodes keep: one more than Piranha's 99 (lvscf.parse.piranha),
#: so that the first word Piranha drops can be named.  A line may hold millions of words;
#: keeping them all would cost memory without telling anything more.
KEPT_WORDS = 100


class ErrorLine(NamedTuple):
    """A line that is not a statement allowed where it stands.

    ``words`` are its tokens up to the first quoting error, at most
    :data:`KEPT_WORDS` of them: ``dropped`` says how many more there are, and
    ``last`` is then the last one.  ``bad_quote`` is the rest of the line from a
    quote Piranha's tokenizer rejects.
    """

    words: tuple[Word, ...]
    bad_quote: Word | None
    start: int
    end: int
    dropped: int = 0
    last: Word | None = None

    @property
    def word_count(self) -> int:
        return len(self.words) + self.dropped

    @property
    def final_word(self) -> Word | None:
        """The line's last word (before a bad quote)."""
        return self.last if self.last is not None else self.words[-1] if self.words else None


class Block(NamedTuple):
    """``virtual NAME {``, ``failover NAME {`` or ``server NAME {`` ... ``}``.

    The opening line is kept as text (its words are made when asked for: a
    large file has tens of thousands of blocks).  When that line is malformed
    (``header_ok`` false) the block is still read, so its contents are checked
    in the right context.  A block is not ``closed`` when the file ends inside
    it (``closed_at`` = end of text) or when a new block opener shows that a
    ``}`` is missing (``closed_at`` = that line).
    """

    kind: str  # "virtual", "failover" or "server"
    name: str  # as Piranha reads it (quotes removed); "" when the opener has none
    start: int  # offset of the opening line's first word
    opener: str  # the opening line's text, without its line end
    bad_opener: ErrorLine | None  # the opening line's words, when it is malformed
    items: tuple[Node, ...]
    closed: bool
    closed_at: int  # offset of the closing "}" (or where the block was closed implicitly)
    bad_close: ErrorLine | None = None  # the closing line's words, when it is "}" followed by more

    @property
    def header(self) -> ErrorLine:
        if self.bad_opener is not None:
            return self.bad_opener
        from .transformer import split_words

        return ErrorLine(tuple(split_words(self.opener, self.start)), None, self.start,
                         self.start + len(self.opener))

    @property
    def header_ok(self) -> bool:
        return self.bad_opener is None

    @property
    def close(self) -> ErrorLine | None:
        if not self.closed:
            return None
        if self.bad_close is not None:
            return self.bad_close
        return ErrorLine((Word("}", self.closed_at),), None, self.closed_at, self.closed_at + 1)

    @property
    def close_ok(self) -> bool:
        return self.closed and self.bad_close is None

    @property
    def keyword(self) -> Word | None:
        words = self.header.words
        return words[0] if words else None

    @property
    def name_word(self) -> Word | None:
        words = self.header.words
        return words[1] if len(words) > 1 else None

    @property
    def end(self) -> int:
        if not self.closed:
            return self.closed_at
        return self.bad_close.end if self.bad_close is not None else self.closed_at + 1


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
