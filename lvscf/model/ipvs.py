"""Which virtuals and real servers become IPVS entries: the one decision both converters share.

lvsd and nanny program the kernel with ipvsadm (lvs-cf-format.md §7.2-§7.6):
with ``service = lvs``, lvsd runs ``ipvsadm -A`` for each *active* virtual in
file order, and for each *active* real server of a virtual whose ``-A``
succeeded it starts one nanny, which runs ``ipvsadm -a`` once the server passes
its check.  What ipvsadm or the kernel refuses never becomes an entry.
:func:`ipvs_table` replays that: the services and destinations Piranha ends up
with in steady state, and for everything else (:class:`LeftOut`) why, in words
that both migration reports use, so the ipvsadm rules and keepalived.conf can
never disagree about what Piranha ran (issue: a 0.0.0.0 real server was
refused by one converter and written by the other).

What each converter does with a left-out entry is its own business: the
ipvsadm converter leaves it out of the table, as Piranha did; the keepalived
converter refuses the whole file for a virtual ipvsadm rejects (the user
declared it active, and keepalived.conf cannot hold the value either).  The one
place where that difference changes the decision itself is a parameter:
``rejected_holds_service``.

This module is separate from :mod:`.services` (the TCP service-name table),
which :mod:`.values` imports and so cannot import :mod:`.config`.
"""

from __future__ import annotations

import enum
from ipaddress import IPv4Address, IPv4Network

import attrs

from .config import UNSET_ADDRESS, Config, HostName, Network, Server, Service, Virtual

__all__ = ["Why", "LeftOut", "Destination", "IpvsService", "IpvsTable", "ipvs_table", "kernel_port",
           "service_identity", "MAX_PERSISTENT", "NOT_UNICAST"]

#: ``ipvsadm -p`` accepts 1 s to 31 days.
MAX_PERSISTENT = 2_678_400
#: Real-server addresses the kernel refuses ("address not unicast"): 0.0.0.0 (0.0.0.0/8 on the
#: kernels Piranha ran on), multicast, the limited broadcast, and the loopback broadcast.
NOT_UNICAST = (IPv4Network("0.0.0.0/8"), IPv4Network("224.0.0.0/4"), IPv4Network("255.255.255.255/32"),
               IPv4Network("127.255.255.255/32"))


class Why(enum.Enum):
    """Why an active block is not an IPVS entry."""

    INACTIVE = "inactive"                  # active = 0: lvsd skips it
    HOST_NAME = "host-name"                # lvscf does not resolve names (Piranha did, on the director)
    FWMARK = "fwmark"                      # ipvsadm -A rejects the mark
    PORT = "port"                          # ipvsadm rejects the port
    ZERO_PORT = "zero-port"                # ipvsadm -A rejects port 0 without persistence
    PERSISTENT = "persistent"              # ipvsadm -A rejects the persistence timeout
    DUPLICATE_SERVICE = "duplicate-service"  # the same IPVS service as an earlier virtual: -A fails
    DUPLICATE_MONITOR = "duplicate-monitor"  # lvsd starts no second monitor for the same key
    NOT_UNICAST = "not-unicast"            # the kernel refuses the destination address
    COLLISION = "collision"                # the same IPVS destination as an earlier server: -a fails


@attrs.frozen
class LeftOut:
    """An active virtual or real server that is no IPVS entry, and why.

    ``at`` and ``key`` name the lvs.cf token to report it at (``key`` None: the
    block's opening line; ``at`` is the virtual when a server has no ``port`` of
    its own).  ``reason`` says what ipvsadm or the kernel does with it, in words
    both converters use after the block's name (``server "a" of virtual "b":
    REASON``); ``hint`` what to write instead.  ``first`` is the earlier block a
    duplicate collides with.
    """

    block: Virtual | Server
    virtual: Virtual
    why: Why
    at: Virtual | Server
    key: str | None
    reason: str
    hint: str | None = None
    first: Virtual | Server | None = None


@attrs.frozen
class Destination:
    """One ``ipvsadm -a``: the server, the port the kernel stores, and the weight nanny's slow start ends at."""

    server: Server
    port: int
    weight: int


@attrs.frozen
class IpvsService:
    """One ``ipvsadm -A`` and the destinations nanny adds to it."""

    virtual: Virtual
    identity: tuple
    destinations: tuple[Destination, ...]


@attrs.frozen
class IpvsTable:
    services: tuple[IpvsService, ...]
    left_out: tuple[LeftOut, ...]


def kernel_port(config: Config, virtual: Virtual, server_port: int) -> int:
    """The real-server port the kernel stores: the server's own with NAT (``-m``); for DR and TUN the
    virtual's, and none (0) on a fwmark service."""
    if config.network is Network.nat:
        return server_port
    return 0 if virtual.fwmark else virtual.port


def service_identity(virtual: Virtual) -> tuple:
    """What makes two ``ipvsadm -A`` the same service: the mark alone, else (protocol, VIP, port)."""
    if virtual.fwmark:
        return ("fwmark", virtual.fwmark)
    vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
    return ("service", virtual.protocol, vip, virtual.port)


def _not_unicast(address: IPv4Address) -> bool:
    return any(address in network for network in NOT_UNICAST)


def _rejected_service(virtual: Virtual) -> LeftOut | None:
    """Why ``ipvsadm -A`` fails for ``virtual`` on its own (None: it succeeds unless a duplicate)."""

    def out(why: Why, key: str, reason: str, hint: str) -> LeftOut:
        return LeftOut(virtual, virtual, why, virtual, key, reason, hint)

    if virtual.fwmark != 0:
        if virtual.fwmark < 0:
            return out(Why.FWMARK, "fwmark", f"ipvsadm rejects fwmark {virtual.fwmark} (marks are 1 to 4294967295, "
                                             f"and lvs.cf holds a signed int)", "use a mark from 1 to 2147483647")
    else:
        vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
        if isinstance(vip, HostName):
            return out(Why.HOST_NAME, "address", f"the address {vip} is a host name, which lvscf does not resolve",
                       "write the virtual IP address as an IPv4 address")
        if not 0 <= virtual.port <= 65535:
            return out(Why.PORT, "port", f"ipvsadm rejects port {virtual.port} (illegal virtual server "
                                         f"address[:port])", "use a port from 1 to 65535")
        if virtual.port == 0 and virtual.persistent <= 0:
            return out(Why.ZERO_PORT, "port", "ipvsadm rejects port 0 on a service without persistence (Zero port "
                                              "specified for non-persistent service)",
                       "use a real port, or set persistent for an any-port service")
    if virtual.persistent > MAX_PERSISTENT:
        return out(Why.PERSISTENT, "persistent", f"ipvsadm rejects persistent = {virtual.persistent} (at most "
                                                 f"{MAX_PERSISTENT} s, 31 days)", f"use at most {MAX_PERSISTENT}")
    return None


def ipvs_table(config: Config, *, rejected_holds_service: bool = False) -> IpvsTable:
    """The IPVS services and destinations Piranha programs for ``config`` in steady state, and what is left out.

    ``rejected_holds_service``: False (the ipvsadm converter) replays lvsd: a
    virtual whose ``ipvsadm -A`` fails creates nothing, so a later virtual with
    the same service identity creates the service.  True (the keepalived
    converter) gives every active virtual its identity in file order, so that
    later virtual is a duplicate: keepalived.conf refuses the rejected one, and
    the file, rather than let another virtual take its place unnoticed.

    Only ``service = lvs`` runs lvsd; otherwise the table is empty and nothing
    is reported here.
    """
    if config.service is not Service.lvs:
        return IpvsTable((), ())
    services: list[IpvsService] = []
    left_out: list[LeftOut] = []
    created: dict[tuple, Virtual] = {}   # service identity -> the virtual that holds it
    monitors: dict[tuple, Server] = {}  # lvsd's monitor key -> the server it was started for
    for virtual in config.virtuals:
        if not virtual.active:
            left_out.append(LeftOut(virtual, virtual, Why.INACTIVE, virtual, "active",
                                    "inactive (active = 0): lvsd creates no service for it"))
            continue
        identity = service_identity(virtual)
        rejected = _rejected_service(virtual)
        if rejected is not None:
            left_out.append(rejected)
            if rejected_holds_service:
                created.setdefault(identity, virtual)
            continue
        first = created.get(identity)
        if first is not None:
            left_out.append(LeftOut(virtual, virtual, Why.DUPLICATE_SERVICE, virtual, None,
                                    "lvsd's second `ipvsadm -A` for the same service fails (Service already exists)",
                                    "use one virtual per service (a fwmark service takes every port its mark "
                                    "covers)", first))
            continue
        created[identity] = virtual
        services.append(IpvsService(virtual, identity, _destinations(config, virtual, monitors, left_out)))
    return IpvsTable(tuple(services), tuple(left_out))


def _destinations(config: Config, virtual: Virtual, monitors: dict, left_out: list[LeftOut]) -> tuple[Destination, ...]:
    """The ``ipvsadm -a`` nanny runs for ``virtual``'s active real servers; the rest into ``left_out``."""
    vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
    by_destination: dict[tuple[int, int], Server] = {}
    out: list[Destination] = []
    for server in virtual.servers:
        def skip(why: Why, key: str | None, reason: str, hint: str | None = None, first: Server | None = None,
                 at: Virtual | Server = server) -> None:
            left_out.append(LeftOut(server, virtual, why, at, key, reason, hint, first))

        if not server.active:
            skip(Why.INACTIVE, "active", "inactive (active = 0): it is never added")
            continue
        # lvsd keeps one monitor list for every virtual, keyed like this, and starts no second one
        monitor = (str(vip), str(server.address), virtual.port, server.port, virtual.protocol)
        first = monitors.get(monitor)
        if first is not None:
            skip(Why.DUPLICATE_MONITOR, None, "lvsd starts no second monitor for the same address and port, so this "
                 "block has no effect", "remove the duplicate server block", first)
            continue
        monitors[monitor] = server
        if isinstance(server.address, HostName):
            skip(Why.HOST_NAME, "address", f"the address {server.address} is a host name, which lvscf does not "
                                           "resolve", "write the real server's IPv4 address")
            continue
        if not 0 <= server.port <= 65535:
            own = server.origin is not None and server.origin.setting("port") is not None
            skip(Why.PORT, "port", f"ipvsadm rejects port {server.port} (illegal real server address[:port])",
                 "use a port from 0 to 65535", at=server if own else virtual)
            continue
        if _not_unicast(server.address):
            written = server.origin is None or server.origin.setting("address") is not None
            skip(Why.NOT_UNICAST, "address", f"the kernel refuses {server.address}"
                 + ("" if written else " (no address is written)") + ", which is not a unicast address",
                 "write the real server's unicast IPv4 address")
            continue
        port = kernel_port(config, virtual, server.port)
        key = (int(server.address), port)
        first = by_destination.get(key)
        if first is not None:
            how = {Network.nat: "-m", Network.direct: "-g", Network.tunnel: "-i"}[config.network]
            skip(Why.COLLISION, None, f"the second `ipvsadm -a` for the same IPVS destination ({server.address}:{port}, "
                 f"the kernel forces the port with {how}) fails", "keep one server block per address", first)
            continue
        by_destination[key] = server
        out.append(Destination(server, port, server.weight if server.weight > 0 else 1))
    return tuple(out)

