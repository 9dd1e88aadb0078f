"""Inline suppressions: ``# lvscf: disable=CODE[,NAME...]`` on a line of its own.

Scope (shellcheck's): the directive covers the next statement or the whole next
block (with its contents); placed before the first statement of the file, it
covers the whole file.  Codes and names are both accepted, ``all`` disables
every rule.  A directive, or a code in it, that suppresses nothing is reported
(LVS901), as are unknown codes (LVS902) and directives lvscf cannot read
(LVS903), so that a typo never silently disables nothing.

The Piranha GUI drops every comment when it saves the file; ``per-file-ignores``
in the configuration file survives that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ..diagnostics import Capped, Diagnostic, make
from ..parse.nodes import BlankLine, Block, Comment, Document
from ..source import Source
from .rule import WARNING, Rule

__all__ = ["Directive", "directives", "apply", "RULES"]


UNUSED = Rule("LVS901", "unused-suppression", WARNING, "a suppression that suppresses nothing", """\
## What it does
Flags a `# lvscf: disable=...` directive, or one of its codes, that suppressed
no diagnostic.

## Why is this bad?
A stale suppression hides the next real problem of that kind, and misleads
readers about the file.

## Example
```
# lvscf: disable=weight-not-positive
server web1 {
     weight = 1
}
```
Use instead: remove the directive.
""", None, "suppress")

UNKNOWN = Rule("LVS902", "unknown-rule-in-suppression", WARNING, "a suppression names no known rule", """\
## What it does
Flags codes and names in a `# lvscf: disable=...` directive that are not rules.

## Why is this bad?
A misspelt code suppresses nothing, so the diagnostic it was meant for is
still reported, or, worse, a later edit relies on a suppression that never
worked.

## Example
`# lvscf: disable=LVS3O4` (letter O).  Use instead: `# lvscf: disable=LVS304`.
""", None, "suppress")

MALFORMED = Rule("LVS903", "malformed-suppression", WARNING, "a comment that looks like a suppression but is not one",
                 """\
## What it does
Flags comments that start like an lvscf directive (`# lvscf:`) but do not read
as `# lvscf: disable=CODE[,CODE...]`.

## Why is this bad?
They suppress nothing.

## Example
`# lvscf: disbale=LVS304`.  Use instead: `# lvscf: disable=LVS304`.
""", None, "suppress")

RULES = (UNUSED, UNKNOWN, MALFORMED)

_PREFIX = re.compile(r"#\s*lvscf\s*:", re.I)
_DIRECTIVE = re.compile(r"#\s*lvscf:\s*disable\s*=\s*([A-Za-z0-9_\-]+(?:\s*,\s*[A-Za-z0-9_\-]+)*)\s*$")


class Directive(NamedTuple):
    comment: Comment
    names: tuple[str, ...]  # as written
    scope: tuple[int, int]  # offsets covered
    file_wide: bool


def directives(document: Document, source: Source, known: dict[str, Rule]) -> tuple[list[Directive],
                                                                                 list[Diagnostic]]:
    """The directives of a document, and diagnostics for the malformed ones and unknown codes."""
    found: list[Directive] = []
    problems = Capped()
    if not _PREFIX.search(document.text):
        return found, problems.done()  # no directive anywhere: skip walking every block of a large file
    seen_statement = [False]

    def walk(items) -> None:
        waiting: list[int] = []  # directives of this block still looking for the statement below them
        for node in items:
            if isinstance(node, Comment):
                if not _PREFIX.match(node.text):
                    continue
                m = _DIRECTIVE.match(node.text)
                if m is None:
                    if problems.takes(MALFORMED.code):
                        problems.add(make(MALFORMED, source, node.start, node.end,
                                          f"`{node.text}` is not a directive lvscf understands",
                                          hint="write `# lvscf: disable=CODE` (codes or names, separated by "
                                               "commas)"))
                    continue
                names = tuple(n.strip() for n in m.group(1).split(","))
                for name in names:
                    if name != "all" and name not in known and problems.takes(UNKNOWN.code):
                        problems.add(make(UNKNOWN, source, node.start, node.end,
                                          f"`{name}` in `{node.text}` is no lvscf rule code or name",
                                          hint="see `lvscf rules` for the codes and names"))
                if not seen_statement[0]:
                    found.append(Directive(node, names, (0, len(document.text)), True))
                else:
                    waiting.append(len(found))
                    found.append(Directive(node, names, (node.end, node.end), False))
            elif not isinstance(node, BlankLine):
                for index in waiting:
                    found[index] = found[index]._replace(scope=(node.start, node.end))
                waiting.clear()
                seen_statement[0] = True
                if isinstance(node, Block):
                    walk(node.items)

    walk(document.items)
    return found, problems.done()


class _Scope:
    """The directives that cover one span: for each name, which of them name it."""

    __slots__ = ("span", "by_name", "used")

    def __init__(self, span: tuple[int, int]) -> None:
        self.span = span
        self.by_name: dict[str, list[int]] = {}
        self.used: set[str] = set()

    def suppresses(self, d: Diagnostic, used: set[tuple[int, str]]) -> bool:
        hit = False
        for name in ("all", d.code, d.name):
            indexes = self.by_name.get(name)
            if indexes:
                hit = True
                if name not in self.used:  # mark each directive once, not once per diagnostic
                    self.used.add(name)
                    used.update((index, name) for index in indexes)
        return hit


def apply(diagnostics: Iterable[Diagnostic], found: list[Directive], source: Source,
          known: dict[str, Rule]) -> list[Diagnostic]:
    """Drop suppressed diagnostics; report directives (and codes in them) that suppressed nothing.

    The spans directives cover are those of statements and blocks, so any two are nested
    or apart: one sweep over the diagnostics in file order, with a stack of the spans open
    at each, finds every directive that covers a diagnostic, however many there are.
    """
    diagnostics = list(diagnostics)
    used: set[tuple[int, str]] = set()
    whole_file = _Scope((0, len(source.text)))
    scopes: dict[tuple[int, int], _Scope] = {}
    for index, directive in enumerate(found):
        scope = whole_file if directive.file_wide else scopes.setdefault(directive.scope, _Scope(directive.scope))
        for name in directive.names:
            scope.by_name.setdefault(name, []).append(index)
    points = {span[0]: scope for span, scope in scopes.items() if span[0] == span[1]}
    spans = sorted((scope for span, scope in scopes.items() if span[0] < span[1]),
                   key=lambda scope: (scope.span[0], -scope.span[1]))
    suppressed = [False] * len(diagnostics)
    stack: list[_Scope] = []
    next_span = 0
    for i in sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].start):
        d = diagnostics[i]
        while next_span < len(spans) and spans[next_span].span[0] <= d.start:
            while stack and stack[-1].span[1] <= spans[next_span].span[0]:
                stack.pop()
            stack.append(spans[next_span])
            next_span += 1
        while stack and stack[-1].span[1] <= d.start:
            stack.pop()
        covering = [*stack, whole_file]
        if d.start in points:
            covering.append(points[d.start])
        for scope in covering:
            suppressed[i] |= scope.suppresses(d, used)
    kept = [d for i, d in enumerate(diagnostics) if not suppressed[i]]
    unused = Capped()
    for index, directive in enumerate(found):
        for name in directive.names:
            if (index, name) not in used and (name == "all" or name in known) and unused.takes(UNUSED.code):
                comment = directive.comment
                unused.add(make(UNUSED, source, comment.start, comment.end,
                                f"`{name}` in `{comment.text}` suppresses nothing"
                                + (" (it is not followed by a statement in its block)"
                                   if directive.scope[0] == directive.scope[1] and not directive.file_wide else ""),
                                hint="remove it (or the code from it)"))
    return kept + unused.done()
