"""Stage 2, the typed model: frozen attrs classes with lvs.cf's own key names.

Every field holds the *effective* value: what Piranha's parser stores, with its
defaults filled in (the parser's defaults, not the GUI's: lvs-cf-format.md §5)
and numbers as Piranha reads them (``port = 010`` is 8).  String fields that
Piranha passes on to nanny or fos (``send``, ``expect``, ``send_program``,
``start_cmd``, ``stop_cmd``) hold the string those programs receive.

Each object's ``origin`` (excluded from comparisons) points at the syntax node
it was built from, so rules can report the exact token, and writers can change
only what was edited.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from ipaddress import IPv4Address
from typing import NamedTuple, Union

import attrs

from ..parse.nodes import Block, Document, Setting
from ..source import Source
from .values import HostName

__all__ = [
    "Service",
    "Network",
    "Protocol",
    "Scheduler",
    "ReservationConflictAction",
    "Host",
    "HostName",
    "DeviceAddress",
    "Origin",
    "Server",
    "ServiceBlock",
    "Virtual",
    "Failover",
    "Config",
    "UNSET_ADDRESS",
]


class _Choice(str, enum.Enum):
    def __str__(self) -> str:
        return self.value


class Service(_Choice):
    lvs = "lvs"
    fos = "fos"


class Network(_Choice):
    nat = "nat"
    direct = "direct"
    tunnel = "tunnel"


class Protocol(_Choice):
    tcp = "tcp"
    udp = "udp"


class Scheduler(_Choice):
    lc = "lc"
    rr = "rr"
    wlc = "wlc"
    wrr = "wrr"
    lblc = "lblc"
    lblcr = "lblcr"
    dh = "dh"
    sh = "sh"


class ReservationConflictAction(_Choice):
    nothing = "nothing"
    preempt = "preempt"


#: An address as written: an IPv4 address, or a host name Piranha resolves at start-up.
Host = Union[IPv4Address, HostName]

#: Piranha's value for an address that is not set.
UNSET_ADDRESS = IPv4Address(0)


@attrs.frozen
class DeviceAddress:
    """``address = IP DEVICE`` (virtual, failover) and ``nat_router = IP DEVICE``."""

    ip: Host
    device: str


class Origin(NamedTuple):
    """Where an object came from: its syntax node (and the file's source, for positions).

    ``written`` maps every key written in the block (as a statement lvscf's
    grammar reads) to its last setting; the builder fills it as it reads the
    block, so rules look keys up without scanning the block again.
    """

    node: Block | Document
    source: Source
    written: Mapping[str, Setting] | None = None

    def setting(self, key: str) -> Setting | None:
        """The setting Piranha took ``key``'s value from: the last one in the block."""
        if self.written is not None:
            return self.written.get(key)
        for item in reversed(self.node.items):
            if isinstance(item, Setting) and item.key == key:
                return item
        return None

    @property
    def settings(self) -> Mapping[str, Setting]:
        """Every key written in the block, with the setting that gave it its value."""
        if self.written is not None:
            return self.written
        found: dict[str, Setting] = {}
        for item in self.node.items:
            if isinstance(item, Setting):
                found[item.key] = item
        return found


def _origin():
    return attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Server:
    """``server NAME { ... }``: one real server."""

    name: str
    address: Host = UNSET_ADDRESS
    active: bool = False
    weight: int = 1
    port: int = 80  # the enclosing virtual's port at the point where the block starts
    origin: Origin | None = _origin()


@attrs.frozen
class ServiceBlock:
    """The keywords shared by ``virtual`` and ``failover`` blocks (one parser routine in Piranha)."""

    name: str
    active: bool = False
    address: DeviceAddress | None = None
    vip_nmask: IPv4Address = UNSET_ADDRESS
    port: int = 80
    protocol: Protocol = Protocol.tcp
    fwmark: int = 0
    scheduler: Scheduler = Scheduler.wlc
    persistent: int = 0
    pmask: IPv4Address = UNSET_ADDRESS
    send: str | None = None
    expect: str | None = None
    use_regex: bool = False
    send_program: str | None = None
    load_monitor: str | None = None
    timeout: int = 10
    reentry: int = 180
    quiesce_server: bool = False
    sorry_server: IPv4Address = UNSET_ADDRESS
    client_monitor: str = "/usr/sbin/nanny"
    start_cmd: str | None = None
    stop_cmd: str | None = None
    master: Host = UNSET_ADDRESS
    dirs: tuple[str, ...] | None = None
    servers: tuple[Server, ...] = ()
    origin: Origin | None = _origin()

    @property
    def vip(self) -> Host | None:
        return self.address.ip if self.address is not None else None

    def active_servers(self) -> tuple[Server, ...]:
        return tuple(s for s in self.servers if s.active)

    @property
    def implicit_http(self) -> bool:
        """nanny's built-in check (``GET / HTTP/1.0``, expect ``HTTP``): the virtual port is 80 and none
        of send, expect, send_program is set."""
        return self.port == 80 and self.send is None and self.expect is None and self.send_program is None


# Virtual and Failover add no fields: they inherit ServiceBlock's attrs methods
# (an attrs class compares equal only to objects of its exact class, so a Virtual
# never equals a Failover) instead of having attrs generate them twice more.
class Virtual(ServiceBlock):
    """``virtual NAME { ... }``: one LVS virtual service."""

    __slots__ = ()


class Failover(ServiceBlock):
    """``failover NAME { ... }``: one failover service (``service = fos``)."""

    __slots__ = ()


@attrs.frozen
class Config:
    """A whole lvs.cf: the top-level keywords, then the blocks."""

    service: Service = Service.lvs
    primary: Host = UNSET_ADDRESS
    primary_private: Host = UNSET_ADDRESS
    primary_shared: str | None = None
    backup: Host = UNSET_ADDRESS
    backup_active: bool = False
    backup_private: Host = UNSET_ADDRESS
    backup_shared: str | None = None
    reservation_conflict_action: ReservationConflictAction | None = None
    heartbeat: bool = False
    heartbeat_port: int = 539
    keepalive: int = 2
    deadtime: int = 5
    network: Network = Network.nat
    nat_router: DeviceAddress | None = None
    nat_nmask: IPv4Address = UNSET_ADDRESS
    rsh_command: str = "rsh"
    debug_level: str = "NONE"
    serial_no: int = 0
    monitor_links: int = 0
    syncdaemon: bool = False
    syncd_iface: str = "eth0"
    syncd_id: int = 0
    tcp_timeout: int = 0
    tcpfin_timeout: int = 0
    udp_timeout: int = 0
    hard_shutdown: bool = True
    active_cmd: str | None = None
    inactive_cmd: str | None = None
    ipvsadm: str = "/sbin/ipvsadm"
    sync: bool = False
    virtuals: tuple[Virtual, ...] = ()
    failovers: tuple[Failover, ...] = ()
    origin: Origin | None = _origin()

    @property
    def document(self) -> Document | None:
        return self.origin.node if self.origin is not None else None  # type: ignore[return-value]


#: The fields that are lvs.cf keywords, per class, in declaration order.
def keyword_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls) if f.name not in ("origin", "servers", "virtuals", "failovers",
                                                                        "name"))
