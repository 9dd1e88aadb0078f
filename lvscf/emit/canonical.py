"""``lvscf fmt``: rewriting a document in the Piranha GUI's layout, keeping its comments.

The layout is the GUI writer's (lvs-cf-format.md §9.1): top-level keys in the
GUI's order at column 0, then every failover block, then every virtual block;
keys at 5 spaces, server blocks at 5, their keys at 9; one space around `=`;
LF line ends.  Values keep the text they were written with; unquoted
``send``/``expect``/``send_program``/``start_cmd``/``stop_cmd`` values get the
double quotes the GUI puts around them (lvsd strips them again, so the meaning
does not change).

What the GUI would lose, lvscf keeps: comments move with the statement below
them (a comment block at the top of the file, followed by a blank line, stays
at the top).  What has no effect is dropped: when a key is repeated only the
value Piranha uses is written.  Where moving a line would change its meaning
(a server whose port comes from a ``port`` line below it), the value is written
explicitly.  The result is checked: it must read back to an equal model.
"""

from __future__ import annotations

from ..errors import UnrepresentableError
from ..keywords import QUOTE_KEEPING
from ..model.build import build
from ..model.config import Config, Server
from ..model.values import read_port
from ..parse import parse
from ..parse.nodes import BlankLine, Block, Comment, Document, ErrorLine, Setting, Word
from .layout import INDENT, order_of
from .values import _is_token

__all__ = ["format_document"]


def format_document(document: Document, config: Config) -> str:
    """The canonical text of ``document``, whose model is ``config``."""
    if any(isinstance(n, ErrorLine) or (isinstance(n, Block) and (not n.header_ok or not n.close_ok))
           for n in document.walk()):
        raise UnrepresentableError("the file has syntax errors; fix them before formatting it")
    servers = {id(s.origin.node): s for v in (*config.virtuals, *config.failovers) for s in v.servers}
    out: list[str] = []
    items = list(document.items)
    header, items = _file_header(items)
    for comment in header:
        out.append(comment.text + "\n")
    if header:
        out.append("\n")
    entries, trailing = _attach(items)
    settings = [(n, c) for n, c in entries if isinstance(n, Setting)]
    blocks = [(n, c) for n, c in entries if isinstance(n, Block)]
    _settings(settings, "top", 0, out)
    for kind in ("failover", "virtual"):
        for block, comments in blocks:
            if block.kind == kind:
                _comments(comments, 0, out)
                _block(block, 0, out, servers)
    _comments(trailing, 0, out)
    text = "".join(out)
    if build(parse(text)).config != config:  # pragma: no cover - a bug in this module
        raise UnrepresentableError("internal error: the formatted file would not mean the same; please report it")
    return text


def _file_header(items: list) -> tuple[list[Comment], list]:
    i = 0
    while i < len(items) and isinstance(items[i], Comment):
        i += 1
    if i and i < len(items) and isinstance(items[i], BlankLine):
        return items[:i], items[i:]
    return [], items


def _attach(items) -> tuple[list[tuple[object, list[Comment]]], list[Comment]]:
    """Statements with the comments right above them; comments left at the end."""
    entries = []
    pending: list[Comment] = []
    for node in items:
        if isinstance(node, Comment):
            pending.append(node)
        elif isinstance(node, (Setting, Block)):
            entries.append((node, pending))
            pending = []
    return entries, pending


def _comments(comments: list[Comment], level: int, out: list[str]) -> None:
    for comment in comments:
        out.append(INDENT[level] + comment.text + "\n")


def _settings(settings, kind: str, level: int, out: list[str], extra: dict[str, str] | None = None) -> None:
    """Settings in canonical order; for a repeated key only the last one, with every comment."""
    last: dict[str, Setting] = {}
    comments: dict[str, list[Comment]] = {}
    for node, above in settings:
        last[node.key] = node
        comments.setdefault(node.key, []).extend(above)
    lines = {key: " ".join(_word(key, w) for w in setting.values) for key, setting in last.items()}
    lines.update(extra or {})
    order = order_of(kind)
    for key in sorted(lines, key=lambda k: order[k]):
        _comments(comments.get(key, []), level, out)
        out.append(f"{INDENT[level]}{key} = {lines[key]}\n")


def _word(key: str, word: Word) -> str:
    text = word.text
    if key in QUOTE_KEEPING and word.quote is None and '"' not in text and _is_token(f'"{text}"', True):
        return f'"{text}"'
    return text


def _block(block: Block, level: int, out: list[str], servers: dict[int, Server], virtual_port: int = 0) -> None:
    keyword, name = block.header.words[0].text, block.header.words[1].text
    out.append(f"{INDENT[level]}{keyword} {name} {{\n")
    entries, trailing = _attach(block.items)
    settings = [(n, c) for n, c in entries if isinstance(n, Setting)]
    extra = {}
    if block.kind == "server":
        server = servers[id(block)]
        # Its port came from the virtual's port line above it; written here it cannot move.
        if server.port != virtual_port and not any(n.key == "port" for n, _ in settings):
            extra["port"] = str(server.port)
    _settings(settings, block.kind, level + 1, out, extra)
    port = _final_port(settings)
    for node, comments in entries:
        if isinstance(node, Block):
            _comments(comments, level + 1, out)
            _block(node, level + 1, out, servers, port)
    _comments(trailing, level + 1, out)
    out.append(f"{INDENT[level]}}}\n")


def _final_port(settings) -> int:
    port = 80
    for node, _ in settings:
        if node.key == "port":
            number, _name = read_port(node.value.value)
            if number is not None:
                port = number.value
    return port

