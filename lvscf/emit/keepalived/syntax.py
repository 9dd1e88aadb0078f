"""keepalived.conf as a tree of directives, its writer, and a re-reader that proves the text means the tree.

keepalived's reader is hostile to generated text (targets.md §2.1): a 1023-byte
line limit that splits long lines, ``#``/``!`` comments anywhere outside double
quotes, ``$NAME`` substitution even inside quotes, ``@id`` / ``include`` / ``~SEQ``
line prefixes, and ``{``/``}`` that end a line wherever they appear.  There is
no escape mechanism worth relying on.  So lvscf never escapes: every value is
validated by type before it gets here (:mod:`.values`), and after writing,
:func:`reread` reads the text back the way keepalived does and the result must
be the tree we meant.  A mismatch is a bug in lvscf, never the user's problem,
and it is raised rather than written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = ["Directive", "Comment", "Blank", "Item", "write", "reread", "MAX_LINE", "SyntaxCheckError"]

#: keepalived reads lines into a 1024-byte buffer; we stay well clear of it.
MAX_LINE = 1000
INDENT = "    "


class Comment(NamedTuple):
    """A ``# text`` line.  The text must already be safe (:func:`.values.comment_text`)."""

    text: str


class Blank(NamedTuple):
    pass


class Directive(NamedTuple):
    """``keyword arg...`` or, with ``children`` (even an empty tuple), ``keyword arg... { ... }``.

    ``quoted`` marks the one argument written in double quotes (script-type
    values: keepalived re-splits the quoted string into argv).
    """

    keyword: str
    args: tuple[str, ...] = ()
    children: tuple[Item, ...] | None = None
    quoted: bool = False


Item = Directive | Comment | Blank


class SyntaxCheckError(AssertionError):
    """The written text would not read back as the tree (an lvscf bug, never user input)."""


def _line(d: Directive) -> str:
    args = list(d.args)
    if d.quoted:
        args[-1] = f'"{args[-1]}"'
    return " ".join([d.keyword, *args])


def _lines(items: Iterable[Item], depth: int) -> Iterator[str]:
    pad = INDENT * depth
    for item in items:
        if isinstance(item, Blank):
            yield ""
        elif isinstance(item, Comment):
            yield f"{pad}# {item.text}" if item.text else f"{pad}#"
        elif item.children is None:
            yield pad + _line(item)
        else:
            yield pad + _line(item) + " {"
            yield from _lines(item.children, depth + 1)
            yield pad + "}"


def write(items: Iterable[Item]) -> str:
    """The text of a tree; raises :class:`SyntaxCheckError` if it would not read back as the tree."""
    items = tuple(items)
    for words in _flatten(items):
        if any(not w for w in words):
            raise SyntaxCheckError(f"empty value in {words}")
    text = "\n".join(_lines(items, 0)) + "\n"
    got, want = reread(text), list(_flatten(items))
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        raise SyntaxCheckError(f"keepalived would read statement {first + 1} differently: "
                               f"{got[first:first + 1]} instead of {want[first:first + 1]}")
    return text


# -- reading it back like keepalived 2.2.7 ----------------------------------------------------


def _flatten(items: Iterable[Item]) -> Iterator[tuple[str, ...]]:
    for item in items:
        if isinstance(item, Directive):
            words = (item.keyword, *item.args)
            if item.children is None:
                yield words
            else:
                yield (*words, "{")
                yield from _flatten(item.children)
                yield ("}",)


def _decomment(line: str) -> str:
    """keepalived's comment removal: the first ``#``/``!`` outside double quotes ends the line."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch in "#!" and not quoted:
            return line[:i]
    if quoted:
        raise SyntaxCheckError(f"unterminated quote in {line!r}")
    return line


def _split_braces(line: str) -> Iterator[str]:
    """A ``{`` or ``}`` outside quotes ends the logical line; the rest is read as a new line."""
    quoted, start = False, 0
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch in "{}" and not quoted:
            yield line[start:i + 1]
            start = i + 1
    yield line[start:]


def _tokens(line: str) -> tuple[str, ...]:
    """keepalived's general tokenizer: blanks split; a token starting with ``"`` runs to the next ``"``."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] in " \t\v\f\r":
            i += 1
            continue
        if line[i] == '"':
            end = line.find('"', i + 1)
            out.append(line[i + 1:end])
            i = end + 1
            continue
        j = i
        while j < n and line[j] not in ' \t\v\f\r"':
            j += 1
        out.append(line[i:j])
        i = j
    # "{" and "}" end up as the last word of their logical line
    return tuple(out)


def reread(text: str) -> list[tuple[str, ...]]:
    """The statements keepalived reads from ``text`` (each a tuple of words; ``{``/``}`` are words).

    Raises :class:`SyntaxCheckError` for anything keepalived would treat
    specially: over-long lines, control characters, ``$``, and lines starting
    with ``@``, ``~`` or an ``include`` keyword.
    """
    out: list[tuple[str, ...]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if len(raw.encode()) > MAX_LINE:
            raise SyntaxCheckError(f"line {number} is {len(raw.encode())} bytes long (keepalived splits at 1023)")
        if any(ord(ch) < 0x20 and ch != "\t" or ord(ch) >= 0x7F for ch in raw):
            raise SyntaxCheckError(f"line {number} has a control or non-ASCII character")
        line = _decomment(raw.strip(" \t"))
        if "$" in line:
            raise SyntaxCheckError(f"line {number} has a '$' (keepalived substitutes parameters)")
        for part in _split_braces(line):
            part = part.strip(" \t")
            if not part:
                continue
            if part[0] in "@~" or part.split()[0].startswith("include"):
                raise SyntaxCheckError(f"line {number} starts with {part.split()[0]!r}")
            words = _tokens(part[:-1]) + (part[-1],) if part[-1] in "{}" else _tokens(part)
            out.append(words)
    return out
