"""What a rule is: a small pure function over the typed model, with its identity and docs.

A rule looks at a :class:`~lvscf.model.Config` and yields :class:`Finding`s.  It
never reads files, never prints, and never builds a Diagnostic itself: the
runner (:mod:`lvscf.validate.run`) turns findings into diagnostics with the
rule's code, name and severity, and the file's positions.

    @rule("LVS304", "weight-not-positive", WARNING, "a real server's weight is 0 or less")
    def weight_not_positive(config: Config) -> Iterator[Finding]:
        '''## What it does ... ## Why is this bad? ... ## Example ...'''
        for virtual, server in active_servers(config):
            if server.weight <= 0:
                yield Finding(value_of(server, "weight"), f"...", hint="...")

A finding's location comes from the model's ``origin`` (the syntax node each
object was built from): :func:`value_of` points at a key's value token,
:func:`setting_of` at its whole line, :func:`header_of` at a block's opening
line.  Objects built in code have no origin; their findings point at the start
of the file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ..diagnostics import Severity
from ..findings import Finding, Location, Rule
from ..model.config import Config, Failover, Server, ServiceBlock, Virtual
from ..parse.nodes import Block, Document, Node, Setting, Word

__all__ = [
    "ERROR", "WARNING", "INFO", "Rule", "Finding", "Location", "rule", "value_of", "setting_of", "header_of",
    "at_word", "at_node", "file_start", "services", "active_virtuals", "servers", "active_servers", "is_set",
    "raw_value", "where", "per_config", "forget",
]

T = TypeVar("T")

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


_CACHES: list[list] = []


def per_config(compute: Callable[[Config], T]) -> Callable[[Config], T]:
    """Compute ``compute(config)`` once per model and share it between rules.

    Several rules walk the same derived data (every numeric setting, every
    block with its settings); a full check of a 100,000-line file would
    otherwise build it once per rule.  Only the latest model's value is kept,
    and :func:`forget` (called at the end of every check) drops it, so no
    model outlives its check through a cache.
    """
    last: list = [None, None]
    _CACHES.append(last)

    def cached(config: Config) -> T:
        if last[0] is config:
            return last[1]
        value = compute(config)
        last[0], last[1] = config, value
        return value

    cached.__doc__ = compute.__doc__
    return cached


def forget() -> None:
    """Drop every :func:`per_config` value."""
    for last in _CACHES:
        last[0] = last[1] = None


def rule(code: str, name: str, severity: Severity, summary: str):
    """Declare a rule function; its docstring is the rule's documentation."""

    def declare(check: Callable[[Config], Iterable[Finding]]):
        check.rule = Rule(code, name, severity, summary, inspect.cleandoc(check.__doc__ or ""), check,  # type: ignore
                          "rule")
        return check

    return declare


# -- locations ------------------------------------------------------------------------

_NOWHERE = Location(0, 0)


def at_word(word: Word) -> Location:
    return Location(word.start, word.end)


def at_node(node: Node) -> Location:
    return Location(node.start, node.end)


def file_start() -> Location:
    return _NOWHERE


def _node(obj) -> Block | Document | None:
    origin = getattr(obj, "origin", None)
    return origin.node if origin is not None else None


def header_of(obj) -> Location:
    """A block's opening line (its keyword and name); the start of the file for a Config."""
    node = _node(obj)
    if isinstance(node, Block):
        return Location(node.start, node.start + len(node.opener)) if node.header_ok else at_node(node.header)
    return _NOWHERE


def setting(obj, key: str) -> Setting | None:
    """The setting Piranha took ``key``'s value from, if the key is written in ``obj``'s block."""
    origin = getattr(obj, "origin", None)
    return origin.setting(key) if origin is not None else None


def is_set(obj, key: str) -> bool:
    """True when ``key`` is written in the block (False: Piranha's default applies)."""
    return setting(obj, key) is not None


def value_of(obj, key: str) -> Location:
    """The value token(s) of ``key`` in ``obj``'s block, else the block's opening line."""
    found = setting(obj, key)
    if found is None:
        return header_of(obj)
    return Location(found.value.start, found.end)


def setting_of(obj, key: str) -> Location:
    """The whole ``key = value`` line, else the block's opening line."""
    found = setting(obj, key)
    return Location(found.start, found.end) if found is not None else header_of(obj)


def raw_value(obj, key: str) -> Word | None:
    """The value token as written (quotes included), or None when the key is not written."""
    found = setting(obj, key)
    return found.value if found is not None else None


# -- walking the model ---------------------------------------------------------------------


def services(config: Config) -> Iterator[ServiceBlock]:
    """Every virtual and failover block, virtuals first."""
    yield from config.virtuals
    yield from config.failovers


def active_virtuals(config: Config) -> Iterator[Virtual]:
    return (v for v in config.virtuals if v.active)


def servers(config: Config) -> Iterator[tuple[Virtual, Server]]:
    """Every real server of every virtual block, with its virtual."""
    for virtual in config.virtuals:
        for server in virtual.servers:
            yield virtual, server


def active_servers(config: Config) -> Iterator[tuple[Virtual, Server]]:
    """The real servers Piranha uses: active servers of active virtuals."""
    for virtual in active_virtuals(config):
        for server in virtual.servers:
            if server.active:
                yield virtual, server


def where(obj) -> str:
    """How a message names an object: `virtual "www"`, `server "web1" of virtual "www"`, `the top level`."""
    if isinstance(obj, Config):
        return "the top level"
    if isinstance(obj, Failover):
        return f'failover "{obj.name}"'
    if isinstance(obj, Virtual):
        return f'virtual "{obj.name}"'
    if isinstance(obj, Server):
        return f'server "{obj.name}"'
    return "?"  # pragma: no cover
