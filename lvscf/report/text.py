"""Human-readable renderings of diagnostics: ``concise`` (one line each) and ``full``
(the source line with a caret under the token, like ruff and rustc)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..diagnostics import Diagnostic, Severity
from ..source import Source

__all__ = ["concise", "full", "Palette", "PLAIN", "COLOUR"]


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
    return d.path or "-"


def concise(diagnostics: Iterable[Diagnostic], palette: Palette = PLAIN) -> str:
    """``path:line:col: CODE message [name]``, one per line (gcc style, for editors and CI logs)."""
    out = []
    for d in diagnostics:
        out.append(f"{palette.bold(f'{_path(d)}:{d.line}:{d.column}:')} "
                   f"{palette.severity(d.severity, d.code)} {d.message} [{d.name}]\n")
    return "".join(out)


def full(diagnostics: Iterable[Diagnostic], source_of: Callable[[Diagnostic], Source | None],
         palette: Palette = PLAIN) -> str:
    """Each diagnostic with its source line and a caret under the offending token."""
    out = []
    for d in diagnostics:
        out.append(f"{palette.severity(d.severity, f'{d.severity}[{d.code}]')}"
                   f"{palette.bold(f' {d.name}: {d.message}')}\n")
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
                out.append(f"{palette.blue(str(line).rjust(width))} {palette.blue('|')} {text}\n")
                caret = " " * (column - 1) + marker * length + (f" {label}" if label else "")
                coloured = palette.severity(d.severity, caret) if not label else palette.blue(caret)
                out.append(f"{' ' * width} {palette.blue('|')} {coloured}\n")
            out.append(f"{' ' * width} {palette.blue('|')}\n")
        if d.piranha:
            out.append(f"  {palette.bold('= piranha:')} {d.piranha}\n")
        if d.hint:
            out.append(f"  {palette.bold('= help:')} {d.hint}\n")
        out.append("\n")
    return "".join(out)
