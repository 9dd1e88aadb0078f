"""The Piranha GUI's layout of lvs.cf (lvs-cf-format.md §9.1): key order and indentation.

Keys the upstream GUI does not write go after the GUI's own keys of the same
block, in the order of :data:`lvscf.keywords.KEYWORDS`; that is where the spec
recommends them, and the GUI drops them on its next save anyway.
"""

from __future__ import annotations

from ..keywords import KEYWORDS, Context, keywords_in

__all__ = ["TOP_ORDER", "VIRTUAL_ORDER", "FAILOVER_ORDER", "SERVER_ORDER", "INDENT", "order_of", "line"]

_GUI_TOP = (
    "serial_no", "primary", "primary_private", "primary_shared", "service", "rsh_command", "backup_active", "backup",
    "backup_private", "backup_shared", "heartbeat", "heartbeat_port", "keepalive", "deadtime", "network", "nat_router",
    "nat_nmask", "reservation_conflict_action", "debug_level", "monitor_links", "syncdaemon", "syncd_iface",
    "syncd_id", "tcp_timeout", "tcpfin_timeout", "udp_timeout",
)
_GUI_VIRTUAL = (
    "active", "address", "sorry_server", "vip_nmask", "fwmark", "port", "persistent", "pmask", "send", "expect",
    "use_regex", "send_program", "load_monitor", "scheduler", "protocol", "timeout", "reentry", "quiesce_server",
)
_GUI_FAILOVER = (
    "address", "vip_nmask", "active", "port", "timeout", "send", "expect", "send_program", "start_cmd", "stop_cmd",
)
_GUI_SERVER = ("address", "active", "port", "weight")


def _complete(gui: tuple[str, ...], context: Context, *rest: tuple[str, ...]) -> tuple[str, ...]:
    order = list(gui)
    for extra in rest:
        order += [k for k in extra if k not in order]
    names = keywords_in(context)
    order += [k.name for k in KEYWORDS if k.name in names and k.name not in order and k.shape.name != "BLOCK"]
    return tuple(order)


TOP_ORDER = _complete(_GUI_TOP, Context.TOP)
VIRTUAL_ORDER = _complete(_GUI_VIRTUAL, Context.SERVICE)
FAILOVER_ORDER = _complete(_GUI_FAILOVER, Context.SERVICE, _GUI_VIRTUAL)
SERVER_ORDER = _complete(_GUI_SERVER, Context.SERVER)

#: Indentation per nesting level: keys of a block at 5 spaces, of a server at 9.
INDENT = ("", "     ", "         ")

_ORDERS = {"top": TOP_ORDER, "virtual": VIRTUAL_ORDER, "failover": FAILOVER_ORDER, "server": SERVER_ORDER}


def order_of(block_kind: str) -> dict[str, int]:
    """Position of each key in the canonical order of a block kind ("top" for the top level)."""
    return {key: i for i, key in enumerate(_ORDERS[block_kind])}


def line(level: int, key: str, values: list[str] | tuple[str, ...]) -> str:
    return f"{INDENT[level]}{key} = {' '.join(values)}\n"
