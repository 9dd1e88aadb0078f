"""LVS5xx: nanny's health checks (send, expect, send_program, timeouts).

lvsd starts one ``nanny`` per active real server of every active virtual block
(``service = lvs``); fos starts one per active failover block (``service =
fos``) to watch the partner's service.  Nothing else runs a check, so these
rules look only at those blocks (:func:`_monitored`): settings of inactive
blocks, of virtuals without an active real server, and of the kind of block
``service`` does not select, have no effect yet.  Facts come from
lvs-cf-format.md §7.2-§7.4 and from nanny.c, lvsd.c and fos.c of Piranha 0.8.6.

What nanny does with the strings (nanny.c ``main``): ``send`` is dropped when
``send_program`` is set; ``send`` and ``expect`` then go through
``convert_str`` (:func:`_convert`); with no ``send``, ``expect`` nor
``send_program`` and virtual port 80, nanny uses its own HTTP check.  fos
passes neither ``--regex``, ``-a`` (reentry) nor ``-U`` (load_monitor).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ...model.config import Config, Failover, Protocol, Service, ServiceBlock, Virtual
from ...parse.nodes import ErrorLine
from ...probe.escapes import convert_text
from ...probe.reentry import threshold
from ..rule import ERROR, INFO, WARNING, Finding, Location, per_config, raw_value, rule, setting_of, value_of, where

# -- which blocks nanny checks ------------------------------------------------------------


@per_config
def _monitored(config: Config) -> list[ServiceBlock]:
    """The blocks a nanny runs for: what ``service`` selects, active, and (virtuals) with an active server."""
    if config.service is Service.fos:
        return [failover for failover in config.failovers if failover.active]
    return [virtual for virtual in config.virtuals
            if virtual.active and any(server.active for server in virtual.servers)]


def _monitored_virtuals(config: Config) -> Iterator[Virtual]:
    """The monitored virtual blocks, for the keys fos never passes to nanny (reentry, load_monitor, use_regex)."""
    return (block for block in _monitored(config) if isinstance(block, Virtual))


def _checked_ports(block: ServiceBlock) -> list[int]:
    """The ports nanny connects to: each active real server's port (a failover's own port)."""
    if isinstance(block, Failover):
        return [block.port]
    return sorted({server.port for server in block.servers if server.active})


def _never_up(block: ServiceBlock) -> str:
    """What a check that always fails does."""
    if isinstance(block, Failover):
        return "the standby node takes the service for dead and fails over after two checks"
    return "the real servers are never added"


def _unwritten(block: ServiceBlock, *keys: str) -> bool:
    """None of ``keys`` is written in the block, not even on a line Piranha rejects.

    Rules that act on a key's absence use this: when a ``send = "..." # comment`` line is unreadable, the
    model has no send, but telling the user that they set none would be wrong.
    """
    if any(raw_value(block, key) is not None for key in keys):
        return False
    node = block.origin.node if block.origin is not None else None
    for item in getattr(node, "items", ()):
        if isinstance(item, ErrorLine) and item.words and item.words[0].value in keys:
            return False
    return True


def _after(block: ServiceBlock) -> str:
    """The text " after N s": how long a check without a reply waits (the timeout)."""
    return f" after {block.timeout} s" if block.timeout > 0 else ""


def _q(text: str) -> str:
    """A value in a message, in double quotes as lvs.cf writes it."""
    return f'"{text}"'


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def _span(block: ServiceBlock, key: str, start: int, end: int) -> Location:
    """Characters ``start:end`` of the string nanny receives for a quote-keeping key, as a file location.

    That string is the value token without its leading and trailing double quote (lvsd's strip_quotes).
    """
    word = raw_value(block, key)
    if word is None:
        return value_of(block, key)
    lead = 1 if word.text.startswith('"') else 0
    return Location(word.start + lead + start, word.start + lead + end)


# -- nanny's backslash conversion: lvscf.probe.escapes.convert_text ---------------------------------


def _converted(block: ServiceBlock, key: str) -> str | None:
    """The string nanny uses for send or expect after its conversion; None when unset or when nanny hangs."""
    value = getattr(block, key)
    if value is None:
        return None
    return convert_text(value)[0]


# -- POSIX extended regular expressions, as glibc's regcomp(REG_EXTENDED) reads them ----------------
#
# nanny compiles expect with regcomp(REG_EXTENDED) and never calls setlocale, so the C locale applies:
# one byte is one character.  This is a transcription of the syntax checks of glibc's regcomp.c
# (parse_reg_exp, parse_branch, parse_expression, parse_dup_op, fetch_number, parse_bracket_exp,
# parse_bracket_element, parse_bracket_symbol, build_range_exp) under RE_SYNTAX_POSIX_EXTENDED.  It only
# reports what every glibc since 2.3 rejects; where versions or locales differ (ranges with non-ASCII
# ends, back-references to a group of another alternative, which glibc rejects only since 2.28) it accepts.
# Compile-time resource limits (REG_ESPACE) are not modelled.  Alongside, it counts what the compiled
# expression costs (:class:`_Cost`, for LVS521): glibc writes counted repetitions out in full and matches
# back-references by backtracking.

_RE_DUP_MAX = 0x7FFF  # glibc's RE_DUP_MAX (POSIX's minimum is 255)
_NAME_MAX = 31  # glibc's BRACKET_NAME_BUF_SIZE - 1
_CLASSES = frozenset({b"alpha", b"upper", b"lower", b"digit", b"xdigit", b"space", b"print", b"punct", b"graph",
                      b"cntrl", b"blank", b"alnum"})
_END, _CHAR, _ALT, _DUP, _OPEN_DUP, _CLOSE_DUP, _OPEN, _CLOSE, _BRACKET, _ANCHOR, _BACKREF, _LONE_BACKSLASH = range(12)
_TOKENS = {ord("|"): _ALT, ord("*"): _DUP, ord("+"): _DUP, ord("?"): _DUP, ord("{"): _OPEN_DUP,
           ord("}"): _CLOSE_DUP, ord("("): _OPEN, ord(")"): _CLOSE, ord("["): _BRACKET, ord("^"): _ANCHOR,
           ord("$"): _ANCHOR}
_GNU_ANCHORS = frozenset(b"<>bB`'")  # \< \> \b \B \` \' (\w \W \s \S are atoms)
_B_END, _B_CHAR, _B_RANGE, _B_CLOSE, _B_NONMATCH, _B_COLL, _B_EQUIV, _B_CLASS = range(8)
_B_TOKENS = {ord("-"): _B_RANGE, ord("]"): _B_CLOSE, ord("^"): _B_NONMATCH}
_B_OPENERS = {ord("."): _B_COLL, ord("="): _B_EQUIV, ord(":"): _B_CLASS}

#: regerror's text for each error, as nanny logs it ("Error '...' processing expected regular expression")
_REGERROR = {
    "BADPAT": "Invalid regular expression",
    "ECOLLATE": "Invalid collation character",
    "ECTYPE": "Invalid character class name",
    "EESCAPE": "Trailing backslash",
    "ESUBREG": "Invalid back reference",
    "EBRACK": "Unmatched [, [^, [:, [., or [=",
    "EPAREN": "Unmatched ( or \\(",
    "EBRACE": "Unmatched \\{",
    "BADBR": "Invalid content of \\{\\}",
    "ERANGE": "Invalid range end",
    "ESIZE": "Regular expression too big",
    "BADRPT": "Invalid preceding regular expression",
}


class RegexError(Exception):
    """Why regcomp rejects an expression: the REG_* name, the byte offset, an explanation."""

    def __init__(self, error: str, offset: int, why: str) -> None:
        super().__init__(why)
        self.error = error
        self.offset = offset
        self.why = why


class _Cost(NamedTuple):
    """What a part of an expression costs once glibc has compiled it."""

    nodes: int  # NFA nodes: atoms, `|`, each optional or starred copy, two per group (CONCAT makes none)
    variable: int  # repetitions whose number of copies the match chooses (`*`, `+`, `?`, `{m,n}` with m < n)
    refs: int  # back-references

    def __add__(self, other: tuple) -> _Cost:  # type: ignore[override]
        return _Cost(self.nodes + other[0], self.variable + other[1], self.refs + other[2])


_NONE, _ATOM = _Cost(0, 0, 0), _Cost(1, 0, 0)


def _repeated(cost: _Cost, low: int, high: int) -> _Cost:
    """``cost`` under ``{low,high}`` (high -1: no maximum) as glibc's parse_dup_op writes it out.

    ``x{2,4}`` becomes ``xx(x(x)?)?``: the ``low`` copies, then one optional copy per extra repeat,
    each with an alternation node; ``x{2,}`` becomes ``xxx*``; ``x{0}`` disappears.
    """
    if high == 0:
        return _NONE
    copies = (low + 1 if low else 1) if high == -1 else high
    extra = 1 if high == -1 else high - low  # star node, or one alternation node per optional copy
    return _Cost(copies * cost.nodes + extra, copies * cost.variable + (low != high), copies * cost.refs)


class _Ere:
    """One pass over an expression's bytes, raising :class:`RegexError` where glibc would fail.

    Parsing returns the :class:`_Cost` of each part; what makes matching slow by itself (a
    back-reference inside a repetition, or to a group inside one) is kept in :attr:`costly`.
    """

    def __init__(self, pattern: bytes) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.i = 0  # the next unread byte
        self.kind, self.c, self.at = _END, 0, 0  # the current token, its byte and its offset
        self.prev = 0  # the offset of the token before it
        self.groups = 0
        self.closed: set[int] = set()  # groups (0-based) closed so far, for back-references
        self.repeated: set[int] = set()  # groups (0-based) inside a repetition
        self.costly: tuple[int, str] | None = None  # (offset, why) of the first part too costly to match
        self.cost = _NONE  # of the whole expression, once parsed

    def fail(self, error: str, offset: int, why: str):
        raise RegexError(error, offset, why)

    def text(self, start: int, end: int) -> str:
        return self.p[start:end].decode("latin-1")

    def fetch(self) -> None:
        """glibc's fetch_token (peek_token and skip) for the ERE syntax."""
        p, i = self.p, self.i
        self.prev, self.at = self.at, i
        if i >= self.n:
            self.kind, self.c = _END, 0
            return
        c = p[i]
        if c == 0x5C:  # backslash
            if i + 1 >= self.n:
                self.kind, self.c, self.i = _LONE_BACKSLASH, c, i + 1
                return
            c2 = p[i + 1]
            self.c, self.i = c2, i + 2
            if 0x31 <= c2 <= 0x39:
                self.kind = _BACKREF
            elif c2 in _GNU_ANCHORS:
                self.kind = _ANCHOR
            else:
                self.kind = _CHAR
            return
        self.kind, self.c, self.i = _TOKENS.get(c, _CHAR), c, i + 1

    def parse(self) -> None:
        self.fetch()
        self.cost = self.reg_exp(0)

    def too_costly(self, at: int, why: str) -> None:
        if self.costly is None:
            self.costly = (at, why)

    def reg_exp(self, nest: int) -> _Cost:
        cost = self.branch(nest)
        while self.kind == _ALT:
            self.fetch()
            cost += _ATOM  # the alternation node
            if self.kind not in (_ALT, _END) and (nest == 0 or self.kind != _CLOSE):
                cost += self.branch(nest)
        return cost

    def branch(self, nest: int) -> _Cost:
        cost = self.expression(nest)
        while self.kind not in (_ALT, _END) and (nest == 0 or self.kind != _CLOSE):
            cost += self.expression(nest)
        return cost

    def expression(self, nest: int) -> _Cost:
        kind, at = self.kind, self.at
        first_group = self.groups
        cost = _ATOM
        if kind in (_ALT, _END):
            return _NONE
        if kind == _OPEN:
            cost = self.sub_exp(nest + 1)
        elif kind == _BRACKET:
            self.bracket()
        elif kind == _BACKREF:
            if self.c - 0x31 not in self.closed:
                digit = chr(self.c)
                self.fail("ESUBREG", at, f"`\\{digit}` refers to group {digit}, which is not closed before it")
            if self.c - 0x31 in self.repeated:
                self.too_costly(at, f"`\\{chr(self.c)}` refers to a group inside a repetition")
            cost = _Cost(1, 0, 1)
        elif kind in (_DUP, _OPEN_DUP):
            self.fail("BADRPT", at, self.nothing_to_repeat(at))
        elif kind == _LONE_BACKSLASH:
            self.fail("EESCAPE", at, "it ends with a lone backslash")
        elif kind == _ANCHOR:
            self.fetch()
            return _ATOM  # glibc returns before looking for a repetition: an anchor cannot be repeated
        # otherwise an ordinary character (also `}`, and `)` outside any group)
        self.fetch()
        while self.kind in (_DUP, _OPEN_DUP):
            op_at = self.at
            if self.kind == _OPEN_DUP:
                low, high = self.interval()
            else:
                low, high = {ord("*"): (0, -1), ord("+"): (1, -1), ord("?"): (0, 1)}[self.c]
            if (low, high) != (1, 1):
                self.repeated.update(range(first_group, self.groups))
                if cost.refs:
                    self.too_costly(op_at, f"`{self.text(op_at, self.i)}` repeats a back-reference")
            cost = _repeated(cost, low, high)
            self.fetch()
        return cost

    def nothing_to_repeat(self, at: int) -> str:
        op = self.text(at, at + 1)
        if at == 0:
            return f"`{op}` at the start has nothing to repeat"
        prev = self.text(self.prev, at)
        if prev == "(" and op == "?":
            return "`(?` is Perl syntax: POSIX has no `(?:...)`, `(?i)` or look-around groups"
        if prev in ("(", "|"):
            return f"`{op}` after `{prev}` has nothing to repeat"
        return f"`{op}` follows the anchor `{prev}`, which cannot be repeated"

    def sub_exp(self, nest: int) -> _Cost:
        open_at, group = self.at, self.groups
        self.groups += 1
        if nest > _MAX_NESTING:
            # glibc's parser recurses once per level: so deep a nest can exhaust the probe's stack
            self.too_costly(open_at, f"its groups are nested more than {_MAX_NESTING} deep")
        self.fetch()
        cost = _Cost(2, 0, 0)  # the group's open and close nodes
        if self.kind != _CLOSE:
            cost += self.reg_exp(nest)
            if self.kind != _CLOSE:
                self.fail("EPAREN", open_at, "a `(` is never closed")
        if group <= 8:
            self.closed.add(group)
        return cost

    def number(self) -> int:
        """glibc's fetch_number: the count, -1 for none, -2 for something else."""
        num = -1
        while True:
            self.fetch()
            if self.kind == _END:
                return -2
            if self.kind == _CLOSE_DUP or self.c == 0x2C:  # `}` or `,`
                return num
            if self.kind != _CHAR or not 0x30 <= self.c <= 0x39 or num == -2:
                num = -2
            else:
                num = self.c - 0x30 if num == -1 else min(_RE_DUP_MAX + 1, num * 10 + self.c - 0x30)

    def interval(self) -> tuple[int, int]:
        """glibc's parse_dup_op for `{`: the (minimum, maximum) counts, maximum -1 for none."""
        open_at = self.at
        start = self.number()
        if start == -1:
            if self.kind == _CHAR and self.c == 0x2C:
                start = 0  # {,n} is {0,n}
            else:
                self.fail("BADBR", open_at, "`{}` has no repeat count")
        end = 0
        if start != -2:
            if self.kind == _CLOSE_DUP:
                end = start
            elif self.kind == _CHAR and self.c == 0x2C:
                end = self.number()
            else:
                end = -2
        if start == -2 or end == -2:
            if self.kind == _END:
                self.fail("EBRACE", open_at, "a `{` is never closed (a literal brace is written `[{]`)")
            self.fail("BADBR", open_at, f"`{self.text(open_at, self.i)}` is not a repeat count "
                                        f"(a literal brace is written `[{{]`)")
        if end != -1 and start > end:
            self.fail("BADBR", open_at, f"`{self.text(open_at, self.i)}` has its minimum above its maximum")
        if self.kind != _CLOSE_DUP:
            self.fail("BADBR", open_at, f"`{self.text(open_at, self.i)}` is not a repeat count")
        if (start if end == -1 else end) > _RE_DUP_MAX:
            self.fail("ESIZE", open_at, f"`{self.text(open_at, self.i)}` repeats more than {_RE_DUP_MAX} times")
        return start, end

    # bracket expressions

    def peek_b(self, i: int) -> tuple[int, int, int]:
        """glibc's peek_token_bracket: (kind, byte, length) of the token at ``i``."""
        if i >= self.n:
            return _B_END, 0, 0
        c = self.p[i]
        if c == 0x5B and i + 1 < self.n and self.p[i + 1] in _B_OPENERS:  # [. [= [:
            return _B_OPENERS[self.p[i + 1]], self.p[i + 1], 2
        return _B_TOKENS.get(c, _B_CHAR), c, 1

    def bracket(self) -> None:
        open_at, i = self.at, self.i
        unclosed = "a `[` is never closed (a literal `[` is written `[[]`)"
        kind, c, length = self.peek_b(i)
        if kind == _B_NONMATCH:
            i += length
            kind, c, length = self.peek_b(i)
        if kind == _B_END:
            self.fail("BADPAT", open_at, unclosed)
        if kind == _B_CLOSE:
            kind = _B_CHAR  # a `]` first is an ordinary character
        first = True
        while True:
            elem_at = i
            start, i = self.element(kind, c, length, i, first)
            first = False
            kind, c, length = self.peek_b(i)
            is_range = False
            if start[0] not in (_B_CLASS, _B_EQUIV):
                if kind == _B_END:
                    self.fail("EBRACK", open_at, unclosed)
                if kind == _B_RANGE:
                    kind2, c2, length2 = self.peek_b(i + length)
                    if kind2 == _B_END:
                        self.fail("EBRACK", open_at, unclosed)
                    if kind2 == _B_CLOSE:
                        kind = _B_CHAR  # a `-` last is an ordinary character
                    else:
                        i += length
                        is_range = True
            if is_range:
                end, i = self.element(kind2, c2, length2, i, True)
                kind, c, length = self.peek_b(i)
                self.range(start, end, elem_at, i)
            else:
                self.single(start, elem_at, i)
            if kind == _B_END:
                self.fail("EBRACK", open_at, unclosed)
            if kind == _B_CLOSE:
                break
        self.i = i + 1

    def element(self, kind: int, c: int, length: int, i: int, accept_hyphen: bool) -> tuple[tuple[int, bytes], int]:
        """glibc's parse_bracket_element: ((kind, character or name), next offset)."""
        i += length
        if kind in (_B_COLL, _B_EQUIV, _B_CLASS):
            return self.symbol(kind, c, i)
        if kind == _B_RANGE and not accept_hyphen and self.peek_b(i)[0] != _B_CLOSE:
            self.fail("ERANGE", i - 1, "a `-` in a bracket expression must come first, last, or between the two "
                                       "ends of one range")
        return (_B_CHAR, bytes([c])), i

    def symbol(self, kind: int, delim: int, i: int) -> tuple[tuple[int, bytes], int]:
        """glibc's parse_bracket_symbol: the name of ``[:name:]``, ``[.name.]`` or ``[=name=]``."""
        opener, closer = "[" + chr(delim), chr(delim) + "]"
        why = f"`{opener}` at offset {i - 2} is never closed with `{closer}`"
        if i >= self.n:
            self.fail("EBRACK", i - 2, why)
        name = bytearray()
        while True:
            if len(name) > _NAME_MAX:
                self.fail("EBRACK", i - 2, why)
            ch = self.p[i]
            i += 1
            if i >= self.n:
                self.fail("EBRACK", i - 2, why)
            if ch == delim and self.p[i] == 0x5D:
                return (kind, bytes(name)), i + 1
            name.append(ch)

    def single(self, elem: tuple[int, bytes], at: int, end: int) -> None:
        kind, name = elem
        if kind == _B_CLASS and name not in _CLASSES:
            self.fail("ECTYPE", at, f"`{self.text(at, end)}` is not a character class (alnum, alpha, blank, cntrl, "
                                    f"digit, graph, lower, print, punct, space, upper, xdigit)")
        if kind in (_B_COLL, _B_EQUIV) and len(name) != 1:
            self.fail("ECOLLATE", at, f"`{self.text(at, end)}` is not a single character (in the C locale nanny "
                                      f"runs in)")

    def range(self, start: tuple[int, bytes], end: tuple[int, bytes], at: int, stop: int) -> None:
        text = self.text(at, stop)
        if start[0] in (_B_CLASS, _B_EQUIV) or end[0] in (_B_CLASS, _B_EQUIV):
            self.fail("ERANGE", at, f"`{text}`: a class cannot be the end of a range")
        for kind, name in (start, end):
            if kind == _B_COLL and len(name) != 1:
                self.fail("ECOLLATE", at, f"`{text}`: `[.{name.decode('latin-1')}.]` is not a single character")
        low, high = start[1][0], end[1][0]
        if low < 0x80 and high < 0x80 and low > high:
            self.fail("ERANGE", at, f"the range `{text}` runs backwards")


#: the most NFA nodes an expect may compile to: glibc's compile time and memory grow with the square of
#: the nodes (and faster when repetitions nest), ~20 MB and 0.3 s at this size in the worst shapes measured
MAX_REGEX_NODES = 1000
_MAX_NESTING = 100


def ere_cost(pattern: str) -> tuple[int, str] | None:
    """Why matching ``pattern`` can exhaust the director, and the offset of the part; None if it cannot.

    Only for an expression glibc compiles (see :func:`ere_error`).  Too costly: more than
    :data:`MAX_REGEX_NODES` nodes once counted repetitions are written out; a back-reference inside
    a repetition or to a group inside one; back-references together with more than one repetition
    of variable length (glibc backtracks over every way to split the reply between them); groups
    nested more than 100 deep.
    """
    ere = _Ere(pattern.encode("utf-8", "surrogateescape"))
    try:
        ere.parse()
    except RegexError:
        return None  # not an expression at all: LVS512
    except RecursionError:
        return ere.costly
    cost = ere.cost
    if cost.nodes > MAX_REGEX_NODES:
        return 0, (f"it compiles to about {cost.nodes} nodes once glibc writes its repetitions out, more than "
                   f"{MAX_REGEX_NODES}")
    if ere.costly is not None:
        return ere.costly
    if cost.refs and cost.variable > 1:
        return 0, (f"it has back-references and {cost.variable} repetitions of variable length, which glibc "
                   f"backtracks through (at most one with back-references)")
    return None


def ere_error(pattern: str) -> RegexError | None:
    """Why glibc's ``regcomp(REG_EXTENDED)`` rejects ``pattern`` in the C locale; None if it compiles it.

    None also where glibc versions disagree: the check never rejects an expression glibc accepts.
    """
    try:
        _Ere(pattern.encode("utf-8", "surrogateescape")).parse()
    except RegexError as error:
        return error
    except RecursionError:  # thousands of nested groups: don't guess
        return None
    return None


# -- the rules ------------------------------------------------------------------------------


@rule("LVS501", "timeout-not-positive", ERROR, "a health-check timeout of 0 or less")
def timeout_not_positive(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual (or, with `service = fos`, failover) block whose
    `timeout` is 0 or negative.

    ## Why is this bad?
    `timeout` is both nanny's check interval and its connect/read/program
    timeout, and nanny divides by it at start-up (`reentry / timeout`, the
    number of good checks needed to re-admit a server).  With `timeout = 0`
    every nanny of the block dies of a division by zero before its first
    check: lvsd notices the dead monitors and, with `hard_shutdown = 1` (the
    default), shuts the whole LVS down; with `hard_shutdown = 0` the virtual
    service runs without any real server.  A failover's monitor dies the same
    way, and fos takes a dead monitor for a failed service.

    A negative timeout makes every wait endless: nanny checks each server once
    and then sleeps for good (`alarm()` of a negative time is about 136 years),
    so a failed server is never removed.

    ## Example
    ```
    virtual www {
         active = 1
         timeout = 0
         ...
    }
    ```
    Use instead: a positive number of seconds, e.g. `timeout = 6` (the GUI's default).
    """
    for block in _monitored(config):
        if block.timeout > 0:
            continue
        if block.timeout == 0:
            if isinstance(block, Failover):
                effect = "its monitor dies at start-up (division by zero) and fos takes that for a failed service"
            elif config.hard_shutdown:
                effect = ("every nanny of it dies at start-up (division by zero), and lvsd then shuts the whole LVS "
                          "down (hard_shutdown = 1)")
            else:
                effect = ("every nanny of it dies at start-up (division by zero), so its real servers are never "
                          "added")
        else:
            effect = ("nanny's waits become endless, so it checks each real server at most once and never notices a "
                      "failure")
        yield Finding(value_of(block, "timeout"), f"{where(block)} has timeout {block.timeout}: {effect}",
                      hint="use a positive number of seconds, e.g. `timeout = 6`")


@rule("LVS502", "reentry-below-timeout", WARNING, "reentry shorter than timeout, so one good check re-admits a server")
def reentry_below_timeout(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual whose `reentry` is shorter than its `timeout`
    (`reentry = 0` is LVS503).

    ## Why is this bad?
    After a failed check nanny re-admits a real server once it has passed
    `reentry / timeout` consecutive checks (integer division, at least one).
    With `reentry` below `timeout` that is a single check: a flapping server
    goes back into the pool after the first good answer, and `reentry` has no
    effect at all.  The same happens when `timeout` exceeds the default reentry
    of 180 seconds.  Failover blocks are not checked: fos does not use reentry.

    ## Example
    ```
    timeout = 30
    reentry = 10
    ```
    Use instead: a multiple of `timeout`, e.g. `timeout = 6` and `reentry = 18`
    (three good checks in a row).
    """
    for virtual in _monitored_virtuals(config):
        timeout, reentry = virtual.timeout, virtual.reentry
        if timeout <= 0 or reentry == 0 or reentry >= timeout:
            continue
        hint = (f"set reentry to a multiple of timeout: nanny needs reentry / timeout consecutive good checks "
                f"(e.g. reentry = {3 * timeout} for three)")
        effect = "nanny re-admits a failed real server after a single good check"
        if raw_value(virtual, "reentry") is not None:
            yield Finding(value_of(virtual, "reentry"),
                          f"reentry {reentry} of {where(virtual)} is shorter than its timeout {timeout}: {effect}",
                          hint=hint, related=(("the timeout", setting_of(virtual, "timeout")),))
        elif _unwritten(virtual, "reentry"):
            yield Finding(value_of(virtual, "timeout"),
                          f"timeout {timeout} of {where(virtual)} is longer than the default reentry of 180 "
                          f"seconds: {effect}", hint=hint)


@rule("LVS503", "reentry-zero", INFO, "reentry = 0 means 180 seconds, not immediate re-entry")
def reentry_zero(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `reentry = 0` in an active virtual.

    ## Why is this bad?
    It reads like "re-admit a recovered server at once", but nanny replaces 0
    by its own default of 180 seconds: a server that failed once must then pass
    `180 / timeout` checks in a row (30 with `timeout = 6`) before it gets
    traffic again.

    ## Example
    ```
    timeout = 6
    reentry = 0
    ```
    Use instead: `reentry = 6` (equal to timeout: one good check re-admits the
    server), or write `reentry = 180` if the default is what you want.
    """
    for virtual in _monitored_virtuals(config):
        if virtual.reentry != 0 or raw_value(virtual, "reentry") is None:
            continue
        checks = f" ({max(1, threshold(0, virtual.timeout))} good checks in a row at timeout {virtual.timeout})" \
            if virtual.timeout > 0 else ""
        yield Finding(value_of(virtual, "reentry"),
                      f"reentry 0 of {where(virtual)} does not mean immediate re-entry: nanny uses its default of "
                      f"180 seconds{checks}",
                      hint="to re-admit a server after one good check set reentry to the timeout; to keep 180 "
                           "seconds write it")


@rule("LVS504", "send-program-without-expect", ERROR, "send_program without expect: every check fails")
def send_program_without_expect(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `send_program` in an active block that has no `expect`.

    ## Why is this bad?
    nanny judges the program only by comparing its output with `expect`.
    Without `expect` it counts every check as failed, whatever the program
    prints or returns, so the real servers are never added to the virtual
    service (a failover's standby takes the service for dead and fails over).

    ## Example
    ```
    send_program = "/usr/local/bin/check_db %h"
    ```
    Use instead:
    ```
    send_program = "/usr/local/bin/check_db %h"
    expect = "OK"
    ```
    and make the program print `OK` and a newline when the service is healthy.
    """
    for block in _monitored(config):
        if block.send_program is not None and block.expect is None and _unwritten(block, "expect"):
            yield Finding(value_of(block, "send_program"),
                          f"{where(block)} has send_program but no expect: nanny counts every check as failed, "
                          f"so {_never_up(block)}",
                          hint="add `expect` with the exact text the program prints when the service is healthy "
                               "(without the final newline)")


_PROGRAM_BUFFER = 255  # nanny's `char temp[255]`
_PROGRAM_WORDS = 39  # nanny's `char *argv[40]`, one slot for the final NULL


@rule("LVS505", "send-program-too-long", WARNING, "a send_program that overflows nanny's buffers")
def send_program_too_long(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `send_program` of 255 bytes or more, or of more than 39 words.

    ## Why is this bad?
    nanny copies the command line into a 255-byte buffer with `strcpy` and
    splits it into an array of 40 argument pointers (the last one is the end
    marker).  A longer command line writes past the buffer, more words write
    past the array: nanny's stack is corrupted, and it may crash or run
    something else than intended.  The GUI caps the field at 255 characters.

    ## Example
    ```
    send_program = "/usr/local/lib/monitoring/checks/... (300 characters)"
    ```
    Use instead: a short wrapper script, e.g. `send_program = "/usr/local/bin/check_web %h %p"`.
    """
    for block in _monitored(config):
        program = block.send_program
        if program is None:
            continue
        size = _nbytes(program)
        words = sum(1 for word in program.split(" ") if word)  # strtok: runs of spaces make no empty words
        if size >= _PROGRAM_BUFFER:
            problem = f"is {size} bytes long: nanny copies it into a {_PROGRAM_BUFFER}-byte buffer, which overflows"
        elif words > _PROGRAM_WORDS:
            problem = f"has {words} words: nanny's argument array holds {_PROGRAM_WORDS}, the rest overflows it"
        else:
            continue
        yield Finding(value_of(block, "send_program"), f"send_program of {where(block)} {problem}",
                      hint="put the command line into a script and call the script with %h and %p")


def _program_text(block: ServiceBlock) -> tuple[str, int]:
    """send_program as nanny splits it, without the single quotes LVS1xx already reports; and its offset."""
    program = block.send_program or ""
    word = raw_value(block, "send_program")
    if word is not None and word.quote == "'" and len(program) >= 2 and program[0] == program[-1] == "'":
        return program[1:-1], 1
    return program, 0


def _words(text: str) -> Iterator[tuple[int, str]]:
    """The words of ``text`` as nanny's ``strtok(temp, " ")`` cuts them (spaces only), with their offsets."""
    start = 0
    for part in text.split(" "):
        if part:
            yield start, part
        start += len(part) + 1


_OPERATORS = frozenset({"|", "||", "|&", "&", "&&", ";", ";;", "!", "{", "}", "(", ")", "[[", "]]"})
_VARIABLE = re.compile(r"(?:^|=)\$[A-Za-z_][A-Za-z0-9_]*|\$[({]")


def _shell_syntax(word: str, first: bool) -> str | None:
    """The shell construct a word of send_program shows, if any.

    Kept to constructs nobody means literally: an operator word, an operator at either end of a word (a `|`,
    `;` or `&` inside a word, as in URLs and patterns, is left alone), quotes, `$(`, `${`, `$NAME` at the start
    of a word or after `=` (a `$` inside a password is left alone), redirections, `~` at the start, a backslash
    before a space, and `NAME=value` as the first word.
    """
    if word in _OPERATORS:
        return word
    for char in "\"'`":
        if char in word:
            return char
    variable = _VARIABLE.search(word)
    if variable is not None:
        return variable.group().lstrip("=")
    if first and "=" in word and word.split("=", 1)[0].isidentifier():
        return word  # NAME=value command
    if word.lstrip("0123456789")[:1] in ("<", ">") or word.startswith("&>"):
        return word  # >file, 2>&1, <input, &>log
    for operator in ("&&", "||", "|&"):
        if operator in word:
            return operator
    if word[0] in "|;&" or word[-1] in "|;&\\":
        return word[0] if word[0] in "|;&" else word[-1]
    if word.startswith("~"):
        return "~"
    return None


@rule("LVS506", "send-program-shell-syntax", WARNING, "send_program written for a shell nanny does not use")
def send_program_shell_syntax(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `send_program` that uses shell syntax: quotes, pipes (`|`),
    redirections (`>`, `2>&1`, `<`), command separators (`;`, `&&`, `||`), a
    trailing `&`, variables and command substitution (`$HOME`, `$(...)`,
    backquotes), a leading `~` or `NAME=value`, or a backslash before a space.

    ## Why is this bad?
    nanny runs the program without a shell: it cuts the command line at every
    space (no quoting, no escaping) and passes the words to `execvp`, which
    searches `PATH`.  Quotes, `|`, `>`, `;`, `&`, `$`, `` ` ``, `~` and `\\` all
    reach the program as literal characters in its arguments: `"a b"` becomes
    the two arguments `"a` and `b"`, `| grep OK` becomes three arguments, and
    `NAME=value prog` tries to run a program called `NAME=value`.  The check then
    tests something else than intended, and since a program that fails counts
    as a success (LVS508), the mistake goes unnoticed.  `*`, `?` and `[` are not
    flagged: they often belong in an argument (a URL), and reach the program
    literally too.

    ## Example
    ```
    send_program = "/usr/bin/nc -z %h 8080 && echo OK"
    ```
    Use instead: a script (`#!/bin/sh`, taking the address as `$1`) that runs the
    command line and prints the result, e.g. `send_program = "/usr/local/bin/check_port %h 8080"`.
    """
    for block in _monitored(config):
        if block.send_program is None:
            continue
        text, offset = _program_text(block)
        found: list[str] = []
        first_at = None
        for position, (at, word) in enumerate(_words(text)):
            construct = _shell_syntax(word, position == 0)
            if construct is not None and construct not in found:
                found.append(construct)
                if first_at is None:
                    first_at = (at, at + len(word))
        if first_at is None:
            continue
        shown = ", ".join(f"`{construct}`" for construct in found)
        yield Finding(_span(block, "send_program", offset + first_at[0], offset + first_at[1]),
                      f"send_program of {where(block)} uses shell syntax ({shown}): nanny runs it without a shell, "
                      f"cutting it at spaces, so these reach the program as literal arguments",
                      hint="move the command line into a script and set send_program to the script, with %h and %p "
                           "as words of their own")


@rule("LVS507", "send-program-placeholder-glued", WARNING, "%h or %p inside a word of send_program")
def send_program_placeholder_glued(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `%h` or `%p` written inside a longer word of `send_program`, as in
    `--host=%h`, `%h:%p` or `http://%h/`.

    ## Why is this bad?
    nanny replaces a word only when it is exactly `%h` (the real server's
    address) or exactly `%p` (its port).  Inside a longer word the placeholder
    stays as it is: the program receives the literal text `--host=%h` and
    checks the wrong host, or none.

    ## Example
    ```
    send_program = "/usr/local/bin/check_http --host=%h --port=%p"
    ```
    Use instead: `send_program = "/usr/local/bin/check_http --host %h --port %p"`
    (if the program accepts separate words), or a wrapper script that builds the options.
    """
    for block in _monitored(config):
        if block.send_program is None or "%" not in block.send_program:
            continue
        text, offset = _program_text(block)
        glued = [(at, word) for at, word in _words(text)
                 if word not in ("%h", "%p") and ("%h" in word or "%p" in word)]
        if not glued:
            continue
        at, word = glued[0]
        shown = ", ".join(f"`{w}`" for _, w in glued)
        yield Finding(_span(block, "send_program", offset + at, offset + at + len(word)),
                      f"send_program of {where(block)} has %h or %p inside {shown}: nanny replaces only words that "
                      f"are exactly %h or %p, so the program receives this text literally",
                      hint="write %h and %p as separate words (`--host %h`), or wrap the program in a script that "
                           "builds the option")


@rule("LVS508", "send-program-exit-status", WARNING,
      "how nanny judges a send_program, and a send_program that cannot tell the real servers apart")
def send_program_exit_status(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports each active block that checks its servers with `send_program` (and
    has an `expect`; without one see LVS504), once per block: as a **warning**
    when the program cannot tell the virtual's real servers apart, otherwise as
    **info**.

    A program cannot tell them apart when a virtual has several active real
    servers and nanny would run the identical command line for each of them:
    `send_program` has no `%h` word (or only inside a longer word such as
    `--host=%h`, which nanny does not replace), or the servers share one
    address and it has no `%p` word for their different ports.

    ## Why is this bad?
    lvsd starts one nanny per real server, and each nanny replaces the words
    `%h` and `%p` of `send_program` by its server's address and port.  Without
    them every nanny runs the same check, which says nothing about its own
    server: all the servers pass or fail together.  A real server that is down
    stays in the pool as long as the check passes, and when the check fails
    every server is removed at once.

    nanny also does not judge the program by its exit status.  It reads its
    standard output once (at most 4095 bytes), drops the last byte (meant to be
    the newline), and compares the rest **exactly** with `expect` (not as a
    prefix, not as a regular expression: `use_regex` does not apply).  Worse,
    when the program exits with a non-zero status, is killed, or cannot be
    started at all (wrong path, not executable), nanny counts the check as a
    **success**.  A script written the usual way (`exit 1` when the service is
    down) therefore keeps dead servers in the pool, and a typo in the path
    passes every check.  Output without a final newline loses its last real
    character (`OK` is read as `O`).

    ## Example
    ```
    send_program = "/usr/local/bin/check_db"
    expect = "OK"
    ```
    in a virtual with two real servers, and a script that exits 1 when the
    database is down.  Use instead: `send_program = "/usr/local/bin/check_db
    %h"`, with a script that checks the host it is given, always exits 0, and
    prints exactly `OK` and a newline when the service is healthy, and
    something else (`FAIL`) when it is not.
    """
    for block in _monitored(config):
        if block.send_program is None or block.expect is None:
            continue
        same = _same_check_for_all(block)
        if same is not None:
            lacks, servers, hint = same
            yield Finding(value_of(block, "send_program"),
                          f"send_program of {where(block)} {lacks}: nanny runs the identical check for each of its "
                          f"{servers} real servers, so they all pass or fail together: a real server that is down "
                          f"stays in the pool while the check passes, and when it fails every server is removed at "
                          f"once",
                          hint=hint)
            continue
        yield Finding(value_of(block, "send_program"),
                      f"{where(block)} checks with send_program: nanny counts a non-zero exit, a crash or a program "
                      f"that cannot start as success, and otherwise compares the output, minus its last byte, "
                      f"exactly with expect {_q(block.expect)}",
                      hint=f"make the program always exit 0 and print exactly {_q(block.expect)} and a newline "
                           f"when healthy, anything else when not",
                      severity=INFO)


def _same_check_for_all(block: ServiceBlock) -> tuple[str, int, str] | None:
    """When every real server of a virtual gets the identical send_program command line: what the program
    lacks, how many distinct servers there are, and a hint."""
    if not isinstance(block, Virtual):
        return None  # fos checks one service, the partner's
    servers = {(str(server.address), server.port) for server in block.servers if server.active}
    if len(servers) < 2:
        return None
    text, _ = _program_text(block)
    words = [word for _, word in _words(text)]
    commands = {tuple(address if w == "%h" else str(port) if w == "%p" else w for w in words)
                for address, port in servers}
    if len(commands) > 1:
        return None
    if "%h" not in words:
        glued = any("%h" in w for w in words)
        lacks = ("has %h only inside a longer word, which nanny does not replace" if glued else "has no %h")
        hint = ("write %h as a word of its own where the program takes the host: nanny replaces it with each real "
                "server's address (e.g. `/usr/local/bin/check_db %h`)")
        return lacks, len(servers), hint
    address = next(iter(servers))[0]
    no_p = "has %p only inside a longer word" if any("%p" in w for w in words) else "has no %p"
    lacks = f"{no_p}, and its real servers share the address {address}"
    hint = ("add %p as a word of its own where the program takes the port: nanny replaces it with each real "
            "server's port (e.g. `/usr/local/bin/check_db %h %p`)")
    return lacks, len(servers), hint


@rule("LVS509", "send-ignored", WARNING, "send together with send_program: send is ignored")
def send_ignored(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `send` in an active block that also has `send_program`.

    ## Why is this bad?
    `send_program` replaces the socket check: nanny drops `send` (logging
    "IGNORING send string option") and never connects to the service itself.
    Whoever wrote both probably expects the string to be sent, or the program to
    receive it; neither happens.

    ## Example
    ```
    send_program = "/usr/local/bin/check_tcp_port.sh %h 3306"
    send = "\\n"
    expect = "OK"
    ```
    Use instead: remove `send` (or remove `send_program` to use the send/expect socket check).
    """
    for block in _monitored(config):
        if block.send is not None and block.send_program is not None:
            yield Finding(setting_of(block, "send"),
                          f"send of {where(block)} is ignored: nanny runs send_program instead of connecting, and "
                          f"drops send",
                          hint="remove `send`, or remove `send_program` to use the send/expect socket check",
                          related=(("the send_program", setting_of(block, "send_program")),))


_READ_MAX = 254  # nanny reads into `char read_buf[255]`
_GUI_MAX = 255  # the GUI's form fields


@rule("LVS510", "send-expect-too-long", WARNING, "an expect longer than nanny reads, or a send the GUI cannot hold")
def send_expect_too_long(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an `expect` longer than 254 bytes (after nanny's backslash
    conversion) where nanny compares it as a prefix, and (as information) a
    `send` longer than 255 characters.

    ## Why is this bad?
    nanny reads at most 254 bytes of the reply and compares only that many
    bytes of `expect`: the rest of a longer `expect` is silently ignored, so the
    check is weaker than it looks.  (A regular expression, `use_regex = 1`, is
    matched against those 254 bytes, and a `send_program`'s output is compared
    whole, so neither case is flagged.)

    nanny sends a long `send` whole, but Piranha's GUI holds at most 255
    characters per field and cuts lines longer than 300 bytes when it saves the
    file, dropping their line end: editing such a file in the GUI damages it.

    ## Example
    ```
    expect = "HTTP/1.1 200 OK\\r\\nServer: ... (300 characters)"
    ```
    Use instead: `expect = "HTTP/1.1 200 OK"`, or `use_regex = 1` with a
    pattern that finds the distinctive part within the first 254 bytes.
    """
    for block in _monitored(config):
        expect = _converted(block, "expect")
        regex = isinstance(block, Virtual) and block.use_regex
        if expect is not None and block.send_program is None and not regex and _nbytes(expect) > _READ_MAX:
            yield Finding(value_of(block, "expect"),
                          f"expect of {where(block)} is {_nbytes(expect)} bytes long: nanny reads and compares only "
                          f"the first {_READ_MAX} bytes of the reply",
                          hint="shorten expect to the distinctive start of a healthy reply")
        if block.send is not None and block.send_program is None and len(block.send) > _GUI_MAX:
            yield Finding(value_of(block, "send"),
                          f"send of {where(block)} is {len(block.send)} characters long: nanny sends it whole, but "
                          f"Piranha's GUI holds {_GUI_MAX} and cuts longer lines when it saves the file",
                          hint="keep the file out of the GUI, or shorten send", severity=INFO)


@rule("LVS511", "regex-ignored", WARNING, "use_regex = 1 where nanny does not use a regular expression")
def regex_ignored(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `use_regex = 1` in an active virtual where nanny matches no regular
    expression: without `expect`, or together with `send_program`.  (In a
    failover block fos ignores `use_regex` altogether: LVS416.)

    ## Why is this bad?
    nanny matches `expect` as a POSIX extended regular expression only in its
    own socket check.  Without `expect` there is nothing to match: a TCP check
    only tests that it can connect.  With `send_program` the program's output
    is compared exactly with `expect`, so a pattern such as `^OK` never matches.
    Either way the setting is not doing what was meant.

    ## Example
    ```
    use_regex = 1
    send = "GET / HTTP/1.0\\r\\n\\r\\n"
    ```
    Use instead: add `expect = "^HTTP/1\\\\.[01] 200"`, or remove `use_regex`.
    """
    for block in _monitored_virtuals(config):
        if not block.use_regex:
            continue
        if block.send_program is not None:
            why = "with send_program nanny compares the program's output exactly with expect"
        elif block.expect is None and not block.implicit_http and _unwritten(block, "expect"):
            why = "there is no expect to match"
        else:
            continue
        yield Finding(value_of(block, "use_regex"), f"use_regex in {where(block)} has no effect: {why}",
                      hint="remove `use_regex`, or give the socket check an `expect` pattern")


@rule("LVS512", "invalid-regex", ERROR, "an expect that is not a valid POSIX extended regular expression")
def invalid_regex(config: Config) -> Iterator[Finding]:
    """## What it does
    With `use_regex = 1`, flags an `expect` that glibc's `regcomp` rejects as a
    POSIX extended regular expression: an unbalanced `(` or `[`, a `*`, `+`, `?`
    or `{n}` with nothing to repeat (at the start, after `(`, `|`, `^` or `$`,
    Perl's `(?:` and `(?i)`), a `{` that is not a valid repeat count (a literal
    brace is `[{]`), a repeat count above 32767 or with its minimum above its
    maximum, an unknown class such as `[[:word:]]`, a range that runs backwards
    (`[z-a]`, `[a-c-e]`), a back-reference to a group not yet closed, a
    trailing backslash.

    ## Why is this bad?
    nanny compiles `expect` with `regcomp(REG_EXTENDED)` (after its backslash
    conversion, LVS518) at its first check.  When that fails it logs "Error
    '...' processing expected regular expression", counts the check as failed,
    and tries again at the next check, with the same result: every check
    fails, so the real servers are never added.  lvscf follows glibc's own
    parser (in the C locale, as nanny never sets a locale) and reports only
    what every glibc version rejects.

    ## Example
    ```
    use_regex = 1
    expect = "(?:200|302)"
    ```
    Use instead: `expect = "^HTTP/1\\\\.[01] (200|302)"` (POSIX groups have no `?:`;
    a literal dot is `\\\\.` or `[.]` in lvs.cf, see LVS518).
    """
    for virtual in _monitored_virtuals(config):
        if not virtual.use_regex or virtual.send_program is not None or virtual.expect is None:
            continue
        expect = _converted(virtual, "expect")
        if expect is None:
            continue  # nanny hangs before it compiles anything: LVS518
        error = ere_error(expect)
        if error is None:
            continue
        yield Finding(value_of(virtual, "expect"),
                      f"expect {_q(virtual.expect)} of {where(virtual)} is not a valid POSIX extended regular "
                      f"expression: {error.why}; regcomp fails (\"{_REGERROR[error.error]}\") and every check fails, "
                      f"so {_never_up(virtual)}",
                      hint="fix the expression (POSIX extended syntax); to match a special character literally put it "
                           "in brackets, e.g. `[.]`, `[{]`, `[(]`")


def costly_regex(virtual: Virtual) -> tuple[str, str] | None:
    """(the expect as nanny compiles it, why matching it can exhaust the director), for a regex check; else None.

    Shared by LVS521 and the keepalived converter, which refuses to write such a check.
    """
    if not virtual.use_regex or virtual.send_program is not None or virtual.expect is None:
        return None
    expect = _converted(virtual, "expect")
    if expect is None:
        return None  # nanny hangs before it compiles anything: LVS518
    found = ere_cost(expect)
    return None if found is None else (expect, found[1])


@rule("LVS521", "regex-too-costly", ERROR, "an expect regex that can exhaust the director's CPU or memory")
def regex_too_costly(config: Config) -> Iterator[Finding]:
    """## What it does
    With `use_regex = 1`, flags an `expect` that glibc's matcher needs a lot of
    memory or time for:

    * more than 1000 nodes once glibc writes its counted repetitions out
      (`x{2,5}` is compiled as `xx`, then three optional copies of `x`; nested
      counts multiply: `((a{1,100}){1,100}){1,100}` is two million nodes);
    * a back-reference (`\\1`, written `\\\\1` in lvs.cf) inside a repetition, or to a
      group inside one (`(.)*\\1`, `((.)\\2)*`);
    * back-references together with more than one repetition of variable length
      (`*`, `+`, `?`, `{m,n}`), as in `(.*)(.*)\\2\\1`;
    * groups nested more than 100 deep.

    ## Why is this bad?
    nanny compiles the expression and matches it against the reply at every
    check of every real server.  glibc's compile time and memory grow with the
    square of the nodes, faster when repetitions nest:
    `((a{1,100}){1,100}){1,100}` takes 16 s and 1.8 GB per check.  glibc
    matches back-references by backtracking, trying every way to split the
    reply between the variable parts, so a real server's reply of 254 bytes
    keeps `(.*)(.*)\\2\\1b` busy for more than 30 s.  With one check per real
    server this exhausts the director.  The bound is generous for real
    patterns (1000 nodes compile in well under a second, in a few MB) and one
    variable part with back-references stays under a second for any 254-byte
    reply.  `lvscf-probe` also stops a match at a time and memory limit and
    fails the check, and `lvscf convert --to keepalived` refuses to write such
    a check (LVS725).

    ## Example
    ```
    use_regex = 1
    expect = "^(HTTP/1\\\\.[01] [0-9]{3} ){1,100}"
    ```
    Use instead: `expect = "^HTTP/1\\\\.[01] [0-9]{3} "`: the reply is at most 254
    bytes, so large counts match nothing more.
    """
    for virtual in _monitored_virtuals(config):
        found = costly_regex(virtual)
        if found is None:
            continue
        yield Finding(value_of(virtual, "expect"),
                      f"expect {_q(virtual.expect)} of {where(virtual)} is too costly to match: {found[1]}; "
                      f"glibc's matcher can take seconds of CPU and gigabytes of memory at every check of every "
                      f"real server",
                      hint="simplify the expression: smaller counted repetitions (the reply has at most 254 bytes), "
                           "and no back-references where anything else is repeated")


#: TCP ports whose usual service waits for the client to speak first
_CLIENT_FIRST = {53: "DNS", 80: "HTTP", 389: "LDAP", 443: "HTTPS", 636: "LDAPS", 3128: "HTTP proxy",
                 5432: "PostgreSQL", 6379: "Redis", 8000: "HTTP", 8008: "HTTP", 8080: "HTTP", 8443: "HTTPS",
                 8888: "HTTP", 11211: "memcached"}


@rule("LVS513", "expect-without-send", WARNING, "expect without send on a service that waits for a request")
def expect_without_send(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an `expect` without `send` (or with an empty one) and without
    `send_program`, in a TCP check of a port whose service speaks only when
    spoken to: HTTP (80, 8000, 8008, 8080, 8888, 3128), HTTPS (443, 8443), DNS
    (53), LDAP (389, 636), PostgreSQL (5432), Redis (6379), memcached (11211).
    The port is the real servers' port, which nanny connects to.

    ## Why is this bad?
    nanny connects, sends `send` if there is one, then waits up to `timeout`
    seconds for the reply to compare with `expect`.  These services send
    nothing until they have a request, so the wait always times out and every
    check fails: the real servers are never added.  (`expect` without `send` is
    right for services that greet first: FTP, SMTP, POP3, IMAP, SSH, MySQL; they
    are not flagged.)  On virtual port 80, removing `expect` as well brings back
    nanny's built-in HTTP check (LVS515).

    ## Example
    ```
    port = 80
    expect = "HTTP"
    ```
    Use instead:
    ```
    port = 80
    send = "GET / HTTP/1.0\\r\\n\\r\\n"
    expect = "HTTP"
    ```
    """
    for block in _monitored(config):
        if (block.expect is None or block.send_program is not None or block.send
                or block.protocol is not Protocol.tcp):
            continue
        ports = [port for port in _checked_ports(block) if port in _CLIENT_FIRST]
        if not ports or not _unwritten(block, "send_program", *(("send",) if block.send is None else ())):
            continue
        services = sorted({_CLIENT_FIRST[port] for port in ports})
        shown = ", ".join(str(port) for port in ports)
        sends = "sends nothing (send is empty)" if block.send == "" else "sends nothing"
        hint = ('add a request, e.g. `send = "GET / HTTP/1.0\\r\\n\\r\\n"`' if "HTTP" in services
                else "add a `send` the service answers")
        if block.port == 80 and block.send is None:
            hint += ", or remove expect to get nanny's built-in HTTP check"
        yield Finding(value_of(block, "expect"),
                      f"{where(block)} expects {_q(block.expect)} but {sends}: {' and '.join(services)} on port "
                      f"{shown} answers only requests, so each check times out{_after(block)} and fails: "
                      f"{_never_up(block)}", hint=hint)


_LOAD_MONITORS = frozenset({"none", "rup", "ruptime", "uptime"})


@rule("LVS514", "unknown-load-monitor", WARNING, "a load_monitor nanny runs as a command")
def unknown_load_monitor(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `load_monitor` of an active virtual that is not `none`, `rup`,
    `ruptime` or `uptime` (nor `rsh` or `ssh`, which nanny treats like `uptime`).

    ## Why is this bad?
    nanny compares the value with exactly `none`; anything else is a command it
    runs with the real server's address as argument, about every 20 seconds,
    looking for a load average in its output.  `uptime` is mapped by lvsd to
    `rsh_command` and nanny adds the argument `uptime` only when the command is
    exactly `rsh` or `ssh`.  So `NONE` tries to run a program called `NONE`
    (and logs a failure every 20 seconds), `/usr/bin/ssh` logs into the server
    without running `uptime`, and a typo never adjusts any weight.  (Failover
    blocks are not checked: fos does not use load_monitor.)

    ## Example
    ```
    load_monitor = NONE
    ```
    Use instead: `load_monitor = none` (or leave it out).
    """
    for virtual in _monitored_virtuals(config):
        value = virtual.load_monitor
        if value is None or value in _LOAD_MONITORS or value in ("rsh", "ssh"):
            continue
        runs = f"nanny runs `{value} <server address>` about every 20 seconds"
        if value.lower() in _LOAD_MONITORS:
            message = f"nanny compares it with exactly `{value.lower()}`, so {runs} (and logs its failure)"
            hint = f"write `load_monitor = {value.lower()}`"
        elif value.rsplit("/", 1)[-1] in ("rsh", "ssh"):
            message = (f"{runs} without the argument `uptime` (added only to exactly `rsh` or `ssh`), so it reads no "
                       f"load average")
            hint = "write `load_monitor = uptime` and `rsh_command = ssh` (or rsh)"
        else:
            message = f"it is not none, rup, ruptime or uptime, so {runs} and looks for a load average in its output"
            hint = "write `load_monitor = none`, rup, ruptime or uptime"
        yield Finding(value_of(virtual, "load_monitor"), f"load_monitor {_q(value)} of {where(virtual)}: {message}",
                      hint=hint)


_HTTP_SEND = "GET / HTTP/1.0\\r\\n\\r\\n"


@rule("LVS515", "implicit-http-check", INFO, "virtual port 80 without send, expect or send_program")
def implicit_http_check(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports an active block on (virtual) port 80 that sets none of `send`,
    `expect` and `send_program`.

    ## Why is this bad?
    It is not wrong, but it is invisible: instead of only testing that it can
    connect, as on any other port, nanny then sends `GET / HTTP/1.0\\r\\n\\r\\n`
    to each real server (on the real server's port) and expects a reply that
    starts with `HTTP`.  A server that answers `/` slowly or not at all over
    HTTP/1.0, or a non-HTTP service behind port 80, fails that check.  Writing
    the check out makes it visible and adjustable.

    ## Example
    ```
    port = 80
    ```
    Use instead:
    ```
    port = 80
    send = "GET / HTTP/1.0\\r\\n\\r\\n"
    expect = "HTTP"
    ```
    """
    for block in _monitored(config):
        if not block.implicit_http or not _unwritten(block, "send", "expect", "send_program"):
            continue
        ports = _checked_ports(block)
        to = "" if ports == [80] else f" (to port {', '.join(str(p) for p in ports)})"
        yield Finding(value_of(block, "port"),
                      f"{where(block)} on port 80 sets no send, expect or send_program: nanny sends its built-in "
                      f"{_q(_HTTP_SEND)}{to} and expects a reply starting with \"HTTP\"",
                      hint=f'write the check out: `send = "{_HTTP_SEND}"` and `expect = "HTTP"`')


@rule("LVS516", "udp-check-without-request", ERROR, "a UDP check that sends nothing")
def udp_check_without_request(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active block with `protocol = udp` that has neither `send` nor
    `send_program` (and is not on port 80 with nanny's built-in check).

    ## Why is this bad?
    For UDP nanny always waits up to `timeout` seconds for a reply datagram.
    Without `send` it sends nothing, and a UDP service cannot speak first: it
    does not know nanny's socket until it receives a datagram from it.  So every
    check times out and fails, and the real servers are never added.

    ## Example
    ```
    protocol = udp
    port = 53
    expect = "*"
    ```
    Use instead: a `send_program` that queries the service (e.g.
    `send_program = "/usr/local/bin/check_dns %h"` with `expect = "OK"`), or a
    `send` the service answers, with an `expect`.
    """
    for block in _monitored(config):
        if (block.protocol is not Protocol.udp or block.send is not None or block.send_program is not None
                or block.implicit_http or not _unwritten(block, "send", "send_program")):
            continue
        yield Finding(value_of(block, "protocol"),
                      f"{where(block)} checks over UDP but sends nothing: no UDP service replies unasked, so each "
                      f"check times out{_after(block)} and fails: {_never_up(block)}",
                      hint="use a `send_program` that queries the service (with `expect`), or a `send` it answers "
                           "with an `expect`")


@rule("LVS517", "expect-single-star", INFO, 'expect = "*": any single byte of reply')
def expect_single_star(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports `expect = "*"`.

    ## Why is this bad?
    In nanny's socket check (without `use_regex`) an `expect` of exactly `*` is
    a wildcard, not a glob: nanny reads one byte and accepts anything, even the
    server closing the connection.  The check therefore proves only that the
    service accepts a connection and then answers or hangs up within `timeout`
    seconds.  With `send_program` there is no wildcard at all: the program must
    print a lone `*`, which is almost certainly not what was meant (reported as
    a warning).

    ## Example
    ```
    send = "HEAD / HTTP/1.0\\r\\n\\r\\n"
    expect = "*"
    ```
    Use instead: `expect = "HTTP/1."` (a prefix of the reply that a healthy
    server gives), or leave `expect` out if connecting is all you want to test.
    """
    for block in _monitored(config):
        if block.expect != "*":
            continue
        if block.send_program is not None:
            yield Finding(value_of(block, "expect"),
                          f'expect "*" of {where(block)} is not a wildcard with send_program: nanny compares the '
                          f"program's output exactly with `*`",
                          hint="set expect to the exact text the program prints when the service is healthy",
                          severity=WARNING)
        elif not (isinstance(block, Virtual) and block.use_regex):  # with use_regex: an invalid regex, LVS512
            yield Finding(value_of(block, "expect"),
                          f'expect "*" of {where(block)} accepts any single byte of reply, or the connection '
                          f"closing: it is a wildcard, not a glob",
                          hint="expect a prefix of a healthy reply instead, or drop expect to test only the "
                               "connection")


@rule("LVS518", "unsupported-escape", ERROR, "a backslash in send or expect that hangs nanny")
def unsupported_escape(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a backslash in `send` or `expect` that is not one of the escapes
    nanny knows: `\\\\`, `\\r`, `\\n`, `\\t`, `\\'` and `\\"`.  This includes
    regular-expression escapes such as `\\.`, `\\d` or `\\(`, and a backslash at
    the end of the value.

    ## Why is this bad?
    nanny converts these escapes when it starts (in strings of two or more
    characters).  Its conversion loop moves past a backslash only when it
    knows the escape; on any other it finds the same backslash again, forever.
    nanny never gets to its first check: it spins at full CPU, and the real
    servers are never added (a failover's partner is never watched).  Piranha's
    documentation claims a backslash escapes any character; it does not.  The
    `send` of a block with `send_program` is not converted (nanny drops it).

    ## Example
    ```
    use_regex = 1
    expect = "HTTP/1\\.[01] 200"
    ```
    Use instead: `expect = "HTTP/1\\\\.[01] 200"` (nanny turns `\\\\` into one
    backslash), or `expect = "HTTP/1[.][01] 200"`.
    """
    for block in _monitored(config):
        keys = ("send", "expect") if block.send_program is None else ("expect",)
        for key in keys:
            value = getattr(block, key)
            if value is None:
                continue
            _, at = convert_text(value)
            if at < 0:
                continue
            shown = value[at:at + 2]
            effect = ("the partner's service is never watched" if isinstance(block, Failover)
                      else _never_up(block))
            yield Finding(_span(block, key, at, at + len(shown)),
                          f"{key} of {where(block)} contains `{shown}`, an escape nanny does not know: nanny loops "
                          f"forever on it at start-up and never checks, so {effect}",
                          hint=f"write `\\\\{shown[1:]}` for a backslash followed by {_q(shown[1:])}; the escapes "
                               f"nanny knows are \\\\ \\r \\n \\t \\' \\\"" if len(shown) == 2 else
                               "remove the final backslash, or double it (`\\\\`)")


@rule("LVS519", "udp-check-without-expect", ERROR, "a UDP check with send but no expect crashes nanny")
def udp_check_without_expect(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active block with `protocol = udp`, a `send` and no `expect` (and
    no `send_program`).

    ## Why is this bad?
    For UDP nanny always waits for a reply.  When one arrives it looks at the
    first character of `expect` to test for the `*` wildcard without checking
    that there is an `expect`: it reads a null pointer and crashes.  lvsd
    then sees a dead monitor and, with `hard_shutdown = 1` (the default), shuts
    the whole LVS down.  When no reply arrives the check fails and the server
    is never added.  Either way the check cannot work.

    ## Example
    ```
    protocol = udp
    send = "ping"
    ```
    Use instead: add the reply to expect, e.g. `expect = "pong"`, or `expect = "*"`
    for any reply.
    """
    for block in _monitored(config):
        if (block.protocol is Protocol.udp and block.send is not None and block.expect is None
                and block.send_program is None and _unwritten(block, "expect", "send_program")
                and convert_text(block.send)[0] is not None):  # else nanny hangs before any reply: LVS518
            if isinstance(block, Failover):
                effect = "and fos takes the dead monitor for a failed service"
            elif config.hard_shutdown:
                effect = "and lvsd then shuts the whole LVS down (hard_shutdown = 1)"
            else:
                effect = "and its real server is never added"
            yield Finding(value_of(block, "send"),
                          f"{where(block)} checks over UDP with send but no expect: nanny crashes (null pointer) as "
                          f"soon as a reply arrives, {effect}",
                          hint='add `expect` with the start of the reply, or `expect = "*"` for any reply')


@rule("LVS520", "send-program-not-absolute", WARNING, "a send_program that is not an absolute path")
def send_program_not_absolute(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `send_program` whose program (its first word) is a bare name
    such as `check_db`, or a relative path such as `./check_db` or
    `bin/check_db`.

    ## Why is this bad?
    nanny runs the program as root with `execvp`, which looks a bare name up
    in `PATH`, and a relative path in the working directory, of the daemon
    that started it: which program runs as root depends on that environment,
    not on lvs.cf, and a writable directory early in `PATH` lets anyone
    replace it.  `lvscf convert --to keepalived` runs the program through
    `lvscf-probe` as root, and the probe applies keepalived's script
    security: it refuses a program without an absolute path (and one that
    it, or any directory above it, lets others than root write), so every
    check fails and the servers are never added.

    This rule reads only the file.  Whether the program and its directories
    are writable by others depends on the director's file system, not on the
    machine running `lvscf check`, so that part is left to `lvscf-probe`,
    which checks it on the director before every run and logs a refusal.

    ## Example
    ```
    send_program = "check_db %h"
    ```
    Use instead: `send_program = "/usr/local/bin/check_db %h"`, with the
    program and every directory above it owned by root and writable only by
    root.
    """
    for block in _monitored(config):
        if block.send_program is None:
            continue
        text, offset = _program_text(block)
        first = next(_words(text), None)
        if first is None or first[1].startswith("/"):
            continue  # no program at all: nanny's execvp fails, nothing runs
        at, word = first
        how = "looked up in the PATH" if "/" not in word else "relative to the working directory"
        keepalived = ("; lvscf-probe (keepalived) refuses a program without an absolute path, so every check "
                      "fails there" if isinstance(block, Virtual) else "")
        yield Finding(_span(block, "send_program", offset + at, offset + at + len(word)),
                      f"send_program of {where(block)} runs `{word}` as root, {how} of the daemon that starts "
                      f"nanny{keepalived}",
                      hint=f"write the absolute path of `{word}` (in a directory only root can write)")


RULES = (
    timeout_not_positive,
    reentry_below_timeout,
    reentry_zero,
    send_program_without_expect,
    send_program_too_long,
    send_program_shell_syntax,
    send_program_placeholder_glued,
    send_program_exit_status,
    send_ignored,
    send_expect_too_long,
    regex_ignored,
    invalid_regex,
    expect_without_send,
    unknown_load_monitor,
    implicit_http_check,
    udp_check_without_request,
    expect_single_star,
    unsupported_escape,
    udp_check_without_expect,
    send_program_not_absolute,
    regex_too_costly,
)
