"""Every lvs.cf keyword: where it is allowed, its shape, its type, Piranha's default.

This table is the language definition shared by the parser's error reports, the
model builder, the writers and the documentation.  The grammar
(``grammars/lvs.lark``) lists the same keywords per block; a test keeps the two
in step.  Facts come from lvs-cf-format.md §4-§5 (Piranha 0.8.6's lvsconfig.c).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "Context",
    "Shape",
    "Kind",
    "Keyword",
    "KEYWORDS",
    "keywords_in",
    "lookup",
    "QUOTE_KEEPING",
    "BLOCK_KEYWORDS",
]


class Context(enum.Enum):
    """Where a line stands."""

    TOP = "top level"
    SERVICE = "virtual/failover block"  # both blocks accept the same keywords
    SERVER = "server block"


class Shape(enum.Enum):
    SINGLE = "KEY = VALUE"
    PAIR = "KEY = VALUE1 VALUE2"
    LIST = "KEY = [ ITEM ... ]"
    BLOCK = "KEY NAME {"


class Kind(enum.Enum):
    """How Piranha reads a value (lvs-cf-format.md §2.6)."""

    INT = "integer (C strtol, base 0)"
    BOOL = "boolean (0 or 1)"
    PORT = "port number or TCP service name"
    IPV4 = "IPv4 address (inet_aton, no host names)"
    NETMASK = "netmask (inet_aton)"
    PMASK = "persistence netmask (inet_aton; invalid values ignored)"
    HOST = "IPv4 address or host name"
    HOST_NONZERO = "IPv4 address or host name, not 0.0.0.0"
    ENUM = "one of a fixed set of words"
    STRING = "string"
    QUOTED_STRING = "string whose quotes are kept"
    ADDRESS = "IPv4 address or host name, then a network device"
    LIST = "list of words"
    BLOCK = "block"


class Keyword(NamedTuple):
    name: str
    contexts: frozenset[Context]
    shape: Shape
    kind: Kind
    default: object = None  # Piranha's parser default (None: unset)
    choices: tuple[str, ...] = ()
    meaning: str = ""
    used_by: str = ""  # pulse, lvsd, nanny, fos, GUI, or nothing
    since: str = ""
    gui: bool = True  # written by the upstream Piranha GUI


_TOP = frozenset({Context.TOP})
_SERVICE = frozenset({Context.SERVICE})
_SERVER = frozenset({Context.SERVER})


def _k(name, contexts, kind, default=None, meaning="", used_by="", since="", *, shape=Shape.SINGLE,
       choices=(), gui=True):
    return Keyword(name, contexts, shape, kind, default, tuple(choices), meaning, used_by, since, gui)


SCHEDULERS = ("lc", "rr", "wlc", "wrr", "lblc", "lblcr", "dh", "sh")

#: In source order of lvs-cf-format.md §4.
KEYWORDS: tuple[Keyword, ...] = (
    # §4.1 top level
    _k("service", _TOP, Kind.ENUM, "lvs", "which daemon set pulse runs: virtual servers (lvs) or failover services (fos)",
       "pulse", "2000", choices=("lvs", "fos")),
    _k("primary", _TOP, Kind.HOST_NONZERO, "0.0.0.0",
       "public address of the primary director; the node that owns it is the master", "pulse", "1999"),
    _k("primary_private", _TOP, Kind.HOST_NONZERO, None,
       "primary's address on a second, private heartbeat network (defaults to primary)", "pulse", "2001"),
    _k("primary_shared", _TOP, Kind.STRING, None, "shared-SCSI device of the primary (upstream failover services)",
       "pulse", "2001"),
    _k("backup", _TOP, Kind.HOST, "0.0.0.0", "public address of the backup director (0.0.0.0: none)", "pulse", "1999"),
    _k("backup_active", _TOP, Kind.BOOL, 0, "1 runs a two-director pair with heartbeats; 0 a single director",
       "pulse", "2000"),
    _k("backup_private", _TOP, Kind.HOST_NONZERO, None,
       "backup's address on the private heartbeat network (defaults to backup)", "pulse", "2001"),
    _k("backup_shared", _TOP, Kind.STRING, None, "shared-SCSI device as seen by the backup", "pulse", "2001"),
    _k("reservation_conflict_action", _TOP, Kind.ENUM, None, "what to do on a SCSI reservation conflict",
       "pulse", "2001", choices=("nothing", "preempt")),
    _k("heartbeat", _TOP, Kind.BOOL, 0, "never read: heartbeats run whenever backup_active = 1", "", "1999"),
    _k("heartbeat_port", _TOP, Kind.PORT, 539, "UDP port of the heartbeats", "pulse", "1999"),
    _k("keepalive", _TOP, Kind.INT, 2, "seconds between heartbeats", "pulse", "1999"),
    _k("deadtime", _TOP, Kind.INT, 5, "seconds without heartbeat before the partner is declared dead", "pulse", "1999"),
    _k("network", _TOP, Kind.ENUM, "nat", "forwarding method for every real server: nat (-m), direct (-g), tunnel (-i)",
       "lvsd, nanny, pulse", "2000", choices=("nat", "direct", "tunnel")),
    _k("nat_router", _TOP, Kind.ADDRESS, None,
       "floating gateway address of the real servers and its device, brought up on the active director (NAT only)",
       "pulse", "2000", shape=Shape.PAIR),
    _k("nat_nmask", _TOP, Kind.NETMASK, "0.0.0.0", "netmask of the nat_router address", "pulse", "2000"),
    _k("rsh_command", _TOP, Kind.STRING, "rsh", "remote shell that load_monitor = uptime runs on the real servers",
       "nanny", "1999"),
    _k("debug_level", _TOP, Kind.STRING, "NONE", "never read", "", "2000"),
    _k("serial_no", _TOP, Kind.INT, 0, "change counter kept by the GUI; never read by the daemons", "GUI", "2001"),
    _k("monitor_links", _TOP, Kind.INT, 0, "non-zero: a lost link on the heartbeat NIC counts as node failure",
       "pulse", "0.8.1"),
    _k("syncdaemon", _TOP, Kind.BOOL, 0, "run the IPVS connection-sync daemon", "pulse", "2001-2004"),
    _k("syncd_iface", _TOP, Kind.STRING, "eth0", "multicast interface of the sync daemon", "pulse", "0.8.6"),
    _k("syncd_id", _TOP, Kind.INT, 0, "sync daemon id (only the low 8 bits are used)", "pulse", "0.8.6"),
    _k("tcp_timeout", _TOP, Kind.INT, 0, "IPVS TCP timeout in seconds (0: unchanged)", "lvsd", "0.8.6"),
    _k("tcpfin_timeout", _TOP, Kind.INT, 0, "IPVS TCP FIN timeout in seconds (0: unchanged)", "lvsd", "0.8.6"),
    _k("udp_timeout", _TOP, Kind.INT, 0, "IPVS UDP timeout in seconds (0: unchanged)", "lvsd", "0.8.6"),
    _k("hard_shutdown", _TOP, Kind.BOOL, 1, "1: lvsd tears everything down when a nanny dies; 0: it keeps running",
       "lvsd", "0.8.6", gui=False),
    _k("active_cmd", _TOP, Kind.STRING, None, "program run when this node becomes active", "pulse", "0.7.8",
       gui=False),
    _k("inactive_cmd", _TOP, Kind.STRING, None, "program run when this node becomes inactive", "pulse", "0.7.8",
       gui=False),
    _k("ipvsadm", _TOP, Kind.STRING, "/sbin/ipvsadm", "path of the ipvsadm program", "lvsd, pulse, nanny", "2000",
       gui=False),
    _k("sync", _TOP, Kind.BOOL, 0, "never read (old file synchronisation flag)", "", "1999", gui=False),
    _k("virtual", _TOP, Kind.BLOCK, None, "one LVS virtual service", "lvsd, nanny, pulse", "1999", shape=Shape.BLOCK),
    _k("failover", _TOP, Kind.BLOCK, None, "one failover service (service = fos)", "fos, pulse", "2000",
       shape=Shape.BLOCK),
    # §4.2 virtual and failover blocks
    _k("active", _SERVICE | _SERVER, Kind.BOOL, 0, "1: in use; 0: ignored entirely", "lvsd, pulse", "1999"),
    _k("address", _SERVICE | _SERVER, Kind.ADDRESS, None,
       "virtual: the VIP and the device pulse brings it up on; server: the real server's address",
       "pulse, lvsd, nanny", "1999", shape=Shape.PAIR),
    _k("vip_nmask", _SERVICE, Kind.NETMASK, "0.0.0.0", "netmask of the VIP alias", "pulse", "2000"),
    _k("port", _SERVICE | _SERVER, Kind.PORT, 80,
       "virtual: service port (a number or TCP service name); server: real-server port (a number only)",
       "lvsd, nanny", "1999"),
    _k("protocol", _SERVICE, Kind.ENUM, "tcp", "tcp (-t) or udp (-u); also the protocol of the health check",
       "lvsd, nanny", "2000", choices=("tcp", "udp")),
    _k("fwmark", _SERVICE, Kind.INT, 0, "non-zero: the service is a firewall-mark service (-f)", "lvsd, nanny",
       "2001"),
    _k("scheduler", _SERVICE, Kind.ENUM, "wlc", "IPVS scheduler (-s)", "lvsd", "1999", choices=SCHEDULERS),
    _k("persistent", _SERVICE, Kind.INT, 0, "persistence timeout in seconds (-p); 0: off", "lvsd", "1999"),
    _k("pmask", _SERVICE, Kind.PMASK, "0.0.0.0", "persistence netmask (-M), only with persistent > 0", "lvsd",
       "2000"),
    _k("send", _SERVICE, Kind.QUOTED_STRING, None, "what nanny sends after connecting", "nanny", "2000"),
    _k("expect", _SERVICE, Kind.QUOTED_STRING, None, "what nanny expects back", "nanny", "2000"),
    _k("use_regex", _SERVICE, Kind.BOOL, 0, "1: expect is a POSIX extended regular expression", "nanny", "2002"),
    _k("send_program", _SERVICE, Kind.QUOTED_STRING, None, "external check program (%h: server address, %p: port)",
       "nanny", "2001"),
    _k("load_monitor", _SERVICE, Kind.STRING, None, "how nanny polls the real servers' load: none, rup, ruptime, uptime",
       "nanny", "1999"),
    _k("timeout", _SERVICE, Kind.INT, 10, "seconds between health checks, and their time limit", "nanny", "1999"),
    _k("reentry", _SERVICE, Kind.INT, 180, "seconds a failed server must pass checks before it returns", "nanny",
       "1999"),
    _k("quiesce_server", _SERVICE, Kind.BOOL, 0, "1: a failed server gets weight 0 instead of being removed",
       "nanny", "2001"),
    _k("sorry_server", _SERVICE, Kind.IPV4, "0.0.0.0", "fallback server used when no real server is up", "lvsd",
       "0.8.4"),
    _k("client_monitor", _SERVICE, Kind.STRING, "/usr/sbin/nanny", "the health-check program", "lvsd, fos", "1999",
       gui=False),
    _k("start_cmd", _SERVICE, Kind.QUOTED_STRING, None, "failover services: command that starts the service", "fos",
       "2000"),
    _k("stop_cmd", _SERVICE, Kind.QUOTED_STRING, None, "failover services: command that stops the service", "fos",
       "2000"),
    _k("master", _SERVICE, Kind.HOST, "0.0.0.0", "never read (old file synchronisation)", "", "1999", gui=False),
    _k("dirs", _SERVICE, Kind.LIST, None, "never read", "", "1999", shape=Shape.LIST, gui=False),
    _k("server", _SERVICE, Kind.BLOCK, None, "one real server", "lvsd, nanny", "1999", shape=Shape.BLOCK),
    # §4.4 server blocks: active, address and port are above
    _k("weight", _SERVER, Kind.INT, 1, "target IPVS weight (0 and negative values behave as 1)", "nanny", "1999"),
)

_BY_NAME: dict[str, Keyword] = {k.name: k for k in KEYWORDS}

#: Keywords whose value keeps its quote characters (lvs-cf-format.md §2.4).
QUOTE_KEEPING = frozenset(k.name for k in KEYWORDS if k.kind is Kind.QUOTED_STRING)

#: The keyword that opens a block in each context.
BLOCK_KEYWORDS: Mapping[Context, tuple[str, ...]] = {
    Context.TOP: ("virtual", "failover"),
    Context.SERVICE: ("server",),
    Context.SERVER: (),
}


_IN_CONTEXT = {context: MappingProxyType({k.name: k for k in KEYWORDS if context in k.contexts})
               for context in Context}


def lookup(name: str) -> Keyword | None:
    return _BY_NAME.get(name)


def keywords_in(context: Context) -> Mapping[str, Keyword]:
    """The keywords allowed in ``context``, by name (read-only: one mapping per context,
    made once, as the parser asks for it on every line it cannot read)."""
    return _IN_CONTEXT[context]


def shape_in(keyword: Keyword, context: Context) -> Shape:
    """``address`` takes a device only in virtual/failover blocks."""
    if keyword.name == "address" and context is Context.SERVER:
        return Shape.SINGLE
    return keyword.shape


def kind_in(keyword: Keyword, context: Context) -> Kind:
    if keyword.name == "address":
        return Kind.HOST if context is Context.SERVER else Kind.ADDRESS
    if keyword.name == "port" and context is Context.SERVER:
        return Kind.INT  # real-server ports take no service names
    return keyword.kind
