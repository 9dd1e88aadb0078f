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

from ..diagnostics import Diagnostic, make
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
    problems: list[Diagnostic] = []
    if not _PREFIX.search(document.text):
        return found, problems  # no directive anywhere: skip walking every block of a large file
    seen_statement = [False]

    def walk(items) -> None:
        items = list(items)
        for i, node in enumerate(items):
            if isinstance(node, Comment):
                if not _PREFIX.match(node.text):
                    continue
                m = _DIRECTIVE.match(node.text)
                if m is None:
                    problems.append(make(MALFORMED, source, node.start, node.end,
                                         f"`{node.text}` is not a directive lvscf understands",
                                         hint="write `# lvscf: disable=CODE` (codes or names, separated by commas)"))
                    continue
                names = tuple(n.strip() for n in m.group(1).split(","))
                for name in names:
                    if name != "all" and name not in known:
                        problems.append(make(UNKNOWN, source, node.start, node.end,
                                             f"`{name}` in `{node.text}` is no lvscf rule code or name",
                                             hint="see `lvscf rules` for the codes and names"))
                target = next((n for n in items[i + 1:] if not isinstance(n, (Comment, BlankLine))), None)
                if not seen_statement[0]:
                    found.append(Directive(node, names, (0, len(document.text)), True))
                elif target is not None:
                    found.append(Directive(node, names, (target.start, target.end), False))
                else:
                    found.append(Directive(node, names, (node.end, node.end), False))
            elif not isinstance(node, BlankLine):
                seen_statement[0] = True
                if isinstance(node, Block):
                    walk(node.items)

    walk(document.items)
    return found, problems


def apply(diagnostics: Iterable[Diagnostic], found: list[Directive], source: Source,
          known: dict[str, Rule]) -> list[Diagnostic]:
    """Drop suppressed diagnostics; report directives (and codes in them) that suppressed nothing."""
    used: set[tuple[int, str]] = set()
    kept = []
    for d in diagnostics:
        suppressed = False
        for index, directive in enumerate(found):
            lo, hi = directive.scope
            if not (directive.file_wide or lo <= d.start < hi or (lo == hi == d.start)):
                continue
            for name in directive.names:
                if name == "all" or name in (d.code, d.name):
                    used.add((index, name))
                    suppressed = True
        if not suppressed:
            kept.append(d)
    for index, directive in enumerate(found):
        for name in directive.names:
            if (index, name) not in used and (name == "all" or name in known):
                comment = directive.comment
                kept.append(make(UNUSED, source, comment.start, comment.end,
                                 f"`{name}` in `{comment.text}` suppresses nothing"
                                 + (" (it is not followed by a statement in its block)"
                                    if directive.scope[0] == directive.scope[1] and not directive.file_wide else ""),
                                 hint="remove it (or the code from it)"))
    return kept

