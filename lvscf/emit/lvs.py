"""Writing lvs.cf back without losing a byte: the file as it was, plus the model's edits.

A document is written back exactly as read.  A model that was read from a file
and then edited (``attrs.evolve``) is written as that file with the smallest
changes: a changed value replaces only its own words; a value set for the first
time adds one line next to its block's other settings; a value set to None
removes its lines; a block added to the model is inserted in the GUI's layout
after its previous sibling; a block dropped from the model is removed.

The writer checks its own work: it reads the result back, and where the model
read back still differs (a server whose default port moved with its virtual's
port, a derived private address) it writes the value explicitly.
"""

from __future__ import annotations

import attrs

from ..errors import UnrepresentableError
from ..keywords import Context
from ..model.build import build
from ..model.config import Config, Origin, Server, ServiceBlock
from ..parse import ParseResult, parse
from ..parse.nodes import Block, Document, Setting
from .layout import INDENT
from .render import private_keys_to_write, render_block, render_config, render_server
from .values import render_string, render_value

__all__ = ["dumps_document", "dumps_config"]

_ROUNDS = 3
_BLOCK_FIELDS = ("origin", "servers", "name")


def dumps_document(document: Document) -> str:
    return document.text


def dumps_config(config: Config) -> str:
    if config.origin is None:
        return render_config(config)
    document = config.origin.node
    assert isinstance(document, Document)
    text = document.text
    # Round one rebuilds from the very nodes the target's origins point at, so that
    # blocks can be matched by identity.
    current = build(ParseResult(document, config.origin.source, ())).config
    by_identity = True
    for _ in range(_ROUNDS):
        if current == config:
            return text
        edits = _Diff(current, text, by_identity).config(current, config)
        if not edits:
            break
        text = _apply(text, edits)
        current = build(parse(text)).config
        by_identity = False
    if current == config:
        return text
    raise UnrepresentableError(_difference(current, config))


@attrs.frozen
class _Edit:
    start: int
    end: int
    text: str
    order: int = 0  # insertions at the same offset keep the order they were made in


def _apply(text: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.order), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _fields(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls) if f.name not in _BLOCK_FIELDS + ("virtuals", "failovers")]


class _Diff:
    """Edits that turn ``text`` (whose model is ``current``) towards the target model."""

    def __init__(self, current: Config, text: str, by_identity: bool) -> None:
        self.text = text
        self.by_identity = by_identity
        self.edits: list[_Edit] = []
        self.source = current.origin.source  # type: ignore[union-attr]

    def add(self, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(start, end, text, len(self.edits)))

    # -- positions ----------------------------------------------------------------

    def line_start(self, offset: int) -> int:
        return max(self.text.rfind("\n", 0, offset), self.text.rfind("\r", 0, offset)) + 1

    def next_line(self, offset: int) -> int:
        """Offset of the line after the one containing ``offset`` (adding a line end at EOF)."""
        for i in range(offset, len(self.text)):
            if self.text[i] == "\n" or (self.text[i] == "\r" and self.text[i + 1 : i + 2] != "\n"):
                return i + 1
        return len(self.text)

    def ensure_newline_at_end(self) -> str:
        return "" if not self.text or self.text.endswith(("\n", "\r")) else "\n"

    # -- model levels ---------------------------------------------------------------

    def config(self, current: Config, target: Config) -> list[_Edit]:
        document = current.origin.node  # type: ignore[union-attr]
        privates = private_keys_to_write(target)
        for key in _fields(Config):
            want = getattr(target, key)
            if key in ("primary_private", "backup_private") and key not in privates and \
                    getattr(current, key) == want:
                continue
            if getattr(current, key) != want or (key in privates and key not in current.origin.settings):
                self.setting(current.origin, Context.TOP, key, want, 0)  # type: ignore[arg-type]
        self.blocks(list(current.virtuals), list(target.virtuals), document.items, 0)
        self.blocks(list(current.failovers), list(target.failovers), document.items, 0)
        return self.edits

    def blocks(self, current: list[ServiceBlock], target: list, siblings, level: int, parent_port: int = 80,
               parent: Block | None = None) -> None:
        matched = self.match(current, target)
        for i, block in enumerate(target):
            old = matched[i]
            if old is None:
                self.insert_block(block, i, target, matched, siblings, level, parent_port, parent)
            else:
                self.block(old, block, level)
        kept = {id(b) for b in matched if b is not None}
        for block in current:
            if id(block) not in kept:
                node = block.origin.node  # type: ignore[union-attr]
                self.add(self.line_start(node.start), self.next_line(node.end), "")

    def match(self, current: list, target: list) -> list:
        if self.by_identity:
            by_node = {id(b.origin.node): b for b in current}
            matched = [by_node.get(id(t.origin.node)) if t.origin is not None else None for t in target]
            index = {id(b): i for i, b in enumerate(current)}
            positions = [index[id(m)] for m in matched if m is not None]
            if positions != sorted(positions):
                raise UnrepresentableError("blocks were reordered; lvs.cf text keeps the file's order (to write "
                                           "the model in its own order, without the file's comments, drop its "
                                           "origin: attrs.evolve(config, origin=None))")
            return matched
        if len(current) != len(target):
            raise UnrepresentableError("the model's blocks no longer match the file")
        return list(current)

    def block(self, current: ServiceBlock | Server, target, level: int) -> None:
        node = current.origin.node  # type: ignore[union-attr]
        if current.name != target.name:
            word = node.name_word
            if word is None:
                raise UnrepresentableError(f"cannot rename the unnamed block at offset {node.start}")
            self.add(word.start, word.end, render_string(target.name, "name", last=False))
        context = Context.SERVER if isinstance(current, Server) else Context.SERVICE
        for key in _fields(type(current)):
            if getattr(current, key) != getattr(target, key):
                self.setting(current.origin, context, key, getattr(target, key), level + 1)  # type: ignore[arg-type]
        if isinstance(current, ServiceBlock):
            self.blocks(list(current.servers), list(target.servers), node.items, level + 1, target.port, node)

    # -- one setting ----------------------------------------------------------------

    def setting(self, origin: Origin, context: Context, key: str, value, level: int) -> None:
        container = origin.node
        items = container.items
        if value is None:
            for node in items:
                if isinstance(node, Setting) and node.key == key:
                    self.add(self.line_start(node.start), self.next_line(node.end), "")
            return
        words = render_value(key, context, value)
        setting = origin.setting(key)
        if setting is not None:
            self.add(setting.values[0].start, setting.values[-1].end, " ".join(words))
            return
        settings = [n for n in items if isinstance(n, Setting)]
        first_block = next((n for n in items if isinstance(n, Block)), None)
        before = [s for s in settings if first_block is None or s.start < first_block.start]
        if before:
            anchor = self.next_line(before[-1].end)
            indent = self.text[self.line_start(before[-1].start) : before[-1].start]
        elif isinstance(container, Block):
            anchor = self.next_line(container.header.end)
            indent = INDENT[level]
        else:
            anchor = self.line_start(first_block.start) if first_block is not None else len(self.text)
            indent = INDENT[level]
        prefix = self.ensure_newline_at_end() if anchor == len(self.text) else ""
        self.add(anchor, anchor, f"{prefix}{indent}{key} = {' '.join(words)}\n")

    def insert_block(self, block, index: int, target: list, matched: list, siblings, level: int, parent_port: int,
                     parent: Block | None) -> None:
        text = render_server(block, parent_port) if isinstance(block, Server) else render_block(block)
        previous = next((matched[j] for j in range(index - 1, -1, -1) if matched[j] is not None), None)
        if previous is not None:
            anchor = self.next_line(previous.origin.node.end)
        else:
            following = next((m for m in matched[index + 1 :] if m is not None), None)
            if following is not None:
                anchor = self.line_start(following.origin.node.start)
            elif parent is not None:
                anchor = self.line_start(parent.close.start) if parent.close is not None else parent.closed_at
            else:
                anchor = len(self.text)
        prefix = self.ensure_newline_at_end() if anchor == len(self.text) else ""
        self.add(anchor, anchor, prefix + text)


def _difference(current: Config, target: Config) -> str:
    for key in _fields(Config):
        if getattr(current, key) != getattr(target, key):
            return f"{key} cannot be written so that it reads back as {getattr(target, key)!r}"
    return "the edited model cannot be written as lvs.cf so that it reads back equal"

