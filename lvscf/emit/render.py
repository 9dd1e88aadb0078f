"""Writing a typed model as lvs.cf in the Piranha GUI's layout.

Only values that differ from Piranha's defaults are written, so reading the
text back gives an equal model.  Two values depend on what else is written and
get special care: a server's port defaults to its virtual's port, and
``primary_private``/``backup_private`` are derived from ``primary``/``backup``
when ``primary_private`` is absent.
"""

from __future__ import annotations

import attrs

from ..errors import UnrepresentableError
from ..keywords import Context
from ..model.config import UNSET_ADDRESS, Config, Failover, Server, ServiceBlock
from .layout import FAILOVER_ORDER, INDENT, SERVER_ORDER, TOP_ORDER, VIRTUAL_ORDER, line
from .values import render_string, render_value

__all__ = ["render_config", "render_block", "render_server", "private_keys_to_write"]


def _defaults(cls: type) -> dict:
    return {f.name: f.default for f in attrs.fields(cls) if f.default is not attrs.NOTHING}


def private_keys_to_write(config: Config) -> set[str]:
    """Which of primary_private/backup_private must be written for ``config`` to read back equal."""
    keys = set()
    primary_written = config.primary != UNSET_ADDRESS
    if primary_written and config.primary_private == config.primary and config.backup_private == config.backup:
        return keys  # Piranha derives both
    if config.primary_private != UNSET_ADDRESS:
        keys.add("primary_private")
    elif primary_written:
        raise UnrepresentableError("primary_private: 0.0.0.0 cannot be written, and without it Piranha sets it "
                                   "to primary")
    if config.backup_private != UNSET_ADDRESS:
        keys.add("backup_private")
    return keys


def render_config(config: Config) -> str:
    defaults = _defaults(Config)
    privates = private_keys_to_write(config)
    out = []
    for key in TOP_ORDER:
        value = getattr(config, key)
        if key in ("primary_private", "backup_private"):
            if key not in privates:
                continue
        elif value is None or value == defaults.get(key):
            continue
        out.append(line(0, key, render_value(key, Context.TOP, value)))
    for block in (*config.failovers, *config.virtuals):
        out.append(render_block(block))
    return "".join(out)


def render_block(block: ServiceBlock) -> str:
    kind = "failover" if isinstance(block, Failover) else "virtual"
    order = FAILOVER_ORDER if kind == "failover" else VIRTUAL_ORDER
    defaults = _defaults(type(block))
    out = [f"{kind} {_name(block.name)} {{\n"]
    for key in order:
        value = getattr(block, key)
        if value is None or value == defaults.get(key):
            continue
        out.append(line(1, key, render_value(key, Context.SERVICE, value)))
    for server in block.servers:
        out.append(render_server(server, block.port))
    out.append("}\n")
    return "".join(out)


def render_server(server: Server, virtual_port: int) -> str:
    defaults = _defaults(Server)
    out = [f"{INDENT[1]}server {_name(server.name)} {{\n"]
    for key in SERVER_ORDER:
        value = getattr(server, key)
        default = virtual_port if key == "port" else defaults.get(key)
        if value is None or value == default:
            continue
        out.append(line(2, key, render_value(key, Context.SERVER, value)))
    out.append(f"{INDENT[1]}}}\n")
    return "".join(out)


def _name(name: str) -> str:
    text = render_string(name, "block name", last=False)
    if text in ("{", "}"):
        raise UnrepresentableError(f"block name {name!r} cannot be written")
    return text
