"""Diagnostics for the file's bytes and syntax, each saying what Piranha would do."""

from __future__ import annotations

import functools
import re

import attrs

from ..diagnostics import Capped, Code, Diagnostic, Related, Severity, make
from ..keywords import BLOCK_KEYWORDS, Context, Shape, keywords_in, lookup, shape_in
from ..source import Source
from . import codes
from .nodes import Block, Document, ErrorLine, Setting, Word
from .piranha import MAX_TOKENS, PiranhaError, Verdict, judge_line

__all__ = ["syntax_diagnostics", "block_context"]

# Words that show a file is keepalived.conf, not lvs.cf.
_KEEPALIVED_WORDS = frozenset({
    "global_defs", "vrrp_instance", "vrrp_sync_group", "virtual_server", "virtual_server_group", "real_server",
    "static_ipaddress", "static_routes", "vrrp_script", "lb_algo", "lb_kind", "include", "local_address_group",
})
_GUI_ONLY = {
    "expect_program": "the Piranha GUI can write `expect_program`, but pulse and lvsd reject it; remove the line",
    "nmask": "`nmask` was removed from Piranha in 2001 (the GUI can still write it); remove the line",
}
_WORD = re.compile(r"\S*")
_BLOCK_NAMES = {"virtual": "virtual block", "failover": "failover block", "server": "server block"}


def block_context(block: Block) -> Context:
    return Context.SERVER if block.kind == "server" else Context.SERVICE


def syntax_diagnostics(document: Document, source: Source) -> list[Diagnostic]:
    out = Capped()
    _file_level(document, source, out)
    _Walker(source, out).items(document.items, Context.TOP, None)
    return out.done()


# -- bytes ----------------------------------------------------------------------


def _file_level(document: Document, source: Source, out: Capped) -> None:
    text = document.text
    if not text:
        out.add(make(codes.EMPTY_FILE, source, 0, 0, "the file is empty",
                     piranha="pulse: error parsing lvs.cf at line 0: Empty configuration",
                     hint="write a configuration; see `lvscf convert --help` and the examples/ folder"))
        return
    nul = source.nul_offset
    if nul is not None:
        readable = text[:nul]
        at_line_start = nul == 0 or text[nul - 1] in "\r\n"
        line = source.position(nul)[0]
        rest = source.line_count() - line + (0 if at_line_start else 0)
        if at_line_start:
            what = f"Piranha stops reading here and ignores everything after it ({rest} line(s))"
        else:
            what = "Piranha finds no line end before it and crashes (NULL pointer dereference)"
        out.add(make(codes.NUL_BYTE, source, nul, nul + 1, f"NUL byte at line {line}: {what}",
                     hint="remove the NUL byte(s); lvscf reads only the part before the first one"))
    else:
        readable = text
    if "\r" not in readable:
        return
    from .line_ends import line_end_style, piranha_lines  # only files with CR bytes need it

    style = line_end_style(readable)
    first_cr = readable.index("\r")
    if not style.crlf and not style.lf:
        out.add(make(codes.CR_LINE_ENDS, source, first_cr, first_cr + 1,
                     "the lines end with CR only (old Mac style): Piranha's parser reads them, but the Piranha GUI "
                     "and most tools see a single line",
                     hint="convert the line ends to LF (e.g. `tr '\\r' '\\n'`)"))
        return
    lines = piranha_lines(readable)
    if style.crlf and not style.cr and not style.lf:
        first = lines[0]
        if first.kind == "content":
            what = f"Piranha reads only line 1 and silently skips the other {source.line_count() - 1} line(s)"
        else:
            what = f"line 1 is a {first.kind} line, so Piranha reads none of the {source.line_count()} lines"
        message = f"CRLF (DOS) line ends: {what}"
    else:
        glued = []
        for pl in lines:
            if pl.kind != "content":
                continue
            first_line = source.position(pl.start)[0]
            last_line = source.position(pl.end)[0]
            if last_line > first_line:
                glued.append((first_line, last_line))
        if glued:
            a, b = glued[0]
            what = f"Piranha reads lines {a}-{b} as one line (it ends a line at the next CR anywhere below)"
        else:
            what = "Piranha splits this file's lines differently from the way they are written"
        cr_line = source.position(first_cr)[0]
        message = f"CR byte on line {cr_line} in a file with LF line ends: {what}"
    out.add(make(codes.CRLF_LINE_ENDS, source, first_cr, first_cr + 1, message,
                 hint="use LF line ends only (e.g. `dos2unix lvs.cf`); lvscf reads the file as if they were"))


# -- lines ----------------------------------------------------------------------


def _q(word: Word | str) -> str:
    text = word.text if isinstance(word, Word) else word
    return f"`{text}`"


def _where(context: Context, block: Block | None) -> str:
    if block is None:
        return "at the top level"
    name = f' "{block.name}"' if block.name else ""
    return f"in {block.kind} block{name}"


def _unicode_blank(text: str) -> tuple[int, str] | None:
    """Offset and name of the first invisible or non-ASCII blank character in ``text``."""
    import unicodedata  # only when a line is already known to be wrong

    for i, ch in enumerate(text):
        if ch in " \t" or ord(ch) < 128:
            continue
        if ch.isspace() or unicodedata.category(ch) in ("Zs", "Cf"):
            try:
                name = unicodedata.name(ch)
            except ValueError:
                name = "an invisible character"
            return i, f"U+{ord(ch):04X} {name}"
    return None


@functools.lru_cache(maxsize=1024)  # a broken file repeats its misspellings
def _suggest(word: str, context: Context) -> str | None:
    import difflib  # only when a line is already known to be wrong

    allowed = list(keywords_in(context))
    lowered = word.lower()
    for name in allowed:
        if name == lowered:
            return name
    match = difflib.get_close_matches(lowered, allowed, n=1, cutoff=0.7)
    return match[0] if match else None


def _contexts_of(name: str) -> str:
    keyword = lookup(name)
    if keyword is None:
        return ""
    parts = []
    for ctx in (Context.TOP, Context.SERVICE, Context.SERVER):
        if ctx in keyword.contexts:
            parts.append({Context.TOP: "the top level", Context.SERVICE: "virtual/failover blocks",
                          Context.SERVER: "server blocks"}[ctx])
    return " and ".join(parts)


class _Walker:
    def __init__(self, source: Source, out: Capped) -> None:
        self.source = source
        self.out = out
        self.kept = False  # whether the last diagnostic emitted was kept (see Capped)
        # first line of a collapsed foreign block -> its closing line
        self.foreign: dict[int, ErrorLine] = {}
        readable = source.readable
        # where the file's last word ends: a block still open there is open at the end of the file
        self.content_end = len(readable.rstrip())
        # the block that a line starting with a bad quote ended, while the lines after it are read
        self.quote_closed: Block | None = None

    def emit(self, code: Code, start: int, end: int, message: str, verdict: Verdict | None = None, *,
             severity: Severity | None = None, piranha: str | None = None, hint: str | None = None,
             related=()) -> None:
        self.kept = self.out.takes(code.code)
        if not self.kept:
            return
        if piranha is None and verdict is not None and verdict.error is not None:
            line = self.source.position(start)[0]
            piranha = f"pulse: error parsing lvs.cf at line {line}: {verdict.error.value}"
        self.out.add(make(code, self.source, start, end, message, severity=severity, piranha=piranha, hint=hint,
                          related=related))

    # -- structure --

    def items(self, items, context: Context, block: Block | None) -> None:
        first = context is Context.SERVICE
        skip_lone_brace = block is not None and not block.header_ok and self._header_lacks_brace(block)
        items = list(items)
        if context is Context.TOP:
            items = self._collapse_foreign_blocks(items)
        for node in items:
            if isinstance(node, Setting):
                if node.more and len(node.more) + 3 > MAX_TOKENS:
                    self.line(context, block, node.words, None, first, node.start)
                first = False
            elif isinstance(node, ErrorLine):
                if skip_lone_brace and [w.value for w in node.words] == ["{"] and node.bad_quote is None:
                    skip_lone_brace = False  # already reported with the opener
                else:
                    self.line(context, block, node.words, node.bad_quote, first, node.start,
                              foreign_end=self.foreign.get(id(node)), whole=node)
                first = False
            elif isinstance(node, Block):
                self.quote_closed = None
                self.block(node, context, block, first)
                first = False
            else:
                continue
            skip_lone_brace = False

    def _collapse_foreign_blocks(self, items: list) -> list:
        """``name ... {`` at the top level, with a matching ``}`` further down, is a block of
        some other syntax (keepalived's ``global_defs { ... }``): report its first line and
        leave the lines inside it out, instead of one diagnostic per line."""
        # Match every `... {` line with its `}` in one pass (a stack, emptied by every statement,
        # which no foreign block may contain): scanning ahead from each opener instead costs
        # quadratic time on a file of unclosed openers.
        closer: dict[int, int] = {}
        stack: list[int] = []
        for k, node in enumerate(items):
            if isinstance(node, (Setting, Block)):
                stack.clear()
            elif isinstance(node, ErrorLine) and node.words:
                if node.final_word.value == "{":
                    stack.append(k)
                elif len(node.words) == 1 and node.words[0].value == "}" and stack:
                    closer[stack.pop()] = k
        kept = []
        i = 0
        while i < len(items):
            node = items[i]
            kept.append(node)
            if i in closer and lookup(node.words[0].value) is None:
                self.foreign[id(node)] = items[closer[i]]
                i = closer[i]
            i += 1
        return kept

    @staticmethod
    def _header_lacks_brace(block: Block) -> bool:
        return len(block.header.words) == 2 and block.header.bad_quote is None

    def block(self, block: Block, context: Context, outer: Block | None, first: bool) -> None:
        inner = block_context(block)
        if not block.header_ok:
            header = block.header
            self.line(context, outer, header.words, header.bad_quote, first, block.start, opener=block, whole=header)
        self.items(block.items, inner, block)
        if block.close is None:
            if block.closed_at >= self.content_end:
                message = f"{block.kind} block{_named(block)} is not closed before the end of the file"
                if block.header_ok and not any(isinstance(n, (Setting, ErrorLine, Block)) for n in block.items):
                    # lvsconfig.c then tests a word of the line list that no line has set.
                    message += ", which ends right after its opening line: Piranha's result is unpredictable"
                    pir = ("Piranha's result here is unpredictable: the file ends right after the opening line, "
                           "where its parser reads uninitialised memory (undefined behaviour in C); it may accept "
                           "the file or report \"unexpected arguments\"")
                else:
                    pir = "Piranha accepts this silently"
                self.emit(codes.UNCLOSED_AT_EOF, block.start, block.header.end, message, piranha=pir,
                          hint="add `}` after its last line")
            else:
                line = self.source.position(block.closed_at)[0]
                word = _WORD.match(self.source.text, block.closed_at).group()
                self.emit(codes.MISSING_CLOSE, block.closed_at, block.closed_at + len(word),
                          f"`{word}` starts a new block while {block.kind} block{_named(block)} is still open: "
                          f"its `}}` is missing",
                          piranha=f"pulse: error parsing lvs.cf at line {line}: unknown command",
                          hint=f"close {block.kind} block{_named(block)} with `}}` before line {line}",
                          related=[(f"{block.kind} block{_named(block)} opened here", block.start,
                                    block.header.end)])
        elif not block.close_ok:
            # `} junk`: judged in the block's own context.
            only_close = all(not isinstance(n, (Setting, ErrorLine, Block)) for n in block.items)
            close = block.close
            self.line(inner, block, close.words, close.bad_quote,
                      inner is Context.SERVICE and only_close, close.start, whole=close)

    # -- one line --

    def line(self, context: Context, block: Block | None, words: tuple[Word, ...], bad_quote: Word | None,
             first: bool, start: int, opener: Block | None = None, foreign_end: ErrorLine | None = None,
             whole: ErrorLine | None = None) -> None:
        """Piranha's verdict on one line, reported.  ``whole`` is the line's node when ``words``
        are only the first words it keeps."""
        count = whole.word_count if whole is not None else len(words)
        if count > MAX_TOKENS:
            dropped = words[MAX_TOKENS]
            last = whole.final_word if whole is not None else words[-1]
            self.emit(codes.TOO_MANY_WORDS, dropped.start, last.end,
                      f"this line has {count} words: Piranha keeps the first {MAX_TOKENS} and silently drops "
                      f"the rest, from {_q(dropped)} on", hint="shorten the line")
        verdict = judge_line(context, words, bad_quote, first)
        where = _where(context, block)
        if verdict.error is PiranhaError.BADQUOTING or verdict.quote_ignored or verdict.undefined:
            self.bad_quote(verdict, bad_quote, words, where, block)
            return
        if verdict.error is None:
            if verdict.block_ends and len(verdict.words) > 1:
                self.words_after_close(verdict, block)
            return
        error = verdict.error
        at = verdict.at
        w = verdict.words
        line_end = w[-1].end if w else start
        target = w[at] if at < len(w) else None
        first_word = w[0].value if w else ""
        if error is PiranhaError.BADCOMMAND:
            self.bad_command(verdict, context, block, start, where, foreign_end)
            if context is Context.TOP and self.quote_closed is not None and self.kept:
                self._note_quote_closed(self.quote_closed)
        elif error is PiranhaError.EQUALEXPECTED:
            if target is not None and target.value.startswith("="):
                self.emit(codes.EQUALS_WITHOUT_BLANKS, target.start, target.end,
                          f"{_q(target)} after {_q(w[0])}: `=` must be a word of its own, with a blank after it",
                          verdict, hint=f"write `{first_word} = {target.value[1:]}`")
            else:
                got = f"{_q(target)}" if target is not None else "nothing"
                self.emit(codes.MISSING_EQUALS, target.start if target else w[0].end,
                          target.end if target else w[0].end,
                          f"{_q(w[0])} must be followed by `=`, not {got}", verdict,
                          hint=f"write `{first_word} = VALUE`")
        elif error is PiranhaError.MISSINGARGS and first_word in BLOCK_KEYWORDS[context]:
            self.malformed_opener(verdict, context, start)
        elif error is PiranhaError.MISSINGARGS:
            keyword = lookup(first_word)
            if keyword is not None and shape_in(keyword, context) is Shape.PAIR:
                what = "an IP address and a network device" if first_word == "address" else \
                    "an IP address and the network device to bring it up on"
                example = "192.168.0.41 eth0:1" if first_word == "address" else "10.0.0.1 eth1:1"
                self.emit(codes.MISSING_VALUE, line_end, line_end,
                          f"`{first_word}` needs {what}, as in `{first_word} = {example}`", verdict,
                          hint="add the device after the address")
            else:
                self.emit(codes.MISSING_VALUE, line_end, line_end, f"`{first_word} =` has no value", verdict,
                          hint=f"give {_q(first_word)} a value, or remove the line")
        elif error is PiranhaError.EXTRAARGS:
            self.extra_args(verdict, context, where, opener)
        elif error is PiranhaError.LISTEXPECTED:
            at_word = w[2] if len(w) > 2 else None
            message = "`dirs =` has no value" if at_word is None else \
                f"`dirs` needs a list `[ ... ]`, not {_q(at_word)}" if at_word.value != "[" else \
                "the `dirs` list has no closing `]`"
            pir = "Piranha's parser crashes on this line (NULL pointer dereference)" if verdict.crash else None
            self.emit(codes.LIST_EXPECTED, at_word.start if at_word else line_end,
                      at_word.end if at_word else line_end, message, verdict, piranha=pir,
                      hint="remove the line: no Piranha daemon reads `dirs`")

    def bad_quote(self, verdict: Verdict, bad_quote: Word | None, words, where: str, block: Block | None) -> None:
        bq = bad_quote
        assert bq is not None
        text = bq.text
        quote = text[0]
        if verdict.undefined:
            self.emit(codes.BAD_QUOTING, bq.start, bq.end,
                      f"a lone `{quote}` ends the line: Piranha's result is unpredictable here (undefined behaviour "
                      f"in its C code), and a quoted value needs its closing quote",
                      piranha="Piranha's result here is unpredictable: its tokenizer writes one byte before the "
                              "token and reads the token from uninitialised memory (undefined behaviour in C), so "
                              "it may read some garbage value, report an error or crash",
                      hint=f"write the value inside the quotes, or `{quote}{quote}` for an empty value")
            return
        stripped = text.rstrip(" \t")
        run_end = next((i for i, ch in enumerate(text) if ch in " \t"), len(text))
        run = text[:run_end]
        closed_run = len(run) > 1 and run.endswith(quote)
        if not closed_run:
            message = f"the quote in {_q(stripped)} is not closed on its line"
            hint = f"close it with {quote}; a value cannot contain its own quote character"
        elif run_end >= len(stripped):
            message = f"blanks after {_q(run)}: a quoted value without a blank inside must end its line"
            hint = "remove the blanks after the closing quote"
        else:
            message = (f"{_q(run)} is followed by {_q(stripped[run_end:].strip())}: a quoted value without a "
                       f"blank inside must be the last word of its line")
            hint = "quote the whole value, or put nothing after it"
        if verdict.error is PiranhaError.BADQUOTING:
            self.emit(codes.BAD_QUOTING, bq.start, bq.start + len(text.rstrip()), message, verdict, hint=hint)
            return
        argv = " ".join(w.text for w in verdict.words)
        if verdict.block_ends and verdict.words:
            pir = (f"Piranha does not report the quote; it reads the line as `{argv}`, the end of {block.kind} "
                   f"block{_named(block)}")
            severity = Severity.WARNING
        elif verdict.block_ends:
            # The errors Piranha does report come from the lines below, read at the top level.
            self.quote_closed = block
            pir = (f"Piranha does not report this: the line has no words before the bad quote, which ends "
                   f"{block.kind} block{_named(block)} as `}}` would, and the lines below are read as top-level "
                   f"lines")
            severity = Severity.WARNING
        elif verdict.error is None:
            pir = f"Piranha does not report this; it silently reads the line as `{argv}` and ignores the rest"
            severity = Severity.WARNING
        else:
            line = self.source.position(bq.start)[0]
            pir = (f"Piranha does not report the quote; it reads the line as `{argv}` and stops with "
                   f"\"pulse: error parsing lvs.cf at line {line}: {verdict.error.value}\"")
            severity = None
        self.emit(codes.BAD_QUOTING, bq.start, bq.start + len(text.rstrip()), message, severity=severity,
                  piranha=pir, hint=hint)

    def _note_quote_closed(self, block: Block) -> None:
        """Say, on a top-level error, that Piranha had ended the block above at a bad quote."""
        close = block.bad_close
        assert close is not None
        line, column = self.source.position(close.start)
        end_line, end_column = self.source.position(close.end)
        note = Related(f"Piranha ended {block.kind} block{_named(block)} here: the line starts with a bad quote, "
                       f"so the lines below are read at the top level", line, column, end_line, end_column)
        last = self.out.items[-1]
        self.out.items[-1] = attrs.evolve(last, related=(*last.related, note))

    def bad_command(self, verdict: Verdict, context: Context, block: Block | None, start: int, where: str,
                    foreign_end: ErrorLine | None = None) -> None:
        word = verdict.words[0]
        if foreign_end is not None:
            last = self.source.position(foreign_end.start)[0]
            keepalived = word.value in _KEEPALIVED_WORDS
            what = "keepalived.conf syntax" if keepalived else "not lvs.cf"
            hint = ("this file is not a Piranha lvs.cf; `lvscf convert --to keepalived` makes keepalived.conf from "
                    "an lvs.cf" if keepalived else "remove the block")
            self.emit(codes.UNKNOWN_KEYWORD, word.start, word.end,
                      f"`{word.value} {{ ... }}` (to line {last}) is {what}; the lines inside it are not reported "
                      f"one by one", verdict, hint=hint)
            return
        value = word.value
        line_end = self.source.text.find("\n", start)
        line_text = self.source.text[start:line_end if line_end >= 0 else len(self.source.text)]
        blank = _unicode_blank(line_text)
        if blank is not None:
            offset, name = blank
            self.emit(codes.NON_ASCII_BLANK, start + offset, start + offset + 1,
                      f"{name} in {_q(word)}: only spaces and TABs separate words in lvs.cf", verdict,
                      hint="replace it with a plain space (it often comes from copying a web page)")
            return
        if "=" in value and value.split("=", 1)[0] and lookup(value.split("=", 1)[0]) is not None:
            key, val = value.split("=", 1)
            self.emit(codes.EQUALS_WITHOUT_BLANKS, word.start, word.end,
                      f"{_q(word)}: `=` needs a blank on each side", verdict,
                      hint=f"write `{key} = {val or 'VALUE'}`")
            return
        if context is Context.TOP and value == "}":
            self.emit(codes.UNMATCHED_CLOSE, word.start, word.end, "`}` closes no block", verdict,
                      hint="remove it, or check that the block it should close has a correct opening line")
            return
        if value == "{":
            self.emit(codes.MALFORMED_BLOCK_OPENER, word.start, word.end,
                      "a lone `{`: the brace must end the `virtual`/`failover`/`server` line it opens", verdict,
                      hint="move `{` to the end of the line above")
            return
        keyword = lookup(value)
        if keyword is not None and context not in keyword.contexts:
            belongs = _contexts_of(value)
            if value == "server":
                message = f"`server` blocks belong inside a virtual or failover block, not {where}"
            elif value in ("virtual", "failover"):
                message = f"`{value}` blocks belong at the top level, not {where}"
            else:
                message = f"`{value}` is a keyword of {belongs}; it is not allowed {where}"
            hint = {"deadtime": "the Piranha GUI writes `deadtime` into virtual blocks by mistake; the top-level "
                                "`deadtime` is the heartbeat one: remove this line",
                    "heartbeat": "the Piranha GUI can write `heartbeat` into failover blocks; remove this line"}.get(
                value, f"move it to {belongs}")
            self.emit(codes.MISPLACED_KEYWORD, word.start, word.end, message, verdict, hint=hint)
            return
        if value in _GUI_ONLY:
            self.emit(codes.UNKNOWN_KEYWORD, word.start, word.end, f"{_q(word)} is not an lvs.cf keyword", verdict,
                      hint=_GUI_ONLY[value])
            return
        if value in _KEEPALIVED_WORDS:
            self.emit(codes.UNKNOWN_KEYWORD, word.start, word.end,
                      f"{_q(word)} is keepalived.conf syntax, not lvs.cf", verdict,
                      hint="this file is not a Piranha lvs.cf; `lvscf convert --to keepalived` makes keepalived.conf "
                           "from an lvs.cf")
            return
        suggestion = _suggest(value, context)
        if value.startswith("\ufeff"):
            hint = "the file starts with a UTF-8 byte-order mark; save it without one"
        elif suggestion:
            hint = f"did you mean `{suggestion}`? (keywords are lower case)" if suggestion == value.lower() else \
                f"did you mean `{suggestion}`?"
        else:
            hint = f"the keywords allowed {where} are: " + ", ".join(sorted(keywords_in(context)))
        self.emit(codes.UNKNOWN_KEYWORD, word.start, word.end, f"{_q(word)} is not an lvs.cf keyword", verdict,
                  hint=hint)

    def malformed_opener(self, verdict: Verdict, context: Context, start: int) -> None:
        w = verdict.words
        kw = w[0].value
        if len(w) == 1:
            message = f"`{kw}` needs a name and `{{` on the same line"
            end = w[0].end
            hint = f"write `{kw} NAME {{`"
        elif len(w) == 2 and w[1].value.endswith("{") and len(w[1].value) > 1:
            message = f"{_q(w[1])}: `{{` must be a separate word"
            end = w[1].end
            hint = f"write `{kw} {w[1].value[:-1]} {{`"
        elif len(w) == 2:
            message = f"`{{` must end the line `{kw} {w[1].text}`"
            end = w[1].end
            hint = f"write `{kw} {w[1].text} {{` on one line"
        else:
            message = f"the third word of a `{kw}` line must be `{{`, not {_q(w[2])}"
            end = w[2].end
            hint = "quote a name that contains blanks"
        self.emit(codes.MALFORMED_BLOCK_OPENER, w[0].start, end, message, verdict, hint=hint)

    def words_after_close(self, verdict: Verdict, block: Block | None) -> None:
        w = verdict.words
        extra = w[1:]
        text = " ".join(x.text for x in extra)
        comment = extra[0].text.startswith("#")
        what = f"the comment {_q(text)}" if comment else _q(text)
        closes = f" of {block.kind} block{_named(block)}" if block is not None else ""
        self.emit(codes.MALFORMED_BLOCK_CLOSE, extra[0].start, w[-1].end,
                  f"{what} after the closing `}}`{closes}: Piranha ignores it", severity=Severity.WARNING,
                  piranha="Piranha does not report this: it frees the line's words before it checks that `}` "
                          "stands alone, so the check never fails and the line reads as `}`",
                  hint="put the comment on a line of its own" if comment else "remove it")

    def extra_args(self, verdict: Verdict, context: Context, where: str, opener: Block | None) -> None:
        w = verdict.words
        extra = w[verdict.at]
        first = w[0].value
        span = (extra.start, w[-1].end)
        if extra.value.startswith("#"):
            comment = " ".join(x.text for x in w[verdict.at:])
            self.emit(codes.TRAILING_COMMENT, *span,
                      f"trailing comment {_q(comment)}: in lvs.cf `#` starts a comment only at the beginning of a "
                      f"line", verdict, hint="move the comment to a line of its own above this one")
            return
        if first in BLOCK_KEYWORDS[context]:
            values = [x.value for x in w]
            if values[2] == "{":
                message = f"{_q(extra)} after `{{`: nothing may follow the brace of a `{first}` line"
            elif "{" in values[3:]:
                brace = values.index("{", 3)
                name = " ".join(x.text for x in w[1:brace])
                message = (f"the name {_q(name)} is more than one word: a `{first}` line is `{first} NAME {{`, and "
                           f"Piranha stops at its fourth word {_q(extra)}")
                span = (w[1].start, w[brace - 1].end)
            else:
                message = (f"{_q(' '.join(x.text for x in w))} has {len(w)} words: a `{first}` line is "
                           f"`{first} NAME {{`")
            self.emit(codes.MALFORMED_BLOCK_OPENER, *span, message, verdict,
                      hint="quote a name that contains blanks; put comments on their own line")
            return
        keyword = lookup(first)
        count = 2 if keyword is not None and shape_in(keyword, context) is Shape.PAIR else 1
        extras = w[verdict.at:]
        values = " ".join(x.text for x in w[2:])
        takes = "two values" if count == 2 else "one value"
        self.emit(codes.EXTRA_VALUE, *span,
                  f"`{first}` takes {takes}, but {_q(values)} has {len(w) - 2}", verdict,
                  hint="quote a value that contains blanks: `" + first + " = \"" + values + "\"`"
                  if count == 1 else f"remove {_q(' '.join(x.text for x in extras))}")


def _named(block: Block) -> str:
    return f' "{block.name}"' if block.name else ""
