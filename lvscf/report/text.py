"""Human-readable renderings of diagnostics: ``concise`` (one line each) and ``full``
(the source line with a caret under the token, like ruff and rustc).

Names, values and whole lines of the checked file are quoted in these texts, and
a hostile file may hold terminal control sequences: ESC and OSC sequences can
recolour, hide or overwrite what is printed, or retitle the terminal.  So every
control character, bidirectional-text control and undecodable byte of the text
shown is written as an escape (``\x1b``, ``\u202e``, ``\xff``), as the GitHub
format escapes what its reader would interpret.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..diagnostics import Diagnostic, Severity
from ..source import Source

__all__ = ["concise", "full", "Palette", "PLAIN", "COLOUR", "printable"]

# C0 and C1 controls, DEL; the characters that reorder or separate displayed text; the
# surrogates that stand for undecodable bytes (lvscf.source).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     r"\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte as it is in the file
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would interpret written as an escape."""
    return _UNSAFE.sub(_escape, text)


class Palette:
    """ANSI colours, or none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def severity(self, severity: Severity, text: str) -> str:
        return self._wrap({Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}[severity], text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def blue(self, text: str) -> str:
        return self._wrap("1;34", text)


PLAIN = Palette(False)
COLOUR = Palette(True)


def _path(d: Diagnostic) -> str:
    return printable(d.path or "-")


def concise(diagnostics: Iterable[Diagnostic], palette: Palette = PLAIN) -> str:
    """``path:line:col: CODE message [name]``, one per line (gcc style, for editors and CI logs)."""
    out = []
    for d in diagnostics:
        out.append(f"{palette.bold(f'{_path(d)}:{d.line}:{d.column}:')} "
                   f"{palette.severity(d.severity, d.code)} {printable(d.message)} [{d.name}]\n")
    return "".join(out)


def full(diagnostics: Iterable[Diagnostic], source_of: Callable[[Diagnostic], Source | None],
         palette: Palette = PLAIN) -> str:
    """Each diagnostic with its source line and a caret under the offending token."""
    out = []
    for d in diagnostics:
        out.append(f"{palette.severity(d.severity, f'{d.severity}[{d.code}]')}"
                   f"{palette.bold(f' {d.name}: {printable(d.message)}')}\n")
        out.append(f"  {palette.blue('-->')} {_path(d)}:{d.line}:{d.column}\n")
        source = source_of(d)
        if source is not None and source.text:
            lines = [(d.line, d.column, d.end_line, d.end_column, "")]
            lines += [(r.line, r.column, r.end_line, r.end_column, r.message) for r in d.related]
            width = len(str(max(item[0] for item in lines)))
            out.append(f"{' ' * width} {palette.blue('|')}\n")
            for line, column, end_line, end_column, label in sorted(lines):
                if line > source.line_count():
                    continue
                text = source.line_text(line).expandtabs(1)
                length = (end_column - column) if end_line == line and end_column > column else 1
                length = max(1, min(length, len(text) - column + 1)) if column <= len(text) else 1
                marker = "^" if not label else "-"
                out.append(f"{palette.blue(str(line).rjust(width))} {palette.blue('|')} {printable(text)}\n")
                # Escapes are wider than the characters they stand for: measure the shown text.
                before = len(printable(text[:column - 1])) + max(0, column - 1 - len(text))
                under = len(printable(text[column - 1:column - 1 + length])) or length
                caret = " " * before + marker * under + (f" {printable(label)}" if label else "")
                coloured = palette.severity(d.severity, caret) if not label else palette.blue(caret)
                out.append(f"{' ' * width} {palette.blue('|')} {coloured}\n")
            out.append(f"{' ' * width} {palette.blue('|')}\n")
        if d.piranha:
            out.append(f"  {palette.bold('= piranha:')} {printable(d.piranha)}\n")
        if d.hint:
            out.append(f"  {palette.bold('= help:')} {printable(d.hint)}\n")
        out.append("\n")
    return "".join(out)
