"""Stage 1, parse: lvs.cf text -> syntax nodes (:mod:`.nodes`) and syntax diagnostics.

``parse`` never raises for anything in the file: every problem becomes a
diagnostic, and every line of the file is in the document, readable or not.
"""

from __future__ import annotations

from typing import NamedTuple

from ..diagnostics import Diagnostic
from ..gcpause import paused_gc
from ..source import Source, decode
from .grammar import parser
from .nodes import BlankLine, Block, Comment, Document, ErrorLine, Node, Setting, Word
from .recovery import parse_items
from .syntax_errors import syntax_diagnostics

__all__ = [
    "parse",
    "ParseResult",
    "Document",
    "Block",
    "Setting",
    "Comment",
    "BlankLine",
    "ErrorLine",
    "Word",
    "Node",
]


class ParseResult(NamedTuple):
    document: Document
    source: Source
    diagnostics: tuple[Diagnostic, ...]


def parse(data: str | bytes, path: str | None = None) -> ParseResult:
    """Parse one file's contents (bytes as read from disk, or already decoded text)."""
    text = decode(data) if isinstance(data, (bytes, bytearray)) else data
    source = Source(text, path)
    readable = source.readable
    final_newline = readable.endswith(("\n", "\r"))
    # Piranha's loader appends a line end, so a missing final one is harmless.
    parse_text = readable if final_newline or not readable else readable + "\n"
    with paused_gc():
        items = parse_items(parser(), parse_text, len(readable)) if parse_text else []
        document = Document(text, tuple(items), len(readable), final_newline, path)
        return ParseResult(document, source, tuple(syntax_diagnostics(document, source)))
