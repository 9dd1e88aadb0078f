"""``--fix``: mechanical repairs of lines that Piranha rejects, each tied to its diagnostic.

The published lvs.cf files fail for a handful of typing accidents: a ``#``
comment after a statement, DOS line ends, a byte-order mark, no-break spaces
copied from a web page, ``key=value`` without blanks.  :func:`fix` repairs
exactly those, and nothing else:

* **only lines Piranha rejects are touched** (an error-level syntax diagnostic
  on the line: pulse refuses the whole file there), and a repair is kept only
  if Piranha accepts the repaired line where it stands.  Every other line stays
  byte for byte, so what Piranha reads of the rest of the file is unchanged;
* a repair never guesses: ``port = 80 # http`` becomes the comment line
  ``# http`` (same indentation) above ``port = 80``, because ``port = 80`` is a
  complete statement; ``port = # 80`` is left alone.  Comments are never dropped;
* the result is checked by reading it again: a repaired line that still has a
  syntax error, or a repair that makes a new syntax error appear on another
  line (a ``}`` that now closes a block early), is undone.

The repairs, and the diagnostics they resolve:

=====================  ===========================================================
LVS002 crlf-line-ends  CRLF line ends become LF.  Piranha reads a CRLF file as its
                       first line only ("almost empty"); after the fix it reads
                       every line, exactly as lvscf already showed them.  This is
                       the one fix that makes Piranha read *more*: from broken to
                       what the lines say.  Not applied when a lone CR (not part
                       of CRLF) is in the file: whether it was a line end is a guess.
LVS003 cr-line-ends    CR line ends become LF (Piranha reads both the same way).
(BOM)                  A UTF-8 byte-order mark at the start of the file is removed
                       (Piranha reads it as part of the first word); the fix
                       resolves the diagnostic line 1 has at column 1.
LVS008 non-ascii-blank No-break spaces and the other visible Unicode blanks
                       (U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000) used as
                       separators or indentation become spaces.  When the line
                       also has such blanks inside a quoted value, replacing them
                       changes the value: that fix is *unsafe* (only with
                       ``unsafe=True``).  Zero-width characters are left alone.
                       The same repair resolves what a no-break space causes on
                       its line: LVS007, LVS010, LVS011, LVS014, and LVS005
                       (``virtual<U+00A0>name {`` read as a block of another syntax).
LVS007 equals-...      ``key=value``, ``key= value``, ``key =value`` get a blank on
                       each side of the ``=`` when ``key`` is a keyword (not for
                       ``key==value``).
LVS012 trailing-...    The comment moves to a line of its own above, with the
                       statement's indentation; also after a quoted value
                       (reported as LVS013), after ``{`` and after ``}``.
LVS013 bad-quoting     Blanks after a closing quote that ends the line are removed.
=====================  ===========================================================

Every fix is *safe* (keeps the evident meaning) unless said otherwise.  The
input may be text, bytes (decoded losslessly) or a :class:`lvscf.LoadResult`.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..diagnostics import Code, Diagnostic, Severity
from ..keywords import BLOCK_KEYWORDS, Context, lookup
from ..parse import ParseResult, parse
from ..parse import codes as parse_codes
from ..parse.nodes import Block, ErrorLine, Setting, Word
from ..parse.piranha import judge_line
from ..parse.syntax_errors import block_context
from ..source import Source, decode

if TYPE_CHECKING:
    from ..api import LoadResult
    from ..validate.selection import Selection

__all__ = ["fix", "Fix", "FixResult", "Applicability", "FIXABLE"]


class Applicability(enum.Enum):
    """As in ruff: safe fixes keep the evident meaning; unsafe ones may change a value."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


class Fix(NamedTuple):
    """One repair: the diagnostic it resolves (code, name, line in the input) and what it does."""

    code: str
    name: str
    line: int
    message: str
    applicability: Applicability = Applicability.SAFE


class FixResult(NamedTuple):
    """The repaired text and the repairs.

    ``applied`` are the fixes made; ``skipped`` the unsafe fixes that were
    available but not made (``unsafe=False``); ``remaining`` the syntax
    diagnostics of the input that are still there (positions in the input).
    """

    text: str
    applied: tuple[Fix, ...]
    skipped: tuple[Fix, ...]
    remaining: tuple[Diagnostic, ...]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


_SYNTAX = {c.code: c for c in parse_codes.ALL}
#: Codes a line may be reported with when one of the line repairs can resolve it.
_LINE_CODES = frozenset({"LVS005", "LVS007", "LVS008", "LVS010", "LVS011", "LVS012", "LVS013", "LVS014",
                         "LVS015"})
#: Warnings that are still repaired: words after a closing `}` (Piranha ignores them, so the
#: line is accepted, but a comment there is surely meant as a comment line).
_REPAIRED_WARNINGS = frozenset({"LVS015"})
#: Codes judging one line by itself: a repaired line must have none of them afterwards.
_VERDICT_CODES = frozenset(c.code for c in parse_codes.ALL) - {"LVS001", "LVS002", "LVS003", "LVS004",
                                                                "LVS017", "LVS018"}
#: Every code a fix can resolve (the last five only where a no-break space causes them).
FIXABLE: tuple[Code, ...] = tuple(_SYNTAX[c] for c in (
    "LVS002", "LVS003", "LVS007", "LVS008", "LVS012", "LVS013", "LVS015", "LVS005", "LVS010", "LVS011",
    "LVS014"))

# Visible blanks that are not ASCII: what a copy from a web page or a word processor leaves.
# U+1680 OGHAM SPACE MARK is a Zs character too, but it is drawn as a dash.
_UNICODE_BLANKS = frozenset("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                            "\u202f\u205f\u3000")
_BLANKS = " \t"
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_BOM = "\ufeff"
_BLOCK_WORDS = frozenset({"virtual", "failover", "server", "}"})


def fix(data: str | bytes | LoadResult, *, unsafe: bool = False,
        selection: Selection | None = None) -> FixResult:
    """Repair the mechanical errors of one file (see the module docstring).

    ``unsafe`` also makes the unsafe fixes.  ``selection`` (a
    :class:`lvscf.validate.Selection`) limits the fixes to the diagnostics it
    enables, as ``lvscf check --select/--ignore`` does.  Pure: nothing is written.
    """
    original = _parse_input(data)
    enabled = (lambda d: True) if selection is None else (lambda d: selection.enabled(d.code, d.name))
    text0 = original.document.text
    text, text_fixes = _text_level(original, enabled)
    first = original if text == text0 else parse(text, original.source.path)
    # Only the part Piranha reads is repaired: what follows a NUL byte stays as it is.
    nul = Source(text).nul_offset
    readable, tail = (text, "") if nul is None else (text[:nul], text[nul:])
    lines = [_Line(m.group(1), m.group(2)) for m in _LINE.finditer(readable) if m.start() < len(readable)]
    engine = _Engine(lines, tail, first, enabled, unsafe)
    engine.run()
    applied = tuple(sorted(text_fixes + engine.fixes(), key=lambda f: f.line))
    bom_removed = text0.startswith(_BOM) and not text.startswith(_BOM)
    return FixResult(engine.render()[0], applied, tuple(engine.skipped_fixes()),
                     tuple(_remaining(original, engine, bom_removed)))


# -- whole-text repairs -----------------------------------------------------------


def _parse_input(data) -> ParseResult:
    from ..api import LoadResult

    if isinstance(data, LoadResult):
        return ParseResult(data.document, data.source,
                           tuple(d for d in data.diagnostics if d.code in _SYNTAX))
    if isinstance(data, (bytes, bytearray)):
        data = decode(bytes(data))
    if not isinstance(data, str):
        from ..errors import ArgumentError

        raise ArgumentError(f"fix() takes str, bytes or a LoadResult, not {type(data).__name__}")
    return parse(data)


def _text_level(parsed: ParseResult, enabled) -> tuple[str, list[Fix]]:
    text = parsed.document.text
    fixes: list[Fix] = []
    if text.startswith(_BOM) and len(text) > 1:
        at_start = [d for d in parsed.diagnostics if d.start == 0]
        code = _SYNTAX[at_start[0].code] if at_start else parse_codes.NON_ASCII_BLANK
        if not at_start or enabled(at_start[0]):
            text = text[1:]
            fixes.append(Fix(code.code, code.name, 1, "removed the UTF-8 byte-order mark (U+FEFF) at the start "
                                                       "of the file"))
    nul = text.find("\0")
    readable, tail = (text, "") if nul < 0 else (text[:nul], text[nul:])
    for d in parsed.diagnostics:
        if d.code == "LVS002" and enabled(d):
            crlf = readable.count("\r\n")
            if crlf and crlf == readable.count("\r"):
                text = readable.replace("\r\n", "\n") + tail
                before = "as its first line only" if readable.count("\n") == crlf else "with lines glued together"
                fixes.append(Fix(d.code, d.name, d.line, f"{crlf} CRLF line end(s) made LF: Piranha read this file "
                                                         f"{before}, it now reads every line as written"))
        elif d.code == "LVS003" and enabled(d):
            count = readable.count("\r")
            text = readable.replace("\r", "\n") + tail
            fixes.append(Fix(d.code, d.name, d.line, f"{count} CR line end(s) made LF (Piranha reads the same "
                                                     f"lines; other tools now do too)"))
    return text, fixes


# -- line repairs -----------------------------------------------------------------


class _Line(NamedTuple):
    content: str  # without the line end
    end: str  # "\n", "\r\n", "\r" or "" (the last line of a file without a final line end)


class _LineFix(NamedTuple):
    statement: str  # the repaired line, without its line end
    comment: str | None  # a comment line to put above it (with its indentation)
    steps: tuple[str, ...]  # what was done, for the message
    applicability: Applicability

    @property
    def structural(self) -> bool:
        """Opens or closes a block: what follows it may be read in another block."""
        words, _bad = tokens(self.statement)
        return bool(words) and words[0].value in _BLOCK_WORDS


class _Engine:
    """The line repairs, applied in passes and verified by reading the result again.

    A repair is judged in the block the line stands in; a repaired block opener
    puts the lines below it into that block, so their repairs are found in the
    next pass (a file where every opener is broken needs about one pass per
    server block of its longest virtual block).
    """

    def __init__(self, lines: list[_Line], tail: str, first: ParseResult, enabled, unsafe: bool) -> None:
        self.lines = lines
        self.tail = tail
        self.enabled = enabled
        self.unsafe = unsafe
        self.path = first.source.path
        self.applied: dict[int, _LineFix] = {}  # 0-based index in lines -> repair
        self.reported: dict[int, Diagnostic] = {}  # the diagnostic each repair resolves
        self.skipped: dict[int, tuple[_LineFix, Diagnostic]] = {}
        self.context: dict[int, Context] = {}  # the block each repair was judged in
        # Repairs undone, by line and block: a line can be judged again once it stands in
        # another block (a repaired opener above it may put it there).
        self.blocked: set[tuple[int, Context]] = set()
        self.first = first
        self.baseline = {(d.code, d.line) for d in first.diagnostics}

    def run(self) -> None:
        parsed, origins = self.first, self.render()[1]
        while True:
            if not self._propose(parsed, origins):
                undo = self._verify(parsed, origins)
                if not undo:
                    self.final = parsed
                    return
                for index in undo:
                    self.blocked.add((index, self.context.pop(index)))
                    del self.applied[index], self.reported[index]
            text, origins = self.render()
            parsed = parse(text, self.path)

    def render(self) -> tuple[str, list[tuple[int, bool]]]:
        """The text with the repairs, and for each of its lines (index in lines, inserted comment?)."""
        out: list[str] = []
        origins: list[tuple[int, bool]] = []
        for i, line in enumerate(self.lines):
            repair = self.applied.get(i)
            if repair is None:
                out.append(line.content + line.end)
                origins.append((i, False))
                continue
            if repair.comment is not None:
                out.append(repair.comment + (line.end or "\n"))
                origins.append((i, True))
            out.append(repair.statement + line.end)
            origins.append((i, False))
        out.append(self.tail)
        return "".join(out), origins

    def _propose(self, parsed: ParseResult, origins) -> bool:
        contexts = _contexts(parsed)
        found = False
        for d in parsed.diagnostics:
            if d.code not in _LINE_CODES or not self.enabled(d) or (
                    d.severity is not Severity.ERROR and d.code not in _REPAIRED_WARNINGS):
                continue
            index, inserted = _origin(origins, d.line)
            where = contexts.get(d.line)
            if inserted or where is None or index in self.applied or index in self.skipped \
                    or (index, where[0]) in self.blocked:
                continue
            repair = _repair(self.lines[index].content, *where)
            if repair is None:
                continue
            if repair.applicability is Applicability.UNSAFE and not self.unsafe:
                self.skipped[index] = (repair, d)
                continue
            self.applied[index] = repair
            self.reported[index] = d
            self.context[index] = where[0]
            found = True
        return found

    def _verify(self, parsed: ParseResult, origins) -> set[int]:
        """Repairs to undo: those whose line still has an error, else (if a repair made a
        new syntax error appear elsewhere) every repair that opens or closes a block, else all."""
        still_bad: set[int] = set()
        new_elsewhere = False
        for d in parsed.diagnostics:
            index, _inserted = _origin(origins, d.line)
            if index in self.applied:
                if d.code in _VERDICT_CODES:
                    still_bad.add(index)
            elif (d.code, index + 1) not in self.baseline:
                new_elsewhere = True
        if still_bad or not new_elsewhere:
            return still_bad
        structural = {i for i, r in self.applied.items() if r.structural}
        return structural or set(self.applied)

    def fixes(self) -> list[Fix]:
        return [_fix_record(self.reported[i], i + 1, r) for i, r in self.applied.items()]

    def skipped_fixes(self) -> list[Fix]:
        return sorted((_fix_record(d, i + 1, r) for i, (r, d) in self.skipped.items()), key=lambda f: f.line)


def _origin(origins: list[tuple[int, bool]], line: int) -> tuple[int, bool]:
    """The input line a line of the repaired text comes from (a diagnostic at the very end of
    the file is on the last line)."""
    return origins[min(line, len(origins)) - 1] if origins else (-1, False)


def _fix_record(d: Diagnostic, line: int, repair: _LineFix) -> Fix:
    """``d`` was found in a pass over partly repaired text: its own line may be shifted by
    the comment lines inserted above it; ``line`` is the input's."""
    return Fix(d.code, d.name, line, "; ".join(repair.steps), repair.applicability)


def _contexts(parsed: ParseResult) -> dict[int, tuple[Context, bool]]:
    """For each line that holds a statement: the block it is read in, and whether it is the
    first statement of a virtual/failover block (Piranha checks quoting there more strictly)."""
    source = parsed.source
    out: dict[int, tuple[Context, bool]] = {}

    def items(nodes, context: Context) -> None:
        first = context is Context.SERVICE
        for node in nodes:
            if isinstance(node, (Setting, ErrorLine)):
                out.setdefault(source.position(node.start)[0], (context, first))
                first = False
            elif isinstance(node, Block):
                out.setdefault(source.position(node.start)[0], (context, first))
                first = False
                inner = block_context(node)
                items(node.items, inner)
                if node.bad_close is not None:
                    empty = not any(isinstance(n, (Setting, ErrorLine, Block)) for n in node.items)
                    out.setdefault(source.position(node.bad_close.start)[0],
                                   (inner, inner is Context.SERVICE and empty))

    items(parsed.document.items, Context.TOP)
    return out


def _repair(content: str, context: Context, first: bool) -> _LineFix | None:
    """The repaired line, if the line can be repaired into one Piranha accepts here.

    Unicode blanks are made spaces only when the line cannot be repaired without that
    (then they stand where blanks separate words): otherwise they are characters of a value."""
    attempt = _attempt(content, context, first, [])
    if attempt is not None:
        return attempt[0]
    blanks = [i for i, ch in enumerate(content) if ch in _UNICODE_BLANKS]
    if not blanks:
        return None
    attempt = _attempt(content, context, first, blanks)
    if attempt is None or not attempt[1]:
        return None
    repair, _separating, inside_quotes = attempt
    return repair._replace(applicability=Applicability.UNSAFE) if inside_quotes else repair


def _attempt(content: str, context: Context, first: bool, blanks: list[int]):
    """(repair, blanks replaced outside quotes?, blanks replaced inside quotes?) or None.

    ``blanks`` are the offsets of the Unicode blanks to make spaces (none: leave them)."""
    steps: list[str] = []
    text = content.translate(_TO_SPACE) if blanks else content
    indent = len(text) - len(text.lstrip(_BLANKS))
    if text[indent:indent + 1] == "#":
        # A comment once its indentation is plain blanks; its own text stays as written.
        replaced = [i for i in blanks if i < indent]
        if not replaced:
            return None
        return (_LineFix(text[:indent] + content[indent:], None, (_blank_step(content, replaced),),
                         Applicability.SAFE), True, False)
    text, equals_step, inserted = _spaced_equals(text)
    if equals_step:
        steps.append(equals_step)
    words, bad_quote = tokens(text)
    statement, comment = text, None
    comment_at = len(content)  # where the moved comment starts in ``content``
    # `} # comment`: Piranha ignores what follows a closing brace (LVS015), but a comment
    # there is still one to keep as a comment line
    closing_comment = len(words) > 1 and words[0].text == "}" and not words[0].quote \
        and words[1].text.startswith("#")
    if closing_comment or not _accepted(context, words, bad_quote, first):
        cut = words[1].start if closing_comment else _comment_start(context, words, bad_quote, first)
        if cut is not None:
            statement = text[:cut].rstrip(_BLANKS)
            comment_at = len(content) - (len(text) - cut)  # `=` repairs insert only before the cut
            comment = text[:indent] + content[comment_at:]
            steps.append(f"moved the comment `{_short(content[comment_at:].rstrip(_BLANKS))}` to a line of its "
                         f"own above")
        elif bad_quote is not None and _closed(bad_quote.text) \
                and not bad_quote.text[len(_run(bad_quote.text)):].strip(_BLANKS):
            statement = text.rstrip(_BLANKS)
            steps.append(f"removed the blanks after `{_short(_run(bad_quote.text))}`")
        else:
            return None
        words, bad_quote = tokens(statement)
        if not _accepted(context, words, bad_quote, first):
            return None
    replaced = [i for i in blanks if i < comment_at]
    inside = [i for i in replaced
              if _inside_quotes(i + sum(1 for q in inserted if q <= i), words, bad_quote)]
    if replaced:
        steps.insert(0, _blank_step(content, replaced))
    if not steps:
        return None
    return (_LineFix(statement, comment, tuple(steps), Applicability.SAFE),
            len(inside) < len(replaced), bool(inside))


_TO_SPACE = {ord(ch): " " for ch in _UNICODE_BLANKS}


def _blank_step(content: str, positions: list[int]) -> str:
    names = sorted({f"U+{ord(content[i]):04X} {unicodedata.name(content[i], '')}".strip() for i in positions})
    return f"replaced {len(positions)} {', '.join(names)} with spaces"


def _spaced_equals(text: str) -> tuple[str, str | None, tuple[int, ...]]:
    """``key=value``, ``key= value``, ``key =value`` -> ``key = value`` for a keyword ``key``;
    also the offsets before which a blank was inserted."""
    words, _bad = tokens(text)
    if not words or words[0].quote:
        return text, None, ()
    head = words[0]
    at = head.text.find("=")
    if at > 0:
        key, start = head.text[:at], head.start + at
    elif at < 0 and len(words) > 1 and words[1].text.startswith("=") and len(words[1].text) > 1:
        key, start = head.text, words[1].start
    else:
        return text, None, ()
    keyword = lookup(key)
    after = text[start + 1:start + 2]
    if keyword is None or key in BLOCK_KEYWORDS[Context.TOP] + BLOCK_KEYWORDS[Context.SERVICE] or after == "=":
        return text, None, ()
    before_blank = text[start - 1] in _BLANKS
    after_blank = after == "" or after in _BLANKS
    if before_blank and after_blank:
        return text, None, ()
    fixed = text[:start] + ("" if before_blank else " ") + "=" + ("" if after_blank else " ") + text[start + 1:]
    old = text[head.start:(words[1].end if at < 0 else head.end)]
    inserted = (() if before_blank else (start,)) + (() if after_blank else (start + 1,))
    return fixed, f"`{_short(old)}` written with a blank on each side of `=`", inserted


def _comment_start(context: Context, words: tuple[Word, ...], bad_quote: Word | None, first: bool) -> int | None:
    """Where a trailing comment starts: the first word Piranha finds too many, if it starts
    with `#`; or `#` after a quoted value that must end its line."""
    if not words and bad_quote is None:
        return None
    if bad_quote is not None:
        run = _run(bad_quote.text)
        rest = bad_quote.text[len(run):]
        after = rest.lstrip(_BLANKS)
        if _closed(bad_quote.text) and rest[:1] in tuple(_BLANKS) and after.startswith("#"):
            return bad_quote.start + len(run) + len(rest) - len(after)
        return None
    verdict = judge_line(context, words, None, first)
    if verdict.error is not None and verdict.error.name == "EXTRAARGS" and verdict.at < len(words) \
            and words[verdict.at].text.startswith("#"):
        return words[verdict.at].start
    return None


def _accepted(context: Context, words: tuple[Word, ...], bad_quote: Word | None, first: bool) -> bool:
    if not words and bad_quote is None:
        return True  # a blank line
    verdict = judge_line(context, words, bad_quote, first)
    return verdict.error is None and not verdict.quote_ignored


def _run(text: str) -> str:
    end = next((i for i, ch in enumerate(text) if ch in _BLANKS), len(text))
    return text[:end]


def _closed(text: str) -> bool:
    run = _run(text)
    return len(run) > 1 and run[-1] == run[0]


def _inside_quotes(offset: int, words: Iterable[Word], bad_quote: Word | None) -> bool:
    for w in words:
        if w.quote and w.start < offset < w.end - 1:
            return True
    return bad_quote is not None and offset > bad_quote.start


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


_value: re.Pattern[str] | None = None


def tokens(line: str) -> tuple[tuple[Word, ...], Word | None]:
    """Piranha's tokens of one line (no line end), and the rest of the line from a quote
    its tokenizer rejects.  Uses the grammar's own ``VALUE`` terminal."""
    global _value
    if _value is None:
        from ..parse.grammar import parser

        _value = re.compile(parser().get_terminal("VALUE").pattern.to_regexp())
    text = line + "\n"  # the quoted-token rules look at the line end
    words: list[Word] = []
    pos = 0
    while True:
        while pos < len(line) and line[pos] in _BLANKS:
            pos += 1
        if pos >= len(line):
            return tuple(words), None
        match = _value.match(text, pos)
        if match is None:  # only a word starting with a quote can fail to be a token
            return tuple(words), Word(line[pos:], pos)
        words.append(Word(match.group(), pos))
        pos = match.end()


def _remaining(original: ParseResult, engine: _Engine, bom_removed: bool) -> Iterable[Diagnostic]:
    """The input's syntax diagnostics that are still there after the repairs.  A line where a
    repair revealed another error (line 1 after the byte-order mark) keeps its diagnostics."""
    text, origins = engine.render()
    final = engine.final
    present: set[tuple[str, int]] = set()
    lines_with_errors: set[int] = set()
    for d in final.diagnostics:
        index, _inserted = _origin(origins, d.line)
        present.add((d.code, index + 1))
        if d.severity is Severity.ERROR:
            lines_with_errors.add(index + 1)
    for d in original.diagnostics:
        if (d.code, d.line) in present or (bom_removed and d.line == 1 and 1 in lines_with_errors):
            yield d
