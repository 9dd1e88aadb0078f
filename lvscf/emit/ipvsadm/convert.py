"""``lvscf convert --to ipvsadm``: the IPVS table Piranha programs, as ``ipvsadm-save -n`` prints it.

:func:`ipvsadm` writes the table that lvsd and nanny leave in the kernel in
**steady state**, when every active real server passes its health check
(lvs-cf-format.md §7.2-§7.6):

* one ``-A`` line per active virtual, exactly the service lvsd creates
  (``-f MARK`` when ``fwmark`` is set, else ``-t``/``-u VIP:PORT``; ``-s``;
  ``-p`` when ``persistent > 0``; ``-M`` then, unless the pmask is unset or
  the full mask, which ``ipvsadm-save`` leaves out);
* one ``-a`` line per active real server of that virtual, as nanny adds it,
  with the forwarding method of the global ``network`` and the weight nanny's
  slow start ends at: the configured weight, or 1 for a weight of 0 or less.

Every line is in the normal form ``ipvsadm-save -n`` (ipvsadm 1.31, Linux 6.1)
prints, so restoring the file and saving the kernel's table gives the same
lines back (checked against a real kernel by ``tests/test_ipvs_vm.py``): the
real-server port is the one the kernel stores (the service port for ``-g``/``-i``
on an address service, ``0`` on a fwmark service unless ``-m``), ``-w`` is always
written, and ``-i`` servers end in ``--tun-type ipip`` as ipvsadm 1.31 prints them.

**Order.**  Services and their real servers are sorted like ``ipvsadm -S``
sorts them, so the file can be diffed against ``ipvsadm-save -n`` of a live
director: services by (fwmark, protocol, address, port), address services
(fwmark 0) first and TCP before UDP; real servers by (address, port).  Like
ipvsadm, addresses (and marks) are compared by the *wrapping* 32-bit difference
``(int)(a - b)``, so ``192.168.0.1`` sorts before ``10.0.0.1``.  That relation is
not transitive when the addresses span more than half of the address space; the
kernel's hash order then decides ipvsadm's output, which cannot be predicted,
and this module's order is still deterministic (a stable sort of the numeric
order with ipvsadm's comparison) but may differ from a live ``ipvsadm-save``.

**What is left out, and why.**  Whatever a static table cannot hold (the sorry
server, slow start, quiescing, load-based weights, health checks, VIP plumbing,
the sync daemon, the timeouts) and whatever ipvsadm or the kernel would refuse
is reported as a migration-report diagnostic (codes LVS601-LVS623, :data:`CODES`)
at the lvs.cf token it comes from.  A value that cannot be written never
produces a line: a bad line in an ``ipvsadm-restore`` file either aborts the
rest of the restore or leaves the table incomplete (FINDINGS.md §1), so the
service or real server is left out and the rest of the table is kept.
"""

from __future__ import annotations

import functools
from ipaddress import IPv4Address, IPv4Network

from ...diagnostics import Severity
from ...findings import Rule
from ...model.config import UNSET_ADDRESS, Config, HostName, Network, Protocol, Server, Service, Virtual
from ...validate.rule import Finding, Location, file_start, header_of, is_set, value_of
from ..conversion import Conversion, report
from .codes import (
    SORRY_SERVER,
    SLOW_START,
    QUIESCE,
    WEIGHT_RAISED,
    HEALTH_CHECKS,
    INACTIVE_VIRTUAL,
    INACTIVE_SERVER,
    FWMARK,
    VIP_PLUMBING,
    SYNC_DAEMON,
    TIMEOUTS,
    BIG_WEIGHT,
    HOST_NAME,
    SERVICE_REJECTED,
    DUPLICATE_SERVICE,
    DUPLICATE_MONITOR,
    SERVER_REJECTED,
    DESTINATION_COLLISION,
    VIP_UNSET,
    LOAD_MONITOR,
    FAILOVER,
    TIMEOUTS_REJECTED,
    EMPTY_TABLE,
)

__all__ = ["ipvsadm"]

# -- limits (ipvsadm 1.31 and Linux 6.1, observed with tools/ipvs-vm) ---------------------------

#: ``-p`` and ``--set`` accept 1..31 days (``--set`` also 0 = "leave unchanged").
MAX_TIMEOUT = 2_678_400
#: The highest weight every ipvsadm accepts (RHEL 5/6's ipvsadm stops here; 1.31 goes on to INT_MAX).
MAX_PORTABLE_WEIGHT = 65_535
#: Real-server addresses the kernel refuses ("address not unicast"): 0.0.0.0 (0.0.0.0/8 on the
#: kernels Piranha ran on), multicast, the limited broadcast, and the loopback broadcast.
_NOT_UNICAST = (IPv4Network("0.0.0.0/8"), IPv4Network("224.0.0.0/4"), IPv4Network("255.255.255.255/32"),
                IPv4Network("127.255.255.255/32"))

_METHOD = {Network.nat: "-m", Network.direct: "-g", Network.tunnel: "-i"}
_PROTOCOL = {Protocol.tcp: ("-t", 6), Protocol.udp: ("-u", 17)}

# -- ipvsadm's sort order ---------------------------------------------------------------------------


def _wrapped(a: int, b: int) -> int:
    """C's ``(int)(a - b)`` for two unsigned 32-bit values: how ipvsadm compares addresses and marks."""
    d = (a - b) & 0xFFFFFFFF
    return d - (1 << 32) if d & 0x80000000 else d


def _compare_services(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    """libipvs ``ipvs_cmp_services``: fwmark (wrapping), protocol, address (wrapping), port."""
    return (_wrapped(a[0], b[0]) or (a[1] - b[1]) or _wrapped(a[2], b[2]) or (a[3] - b[3]))


def _compare_dests(a: tuple[int, int], b: tuple[int, int]) -> int:
    """libipvs ``ipvs_cmp_dests``: address (wrapping), port."""
    return _wrapped(a[0], b[0]) or (a[1] - b[1])


def _ipvsadm_sorted(items: list, key, compare) -> list:
    """``items`` in ipvsadm's order: numeric order first (so the result never depends on lvs.cf's
    order), then a stable sort with ipvsadm's comparison."""
    items = sorted(items, key=key)
    return sorted(items, key=lambda item: functools.cmp_to_key(compare)(key(item)))


# -- conversion ---------------------------------------------------------------------------------------


class _Dest:
    __slots__ = ("key", "line")

    def __init__(self, key: tuple[int, int], line: str) -> None:
        self.key = key
        self.line = line


class _Service:
    __slots__ = ("key", "svc", "line", "dests")

    def __init__(self, key: tuple[int, int, int, int], svc: str, line: str) -> None:
        self.key = key
        self.svc = svc  # "-t VIP:PORT", "-u VIP:PORT" or "-f MARK", as every line of the service repeats it
        self.line = line
        self.dests: list[_Dest] = []


def _kernel_port(method: str, fwmark: int, service_port: int, port: int) -> int:
    """The real-server port the kernel stores (and ``ipvsadm-save`` prints)."""
    if method == "-m":
        return port
    return 0 if fwmark else service_port


def _dest_line(svc: str, address: IPv4Address, port: int, method: str, weight: int) -> str:
    line = f"-a {svc} -r {address}:{port} {method} -w {weight}"
    return line + " --tun-type ipip" if method == "-i" else line


def _not_unicast(address: IPv4Address) -> bool:
    return any(address in network for network in _NOT_UNICAST)


def _safe_path(path: str) -> str:
    """The path on one line: anything unprintable (a newline would start a restore line) escaped."""
    def escaped(ch: str) -> str:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return "".join(ch if ch.isprintable() else escaped(ch) for ch in path)


def _where_port(virtual: Virtual, server: Server) -> Location:
    """A server's port token; a server without ``port`` takes the virtual's."""
    return value_of(server, "port") if is_set(server, "port") else value_of(virtual, "port")


def ipvsadm(config: Config, *, flush: bool = False, timeouts: bool = False, header: bool = True) -> Conversion:
    """The IPVS table Piranha programs for ``config`` in steady state, as ``ipvsadm-save -n`` prints it.

    ``flush`` adds ``-C`` (what lvsd runs at start; ``ipvsadm-restore`` flushes
    anyway, ``ipvsadm -R`` does not).  ``timeouts`` adds ``--set TCP TCPFIN
    UDP``, which lvsd also runs at start (0 leaves a timeout unchanged);
    ``ipvsadm-save`` never prints it.  ``header`` starts the text with a ``#``
    comment in column 0, which ``ipvsadm-restore`` (and Debian's init script)
    drop but a bare ``ipvsadm -R`` rejects.
    """
    notes: list[tuple[Rule, Finding]] = []
    lines: list[str] = []
    if header:
        from ... import __version__

        path = config.origin.source.path if config.origin is not None else None
        lines.append(f"# lvscf {__version__}: ipvsadm rules" + (f" for {_safe_path(path)}" if path else ""))
    runs_lvs = config.service is Service.lvs
    lines += _global_lines(config, notes, flush=flush, timeouts=timeouts,
                           runs=runs_lvs and any(v.active for v in config.virtuals))
    if runs_lvs:
        services = _services(config, notes)
        for service in _ipvsadm_sorted(services, lambda s: s.key, _compare_services):
            lines.append(service.line)
            lines.extend(d.line for d in _ipvsadm_sorted(service.dests, lambda d: d.key, _compare_dests))
    else:
        notes.append((FAILOVER, Finding(value_of(config, "service"),
                                        "service = fos: pulse runs the failover services and no lvsd, so Piranha "
                                        "programs no IPVS table; the table is empty",
                                        hint="migrate the failover blocks to keepalived VRRP instances with "
                                             "notify scripts")))
    text = "".join(line + "\n" for line in lines)
    return Conversion(text, report(config, notes))


def _global_lines(config: Config, notes: list, *, flush: bool, timeouts: bool, runs: bool) -> list[str]:
    """``--set`` and ``-C``, and the notes on global settings (only when pulse runs lvsd: ``runs``)."""
    lines = []
    values = {key: getattr(config, key) for key in ("tcp_timeout", "tcpfin_timeout", "udp_timeout")}
    bad = [key for key, value in values.items() if not 0 <= value <= MAX_TIMEOUT]
    if bad:
        for key in bad:
            notes.append((TIMEOUTS_REJECTED, Finding(
                value_of(config, key),
                f"{key} = {values[key]} is outside 0-{MAX_TIMEOUT}: lvsd's `ipvsadm --set` fails and the kernel "
                f"keeps its timeouts; no --set line is written",
                hint=f"use 1 to {MAX_TIMEOUT} seconds, or 0 to leave the timeout unchanged")))
    elif timeouts:
        lines.append("--set {tcp_timeout} {tcpfin_timeout} {udp_timeout}".format(**values))
    elif any(values.values()) and runs:
        key = next(key for key, value in values.items() if value)
        notes.append((TIMEOUTS, Finding(
            value_of(config, key),
            "lvsd sets the IPVS timeouts with `ipvsadm --set {tcp_timeout} {tcpfin_timeout} {udp_timeout}`; "
            "they are not part of the table".format(**values),
            hint="convert with --timeouts to write the --set line")))
    if flush:
        lines.append("-C")
    if config.syncdaemon and runs:
        notes.append((SYNC_DAEMON, Finding(
            value_of(config, "syncdaemon"),
            f"pulse runs the connection sync daemon (`--start-daemon master|backup --mcast-interface "
            f"{config.syncd_iface} --syncid {config.syncd_id & 255}`); it is not part of the table",
            hint="start it from the new fail-over software (keepalived: lvs_sync_daemon)")))
    if runs and config.network is Network.nat and config.nat_router is not None:
        notes.append((VIP_PLUMBING, Finding(
            value_of(config, "nat_router"),
            f"pulse brings up the NAT router address {config.nat_router.ip} on {config.nat_router.device} (the "
            f"real servers' gateway) on the active director; it is not part of the table",
            hint="configure it with the new fail-over software (keepalived: virtual_ipaddress)")))
    return lines


def _services(config: Config, notes: list) -> list[_Service]:
    method = _METHOD[config.network]
    services: list[_Service] = []
    created: dict[tuple, Virtual] = {}  # IPVS service identity -> the virtual that created it
    monitors: dict[tuple, Server] = {}  # lvsd's monitor identity -> the server it was started for
    vips: set = set()
    any_active = False
    for virtual in config.virtuals:
        if not virtual.active:
            notes.append((INACTIVE_VIRTUAL, Finding(
                value_of(virtual, "active"),
                f'virtual "{virtual.name}" is inactive (active = 0): lvsd creates no service for it')))
            continue
        any_active = True
        service = _service(config, virtual, created, notes)
        if service is None:
            continue
        services.append(service)
        vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
        if virtual.address is not None and vip not in vips:
            vips.add(vip)
            notes.append((VIP_PLUMBING, Finding(
                value_of(virtual, "address"),
                f"pulse brings up {vip} on {virtual.address.device} on the active director (and sends "
                f"gratuitous ARPs); the address is not part of the table",
                hint="configure the address with the new fail-over software (keepalived: virtual_ipaddress)")))
        _servers(config, virtual, service, method, monitors, notes)
        if service.dests:
            notes.append((HEALTH_CHECKS, Finding(
                header_of(virtual),
                f'virtual "{virtual.name}": nanny checks each real server every {virtual.timeout} s and removes '
                f"it when it fails; the table lists every active server as healthy",
                hint="use a health checker (keepalived or ldirectord) to maintain the table")))
            if virtual.quiesce_server:
                notes.append((QUIESCE, Finding(
                    value_of(virtual, "quiesce_server"),
                    f'virtual "{virtual.name}": nanny sets a failed real server\'s weight to 0 instead of removing '
                    f"it; a static table never does",
                    hint="keepalived: inhibit_on_failure; ldirectord: quiescent = yes")))
            if virtual.load_monitor is not None and virtual.load_monitor != "none":
                notes.append((LOAD_MONITOR, Finding(
                    value_of(virtual, "load_monitor"),
                    f'virtual "{virtual.name}": nanny moves each weight between the configured weight and 10 '
                    f"times that by the server's load ({virtual.load_monitor}); the table has the configured "
                    f"weights")))
        if virtual.sorry_server != UNSET_ADDRESS:
            line = _dest_line(service.svc, virtual.sorry_server, _kernel_port(method, virtual.fwmark, virtual.port,
                                                                        virtual.port), method, 1)
            when = ("while none of its real servers is up" if virtual.active_servers() else
                    "never, because the virtual has no active real server (lvsd arms it only when it starts a "
                    "monitor)")
            notes.append((SORRY_SERVER, Finding(
                value_of(virtual, "sorry_server"),
                f'virtual "{virtual.name}": lvsd adds the sorry server {when}: `{line}`; it is not in the '
                f"steady-state table",
                hint="use a health checker with a fallback server (keepalived: sorry_server)")))
    if not any_active:
        notes.append((EMPTY_TABLE, Finding(
            file_start(), "no virtual is active: pulse exits (\"no active lvs services defined\") and the table "
                          "is empty")))
    return services


def _service(config: Config, virtual: Virtual, created: dict, notes: list) -> _Service | None:
    """The ``-A`` line lvsd runs for ``virtual``, or None (reported) when ipvsadm would refuse it."""
    name = f'virtual "{virtual.name}"'

    def rejected(where: Location, message: str, hint: str) -> None:
        notes.append((SERVICE_REJECTED, Finding(where, f"{name}: {message}; lvsd skips the virtual and its real "
                                                       f"servers, and so does the table", hint=hint)))

    if virtual.fwmark != 0:
        if virtual.fwmark < 0:
            rejected(value_of(virtual, "fwmark"), f"ipvsadm rejects fwmark {virtual.fwmark} (marks are 1 to "
                                                  f"4294967295, and lvs.cf holds a signed int)",
                     "use a mark from 1 to 2147483647")
            return None
        svc = f"-f {virtual.fwmark}"
        key = (virtual.fwmark, 0, 0, 0)
        identity: tuple = ("fwmark", virtual.fwmark)
    else:
        vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
        if isinstance(vip, HostName):
            notes.append((HOST_NAME, Finding(
                value_of(virtual, "address"),
                f"{name}: the address {vip} is a host name, which lvscf does not resolve; the service and its "
                f"real servers are left out",
                hint="write the virtual IP address as an IPv4 address")))
            return None
        if not 0 <= virtual.port <= 65535:
            rejected(value_of(virtual, "port"), f"ipvsadm rejects port {virtual.port} (illegal virtual server "
                                                f"address[:port])", "use a port from 1 to 65535")
            return None
        if virtual.port == 0 and virtual.persistent <= 0:
            rejected(value_of(virtual, "port"), "ipvsadm rejects port 0 on a service without persistence (Zero "
                                                "port specified for non-persistent service)",
                     "use a real port, or set persistent for an any-port service")
            return None
        flag, protocol = _PROTOCOL[virtual.protocol]
        svc = f"{flag} {vip}:{virtual.port}"
        key = (0, protocol, int(vip), virtual.port)
        identity = ("service", protocol, vip, virtual.port)
    if virtual.persistent > MAX_TIMEOUT:
        rejected(value_of(virtual, "persistent"), f"ipvsadm rejects persistent = {virtual.persistent} (at most "
                                                  f"{MAX_TIMEOUT} s, 31 days)", f"use at most {MAX_TIMEOUT}")
        return None
    first = created.get(identity)
    if first is not None:
        what = f"fwmark {virtual.fwmark}" if virtual.fwmark else svc
        notes.append((DUPLICATE_SERVICE, Finding(
            header_of(virtual),
            f'{name} defines the IPVS service {what} again: lvsd\'s second `ipvsadm -A` fails, so only virtual '
            f'"{first.name}" runs; this virtual and its real servers are left out',
            hint="use one virtual per service (a fwmark service takes every port its mark covers)",
            related=(("first defined here", header_of(first)),))))
        return None
    created[identity] = virtual
    line = f"-A {svc} -s {virtual.scheduler.value}"
    if virtual.persistent > 0:
        line += f" -p {virtual.persistent}"
        if virtual.pmask not in (UNSET_ADDRESS, IPv4Address("255.255.255.255")):
            line += f" -M {virtual.pmask}"
    if virtual.fwmark:
        notes.append((FWMARK, Finding(
            value_of(virtual, "fwmark"),
            f"{name}: the fwmark {virtual.fwmark} service only sees packets that firewall rules mark with "
            f"{virtual.fwmark}; those rules are not part of lvs.cf nor of the table",
            hint="keep the iptables/nftables marking rules next to the table")))
    elif virtual.vip is None or virtual.vip == UNSET_ADDRESS:
        notes.append((VIP_UNSET, Finding(
            value_of(virtual, "address"),
            f"{name} has no virtual address: its service is {svc}, which receives no traffic",
            hint="write `address = VIP DEVICE`")))
    return _Service(key, svc, line)


def _servers(config: Config, virtual: Virtual, service: _Service, method: str, monitors: dict, notes: list) -> None:
    """The ``-a`` lines nanny runs for ``virtual``'s active real servers, into ``service``."""
    vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
    destinations: dict[tuple[int, int], Server] = {}
    fatal = Severity.ERROR if config.hard_shutdown else Severity.WARNING
    consequence = ("nanny exits and lvsd shuts the LVS down (hard_shutdown = 1)" if config.hard_shutdown else
                   "nanny exits and lvsd carries on without the server (hard_shutdown = 0)")
    for server in virtual.servers:
        name = f'server "{server.name}" of virtual "{virtual.name}"'
        if not server.active:
            notes.append((INACTIVE_SERVER, Finding(
                value_of(server, "active"), f"{name} is inactive (active = 0): it is never added")))
            continue
        monitor = (str(vip), str(server.address), virtual.port, server.port, virtual.protocol)
        first = monitors.get(monitor)
        if first is not None:
            notes.append((DUPLICATE_MONITOR, Finding(
                header_of(server),
                f"{name} has the same address and port ({server.address}:{server.port}) as server "
                f'"{first.name}": lvsd starts no second monitor, so this block has no effect',
                hint="remove the duplicate server block", related=(("first defined here", header_of(first)),))))
            continue
        monitors[monitor] = server
        if isinstance(server.address, HostName):
            notes.append((HOST_NAME, Finding(
                value_of(server, "address"),
                f"{name}: the address {server.address} is a host name, which lvscf does not resolve; the real "
                f"server is left out", hint="write the real server's IPv4 address")))
            continue
        if not 0 <= server.port <= 65535:
            notes.append((SERVER_REJECTED, Finding(
                _where_port(virtual, server),
                f"{name}: ipvsadm rejects port {server.port} (illegal real server address[:port]): {consequence}; "
                f"the server is left out", hint="use a port from 0 to 65535", severity=fatal)))
            continue
        if _not_unicast(server.address):
            missing = "" if is_set(server, "address") else " (no address is written)"
            notes.append((SERVER_REJECTED, Finding(
                value_of(server, "address"),
                f"{name}: the kernel refuses {server.address}{missing}, which is not a unicast address: "
                f"{consequence}; the server is left out", hint="write the real server's unicast IPv4 address",
                severity=fatal)))
            continue
        port = _kernel_port(method, virtual.fwmark, virtual.port, server.port)
        key = (int(server.address), port)
        first = destinations.get(key)
        if first is not None:
            notes.append((DESTINATION_COLLISION, Finding(
                header_of(server),
                f"{name} becomes the same IPVS destination as server \"{first.name}\" ({server.address}:{port}, "
                f"the kernel forces the port with {method}): the second `ipvsadm -a` fails, {consequence}; it is "
                f"left out", hint="keep one server block per address", severity=fatal,
                related=(("first defined here", header_of(first)),))))
            continue
        destinations[key] = server
        weight = server.weight if server.weight > 0 else 1
        if server.weight <= 0:
            notes.append((WEIGHT_RAISED, Finding(
                value_of(server, "weight"),
                f"{name} has weight {server.weight}: nanny adds it with weight 1, and so does the table",
                hint="write `active = 0` to take the server out")))
        elif weight > 1:
            start = max(1, weight >> 5)
            notes.append((SLOW_START, Finding(
                value_of(server, "weight"),
                f"{name}: nanny adds it with weight {start} and doubles that about every 20 s up to {weight}; "
                f"the table has {weight} at once")))
        if weight > MAX_PORTABLE_WEIGHT:
            notes.append((BIG_WEIGHT, Finding(
                value_of(server, "weight"),
                f"{name} has weight {weight}: ipvsadm 1.31 and the kernel accept it, the ipvsadm of RHEL 5/6 "
                f"rejects weights above {MAX_PORTABLE_WEIGHT}",
                hint=f"scale the virtual's weights down to {MAX_PORTABLE_WEIGHT} or less")))
        service.dests.append(_Dest(key, _dest_line(service.svc, server.address, port, method, weight)))

