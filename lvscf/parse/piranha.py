"""What Piranha's parser does with one line: a port of lvsconfig.c's line checks.

lvscf never runs these checks on lines the grammar accepts; it runs them on the
lines the grammar could not read (error lines, malformed block openers and
closers) to say exactly which error Piranha reports there, at which token, or
whether Piranha in fact accepts the line.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from ..keywords import BLOCK_KEYWORDS, Context, Shape, keywords_in, shape_in
from .nodes import Word

__all__ = ["PiranhaError", "Verdict", "judge_line", "MAX_TOKENS"]

#: Piranha keeps at most this many tokens of a line and silently drops the rest.
MAX_TOKENS = 99


class PiranhaError(enum.Enum):
    """``LVS_ERROR_*`` codes and their ``lvsStrerror`` texts (lvs-cf-format.md §6)."""

    STAT = "Empty configuration"
    READ = "I/O error while reading configuration"
    BADQUOTING = "quotation mismatch"
    EXTRAARGS = "unexpected arguments"
    EQUALEXPECTED = "equal (=) expected after command"
    MISSINGARGS = "missing arguments"
    BADHOSTNAME = "invalid host name or ip address"
    BADARGUMENT = "invalid argument"
    INTEXPECTED = "integer expected"
    BOOLEXPECTED = "boolean expected"
    BADCOMMAND = "unknown command"
    LISTEXPECTED = "list expected"
    BADNETMASK = "Bad subnet mask specified"


class Verdict(NamedTuple):
    """Piranha's reading of one line.

    ``error`` is None when Piranha accepts the line; ``words`` are then the
    tokens it uses.  ``at`` is the index of the word the error is about
    (``len(words)`` means "after the last word").  ``quote_ignored`` tells that
    a quoting error was silently dropped (it is only reported on some lines);
    ``block_ends`` that Piranha took the line as the end of its block.
    """

    error: PiranhaError | None
    words: tuple[Word, ...]
    at: int = 0
    quote_ignored: bool = False
    block_ends: bool = False
    crash: bool = False  # `dirs =` with nothing after it dereferences NULL
    # A lone quote ends the line: the tokenizer writes before its buffer and makes a
    # token of uninitialised memory (undefined behaviour in C): no result is certain.
    undefined: bool = False


def judge_line(
    context: Context,
    words: tuple[Word, ...],
    bad_quote: Word | None,
    first_in_block: bool,
) -> Verdict:
    """Piranha's verdict on a line in ``context``.

    ``first_in_block`` is True for the first line (comments and blank lines do
    not count) of a ``virtual``/``failover`` block: lvsd checks the tokenizer's
    result there but ignores it on the block's later lines.
    """
    quote_ignored = False
    if len(words) > MAX_TOKENS:
        words = words[:MAX_TOKENS]
    elif bad_quote is not None and bad_quote.text in ('"', "'"):
        return Verdict(None, words, len(words), undefined=True)
    elif bad_quote is not None:
        if context is not Context.SERVICE or first_in_block:
            return Verdict(PiranhaError.BADQUOTING, words, len(words))
        quote_ignored = True
        if not words:
            # argv[0] is NULL: the block loop ends as if the line were "}".
            return Verdict(None, words, quote_ignored=True, block_ends=True)
    verdict = _check(context, words)
    return verdict._replace(quote_ignored=quote_ignored)


def _check(context: Context, words: tuple[Word, ...]) -> Verdict:
    argv = [w.value for w in words]
    first = argv[0]
    if context is not Context.TOP and first == "}":
        # lvsconfig.c frees the closing line's tokens before it tests for a second one, so
        # its "unexpected arguments" there never fires: `} x` ends the block like `}`.
        return Verdict(None, words, 1, block_ends=True)
    if first in BLOCK_KEYWORDS[context]:
        # `virtual NAME {`: lvsconfig.c checks for missing tokens first, then extra ones, then the brace.
        if len(argv) < 3:
            return Verdict(PiranhaError.MISSINGARGS, words, len(argv))
        if len(argv) > 3:
            return Verdict(PiranhaError.EXTRAARGS, words, 3)
        if argv[2] != "{":
            return Verdict(PiranhaError.MISSINGARGS, words, 2)
        return Verdict(None, words)
    keyword = keywords_in(context).get(first)
    if keyword is None:
        return Verdict(PiranhaError.BADCOMMAND, words, 0)
    if len(argv) < 2 or argv[1] != "=":
        return Verdict(PiranhaError.EQUALEXPECTED, words, 1)
    shape = shape_in(keyword, context)
    if shape is Shape.LIST:
        if len(argv) < 3:
            return Verdict(PiranhaError.LISTEXPECTED, words, 2, crash=True)
        if argv[2] != "[" or "]" not in argv[3:]:
            return Verdict(PiranhaError.LISTEXPECTED, words, 2)
        return Verdict(None, words)
    count = 2 if shape is Shape.PAIR else 1
    if len(argv) < count + 2:
        return Verdict(PiranhaError.MISSINGARGS, words, len(argv))
    if len(argv) > count + 2:
        return Verdict(PiranhaError.EXTRAARGS, words, count + 2)
    return Verdict(None, words)
