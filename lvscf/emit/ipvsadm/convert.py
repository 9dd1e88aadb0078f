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

**Which entries.**  The virtuals and real servers that become ``-A``/``-a`` lines
are decided by :func:`lvscf.model.ipvs.ipvs_table`, the decision the keepalived
converter shares (as lvsd ran: a virtual whose ``-A`` fails holds no service, so
a later virtual with the same identity creates it).

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
from ipaddress import IPv4Address

from ...diagnostics import Severity
from ...findings import Rule
from ...model.config import UNSET_ADDRESS, Config, Network, Protocol, Server, Service, Virtual
from ...model.ipvs import MAX_PERSISTENT, Destination, LeftOut, Why, ipvs_table, kernel_port
from ...validate.rule import Finding, Location, file_start, header_of, value_of
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
MAX_TIMEOUT = MAX_PERSISTENT
#: The highest weight every ipvsadm accepts (RHEL 5/6's ipvsadm stops here; 1.31 goes on to INT_MAX).
MAX_PORTABLE_WEIGHT = 65_535

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


def _dest_line(svc: str, address: IPv4Address, port: int, method: str, weight: int) -> str:
    line = f"-a {svc} -r {address}:{port} {method} -w {weight}"
    return line + " --tun-type ipip" if method == "-i" else line


def _safe_path(path: str) -> str:
    """The path on one line: anything unprintable (a newline would start a restore line) escaped."""
    def escaped(ch: str) -> str:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return "".join(ch if ch.isprintable() else escaped(ch) for ch in path)


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
    """The ``-A`` and ``-a`` lines of the IPVS table :func:`~lvscf.model.ipvs.ipvs_table` decides, and the
    notes on what it leaves out and on what the lines do not hold."""
    method = _METHOD[config.network]
    table = ipvs_table(config, rejected_holds_service=False)  # as lvsd ran: a rejected virtual holds nothing
    for item in table.left_out:
        _left_out(config, item, notes)
    services: list[_Service] = []
    vips: set = set()
    for entry in table.services:
        virtual = entry.virtual
        service = _service(virtual, notes)
        services.append(service)
        vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
        if virtual.address is not None and vip not in vips:
            vips.add(vip)
            notes.append((VIP_PLUMBING, Finding(
                value_of(virtual, "address"),
                f"pulse brings up {vip} on {virtual.address.device} on the active director (and sends "
                f"gratuitous ARPs); the address is not part of the table",
                hint="configure the address with the new fail-over software (keepalived: virtual_ipaddress)")))
        for dest in entry.destinations:
            _destination(virtual, dest, service, method, notes)
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
            line = _dest_line(service.svc, virtual.sorry_server, kernel_port(config, virtual, virtual.port), method, 1)
            when = ("while none of its real servers is up" if virtual.active_servers() else
                    "never, because the virtual has no active real server (lvsd arms it only when it starts a "
                    "monitor)")
            notes.append((SORRY_SERVER, Finding(
                value_of(virtual, "sorry_server"),
                f'virtual "{virtual.name}": lvsd adds the sorry server {when}: `{line}`; it is not in the '
                f"steady-state table",
                hint="use a health checker with a fallback server (keepalived: sorry_server)")))
    if not any(v.active for v in config.virtuals):
        notes.append((EMPTY_TABLE, Finding(
            file_start(), "no virtual is active: pulse exits (\"no active lvs services defined\") and the table "
                          "is empty")))
    return services


def _where(item: LeftOut) -> Location:
    return value_of(item.at, item.key) if item.key is not None else header_of(item.at)


def _left_out(config: Config, item: LeftOut, notes: list) -> None:
    """The note for a virtual or real server that is no IPVS entry."""
    virtual = item.virtual
    where = _where(item)
    if isinstance(item.block, Virtual):
        name = f'virtual "{virtual.name}"'
        if item.why is Why.INACTIVE:
            notes.append((INACTIVE_VIRTUAL, Finding(where, f"{name} is inactive (active = 0): lvsd creates no service "
                                                           "for it")))
        elif item.why is Why.HOST_NAME:
            notes.append((HOST_NAME, Finding(where, f"{name}: {item.reason}; the service and its real servers are "
                                                    "left out", hint=item.hint)))
        elif item.why is Why.DUPLICATE_SERVICE:
            assert isinstance(item.first, Virtual)
            what = f"fwmark {virtual.fwmark}" if virtual.fwmark else _svc(virtual)
            notes.append((DUPLICATE_SERVICE, Finding(
                where,
                f'{name} defines the IPVS service {what} again: lvsd\'s second `ipvsadm -A` fails, so only virtual '
                f'"{item.first.name}" runs; this virtual and its real servers are left out',
                hint=item.hint, related=(("first defined here", header_of(item.first)),))))
        else:
            notes.append((SERVICE_REJECTED, Finding(where, f"{name}: {item.reason}; lvsd skips the virtual and its "
                                                           "real servers, and so does the table", hint=item.hint)))
        return
    server = item.block
    name = f'server "{server.name}" of virtual "{virtual.name}"'
    fatal = Severity.ERROR if config.hard_shutdown else Severity.WARNING
    consequence = ("nanny exits and lvsd shuts the LVS down (hard_shutdown = 1)" if config.hard_shutdown else
                   "nanny exits and lvsd carries on without the server (hard_shutdown = 0)")
    related = (("first defined here", header_of(item.first)),) if item.first is not None else ()
    if item.why is Why.INACTIVE:
        notes.append((INACTIVE_SERVER, Finding(where, f"{name} is inactive (active = 0): it is never added")))
    elif item.why is Why.DUPLICATE_MONITOR:
        assert isinstance(item.first, Server)
        notes.append((DUPLICATE_MONITOR, Finding(
            where, f"{name} has the same address and port ({server.address}:{server.port}) as server "
                   f'"{item.first.name}": lvsd starts no second monitor, so this block has no effect',
            hint=item.hint, related=related)))
    elif item.why is Why.HOST_NAME:
        notes.append((HOST_NAME, Finding(where, f"{name}: {item.reason}; the real server is left out",
                                         hint=item.hint)))
    elif item.why is Why.COLLISION:
        assert isinstance(item.first, Server)
        port = kernel_port(config, virtual, server.port)
        notes.append((DESTINATION_COLLISION, Finding(
            where,
            f"{name} becomes the same IPVS destination as server \"{item.first.name}\" ({server.address}:{port}, "
            f"the kernel forces the port with {_METHOD[config.network]}): the second `ipvsadm -a` fails, "
            f"{consequence}; it is left out", hint=item.hint, severity=fatal, related=related)))
    else:  # PORT, NOT_UNICAST
        notes.append((SERVER_REJECTED, Finding(where, f"{name}: {item.reason}: {consequence}; the server is left out",
                                               hint=item.hint, severity=fatal)))


def _svc(virtual: Virtual) -> str:
    """``-f MARK``, ``-t VIP:PORT`` or ``-u VIP:PORT``, as every line of the service repeats it."""
    if virtual.fwmark:
        return f"-f {virtual.fwmark}"
    vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
    return f"{_PROTOCOL[virtual.protocol][0]} {vip}:{virtual.port}"


def _service(virtual: Virtual, notes: list) -> _Service:
    """The ``-A`` line lvsd runs for ``virtual`` (which ipvsadm accepts)."""
    name = f'virtual "{virtual.name}"'
    svc = _svc(virtual)
    if virtual.fwmark:
        key = (virtual.fwmark, 0, 0, 0)
    else:
        vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
        key = (0, _PROTOCOL[virtual.protocol][1], int(vip), virtual.port)
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


def _destination(virtual: Virtual, dest: Destination, service: _Service, method: str, notes: list) -> None:
    """The ``-a`` line nanny runs for one destination, into ``service``, and the notes on its weight."""
    server = dest.server
    name = f'server "{server.name}" of virtual "{virtual.name}"'
    weight = dest.weight
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
    service.dests.append(_Dest((int(server.address), dest.port), _dest_line(service.svc, server.address, dest.port,
                                                                              method, weight)))
