"""lvs.cf → keepalived.conf: what lvsd, nanny and pulse did, as keepalived 2.x configuration.

The mapping follows Piranha's run-time behaviour (lvs-cf-format.md §7), not
its keywords: one ``virtual_server`` per IPVS service lvsd created, one
``real_server`` per destination nanny added, with the kernel's own port rules,
a checker that means what nanny's check meant, and pulse's addresses and
fail-over as a VRRP instance.  Whatever keepalived cannot reproduce goes into
the migration report; a value that cannot be written safely refuses the
whole conversion (the text is then empty).
"""

from __future__ import annotations

from ...diagnostics import Severity
from ...model.config import UNSET_ADDRESS, Config, Network, Protocol, Server, Service, Virtual
from ...model.ipvs import IpvsService, LeftOut, Why, ipvs_table
from ...validate.rule import Location, file_start, header_of, is_set, value_of
from ..conversion import Conversion, report
from . import checks, vrrp
from .codes import (BIG_WEIGHT, CLIENT_MONITOR, DUPLICATE_REAL, DUPLICATE_SERVICE, EMPTY_VIRTUAL, FOS_NOT_CONVERTED,
                    HOST_NAME, LOAD_MONITOR, NOTHING_TO_CONVERT, PROBE, SERVER_REJECTED, SINGLE_DIRECTOR, SLOW_START,
                    VIP_UNSET)
from .notes import Notes
from .ranges import RANGES, out_of_range
from .syntax import Blank, Comment, Directive, Item, SyntaxCheckError, write
from .values import Refused, address, comment_text, number
from .values import interface as interface_name

__all__ = ["keepalived", "DEFAULT_PROBE", "NODES", "CHECK_MODES"]

DEFAULT_PROBE = "/usr/local/bin/lvscf-probe"
NODES = ("primary", "backup")
CHECK_MODES = ("exact", "native")

_KIND = {Network.nat: "NAT", Network.direct: "DR", Network.tunnel: "TUN"}


def keepalived(config: Config, *, node: str = "primary", vrid: int = 51, interface: str | None = None,
               checks_mode: str = "exact", probe: str = DEFAULT_PROBE) -> Conversion:
    """The keepalived.conf for one director of the cluster ``config`` describes, and the migration report.

    ``node`` is ``"primary"`` (VRRP state MASTER) or ``"backup"``; both files
    are needed for a two-director cluster.  ``vrid`` is the VRRP router id
    (the same on both, unique on the network).  ``interface`` is the VRRP
    interface (default: the device of the first address pulse brought up that
    is not a loopback; keepalived refuses VRRP on ``lo``, so ``interface="lo"``
    raises ValueError, and a cluster whose addresses are all on ``lo`` is
    refused).  VRRP is unicast between ``primary`` and ``backup`` when both
    are IPv4 addresses; when either is a host name or unset, neither
    ``unicast_src_ip`` nor ``unicast_peer`` is written (keepalived rejects one
    without the other) and VRRP is multicast, reported as LVS723.
    ``checks_mode`` ``"exact"`` runs ``lvscf-probe`` (installed at ``probe``)
    for the checks keepalived cannot express; ``"native"`` uses TCP_CHECK
    instead and reports each loss.  When the report has an error, the text
    is empty.
    """
    if node not in NODES:
        raise ValueError(f"node must be one of {', '.join(NODES)}, not {node!r}")
    if checks_mode not in CHECK_MODES:
        raise ValueError(f"checks_mode must be one of {', '.join(CHECK_MODES)}, not {checks_mode!r}")
    if not 1 <= vrid <= 255:
        raise ValueError(f"vrid must be 1 to 255, not {vrid}")
    if not (probe.startswith("/") and probe.strip("/") and all(c.isascii() and (c.isalnum() or c in "_./-")
                                                               for c in probe)):
        raise ValueError(f"probe must be an absolute path of ASCII letters, digits and _ . / -, not {probe!r}")
    if interface is not None:
        try:
            interface_name(interface, "interface")
        except Refused as error:
            raise ValueError(f"{error} ({error.hint})") from None
        if interface in vrrp.LOOPBACK:
            raise ValueError(f"interface {interface} is a loopback interface, on which keepalived cannot run VRRP")
    notes = Notes()
    if node == "backup" and not vrrp.two_directors(config):
        notes.add(SINGLE_DIRECTOR, value_of(config, "backup_active"),
                  "there is no backup director (backup_active is 0 or backup is unset), so no backup node file",
                  severity=Severity.ERROR)
        return Conversion("", report(config, notes.items))
    services = _services(config, notes)
    # pulse brought up the address of every active virtual, whatever lvsd's ipvsadm -A made of it
    running = [v for v in config.virtuals if v.active] if config.service is Service.lvs else []
    plumbed = vrrp.plumbing(config, running, notes)
    instance = vrrp.instance(config, plumbed, node=node, vrid=vrid, iface=interface, notes=notes)
    blocks: list[Item] = []
    probes = False
    for service in services:
        block = _virtual_server(service, config, checks_mode == "native", probe, notes)
        if block is not None:
            blocks += [Blank(), Comment(comment_text(f'virtual "{service.virtual.name}"')), block]
            probes = probes or _uses(block, "MISC_CHECK")
    if probes:
        notes.add(PROBE, file_start(), f"health checks run {probe}: install lvscf on every director",
                  "pip install lvscf (as root, so the probe lands in a root-owned directory), or --probe PATH")
    scripts = probes or config.active_cmd is not None or config.inactive_cmd is not None
    top: list[Item] = [*_header(node), Blank(),
                       vrrp.global_defs(config, node=node, vrrp=instance is not None, scripts=scripts, notes=notes)]
    if instance is not None:
        top += [Blank(), *(Comment(text) for text in vrrp.remark(config)), instance]
    diagnostics = report(config, notes.items)
    if notes.refused:
        return Conversion("", diagnostics)
    tree = top + blocks
    for directive, key, text in out_of_range(tree):  # every number was checked where it was made
        raise SyntaxCheckError(f"{directive.keyword}: {text} is outside keepalived's range for {key}")
    return Conversion(write(tree), diagnostics)


def _header(node: str) -> list[Item]:
    other = "backup" if node == "primary" else "primary"
    return [Comment(f"keepalived.conf for the {node} director, converted by lvscf from a Piranha lvs.cf."),
            Comment(f"The {other} director's file: lvscf convert --to keepalived --node {other} lvs.cf"),
            Comment("What keepalived does differently: lvscf convert --to keepalived --report FILE lvs.cf")]


def _uses(item: Item, keyword: str) -> bool:
    if not isinstance(item, Directive):
        return False
    return item.keyword == keyword or any(_uses(c, keyword) for c in item.children or ())


def _services(config: Config, notes: Notes) -> list[IpvsService]:
    """The IPVS services lvsd created (:func:`~lvscf.model.ipvs.ipvs_table`, shared with the ipvsadm
    converter), and the notes on every active virtual or real server that is not one."""
    if config.service is Service.fos:
        notes.add(FOS_NOT_CONVERTED, value_of(config, "service"),
                  "service = fos: failover services have no keepalived equivalent and are not converted; "
                  "nothing runs under fos, so the file has no virtual servers")
        return []
    if not any(v.active for v in config.virtuals):
        notes.add(NOTHING_TO_CONVERT, file_start(),
                  'no virtual is active: pulse exits at start ("no active lvs services defined"), so Piranha ran '
                  "nothing; the keepalived.conf has no virtual_server and no VRRP instance",
                  "set active = 1 in the virtual blocks that should run")
    # Every active virtual holds its service, even one ipvsadm rejects: that one refuses the file here,
    # instead of letting a later virtual with the same service take its place unnoticed.
    table = ipvs_table(config, rejected_holds_service=True)
    for item in table.left_out:
        _left_out(config, item, notes)
    return list(table.services)


def _left_out(config: Config, item: LeftOut, notes: Notes) -> None:
    """The note for an active virtual or real server that lvsd and nanny never made an IPVS entry."""
    if item.why is Why.INACTIVE:
        return  # Piranha did not run it either: nothing is lost
    where = value_of(item.at, item.key) if item.key is not None else header_of(item.at)
    virtual = item.virtual
    if isinstance(item.block, Virtual):
        if item.why is Why.HOST_NAME:
            notes.refuse(where, Refused(f"{vrrp.VIP.format(virtual.name)} is the host name {str(virtual.vip)!r}; "
                                        "keepalived needs an IPv4 address",
                                        "write the address the name resolves to on the director", HOST_NAME))
        elif item.why is Why.DUPLICATE_SERVICE:
            assert item.first is not None
            notes.add(DUPLICATE_SERVICE, where,
                      f'virtual "{virtual.name}" is the same IPVS service as virtual "{item.first.name}": '
                      "lvsd's second ipvsadm -A failed, so it is left out")
        else:  # FWMARK, PORT, ZERO_PORT, PERSISTENT: keepalived.conf cannot hold it either
            notes.refuse(where, Refused(f'virtual "{virtual.name}": {item.reason}; lvsd skipped this virtual and '
                                        "its real servers: fix it to convert the file", item.hint))
        return
    server = item.block
    name = f'server "{server.name}" of virtual "{virtual.name}"'
    if item.why is Why.HOST_NAME:
        notes.refuse(where, Refused(f'the address of server "{server.name}" is the host name '
                                    f"{str(server.address)!r}; keepalived needs an IPv4 address",
                                    "write the address the name resolves to on the director", HOST_NAME))
    elif item.why is Why.DUPLICATE_MONITOR:
        assert item.first is not None
        notes.add(DUPLICATE_REAL, where,
                  f'{name} has the same address and port ({server.address}:{server.port}) as server '
                  f'"{item.first.name}": lvsd started no second monitor, so it is left out', item.hint)
    else:  # PORT, NOT_UNICAST, COLLISION: nanny's ipvsadm -a failed
        fatal = config.hard_shutdown
        consequence = ("nanny exits and lvsd shuts the LVS down (hard_shutdown = 1): not converted" if fatal else
                       "nanny exits and lvsd carries on without the server (hard_shutdown = 0), so it is left out")
        notes.add(SERVER_REJECTED, where, f"{name}: {item.reason}: {consequence}", item.hint,
                  severity=Severity.ERROR if fatal else Severity.WARNING)


def _virtual_server(service: IpvsService, config: Config, native: bool, probe: str,
                    notes: Notes) -> Directive | None:
    virtual = service.virtual
    if not service.destinations:
        notes.add(EMPTY_VIRTUAL, header_of(virtual),
                  f'virtual "{virtual.name}" has no active server; keepalived drops a virtual_server without '
                  "real_server, so it is left out" if not virtual.active_servers() else
                  f'virtual "{virtual.name}" has no real server nanny could add (see its servers\' notes); '
                  "keepalived drops a virtual_server without real_server, so it is left out")
        return None
    try:
        checks.refuse_if_unusable(virtual)
    except Refused as error:
        notes.refuse(value_of(virtual, "timeout"), error)
        return None
    _report_lost_behaviour(virtual, config, notes)
    kind = _KIND[config.network]
    fwmark = virtual.fwmark != 0
    key = "fwmark"
    try:
        if fwmark:
            head: tuple[str, ...] = ("fwmark", number(virtual.fwmark, "fwmark", "fwmark"))
        else:
            key = "address"
            vip = virtual.vip if virtual.vip is not None else UNSET_ADDRESS
            written_vip = address(vip, vrrp.VIP.format(virtual.name))
            key = "port"
            head = (written_vip, number(virtual.port, "port", "port"))
            if vip == UNSET_ADDRESS:
                notes.add(VIP_UNSET, value_of(virtual, "address"),
                          f'virtual "{virtual.name}" has no virtual address: its service is {vip}:{virtual.port}, '
                          "which receives no traffic", "write `address = VIP DEVICE`")
        key = "timeout"
        delay = number(virtual.timeout, f'virtual "{virtual.name}": timeout', "delay_loop")
    except Refused as error:
        notes.refuse(value_of(virtual, key), error)
        return None
    body: list[Item] = []
    if not fwmark:  # keepalived warns about (and ignores) a protocol on fwmark services
        body.append(Directive("protocol", ("UDP" if virtual.protocol is Protocol.udp else "TCP",)))
    body += [
        Directive("lb_algo", (str(virtual.scheduler),)),
        Directive("lb_kind", (kind,)),
        Directive("delay_loop", (delay,)),
        # nanny added a server only after its first good check; keepalived adds them at once unless alpha
        Directive("alpha"),
    ]
    if virtual.persistent > 0:
        try:
            body.append(Directive("persistence_timeout", (number(virtual.persistent, "persistent",
                                                                 "persistence_timeout"),)))
        except Refused as error:
            notes.refuse(value_of(virtual, "persistent"), error)
        if int(virtual.pmask) not in (0, 0xFFFFFFFF):
            body.append(Directive("persistence_granularity", (str(virtual.pmask),)))
    if virtual.quiesce_server:
        body.append(Directive("inhibit_on_failure"))
    if virtual.sorry_server != UNSET_ADDRESS:
        # lvsd adds it at the virtual's port with the global method; DR/TUN fwmark reals carry no port
        try:
            port = () if fwmark and kind != "NAT" else (number(virtual.port, "port", "port"),)
        except Refused as error:
            notes.refuse(value_of(virtual, "port"), error)
            return None
        body.append(Directive("sorry_server", (str(virtual.sorry_server), *port)))
    plan = checks.plan(virtual, native, probe, notes)
    if plan is None:
        return None
    body[:0] = [Comment(text) for text in _remarks(virtual, plan, native)]
    for dest in service.destinations:
        server = dest.server
        rip = str(server.address)  # an IPv4 unicast address: the IPVS table decided so
        port = None if fwmark and kind != "NAT" else dest.port  # the kernel keeps none for DR/TUN fwmark reals
        weight = dest.weight
        if weight > 65535:
            notes.add(BIG_WEIGHT, value_of(server, "weight"),
                      f'server "{server.name}": weight {weight} is above ipvsadm\'s 65535: nanny\'s ipvsadm call '
                      "failed once its slow start passed 65535 (and lvsd shut the LVS down); keepalived installs "
                      "it with this weight")
        checker = checks.checker(plan, virtual, server, rip, probe)
        try:
            key = "port"
            words = (rip,) if port is None else (rip, number(port, f'the port of server "{server.name}"', "port"))
            key = "weight"
            written = number(weight, f'server "{server.name}": weight', "weight")
        except Refused as error:
            notes.refuse(_server_key(virtual, server, key), error)
            continue
        refused = _out_of_range(checker, virtual, server)
        if refused is not None:
            notes.refuse(*refused)
            continue
        body += [Comment(comment_text(f'server "{server.name}"')),
                 Directive("real_server", words, (Directive("weight", (written,)), checker))]
    if not any(isinstance(item, Directive) and item.keyword == "real_server" for item in body):
        return None
    return Directive("virtual_server", head, tuple(body))


def _server_key(virtual: Virtual, server: Server, key: str) -> Location:
    """A server's token for ``key``; a server without ``port`` takes the virtual's."""
    return value_of(server if key != "port" or is_set(server, "port") else virtual, key)


#: The lvs.cf value each number of a checker block is made from.
_CHECKER_SOURCE = {"connect_timeout": "timeout", "misc_timeout": "timeout", "connect_port": "port"}


def _out_of_range(checker: Directive, virtual: Virtual, server: Server) -> tuple[Location, Refused] | None:
    """Where and why a checker block has a number keepalived would reject (None: it has none).

    The timers come from the virtual's ``timeout`` (nanny's check interval):
    ``connect_timeout`` is the timeout itself, and the probe's ``misc_timeout``
    twice that plus 2 s, nanny's connect and read limits with room to exit.
    """
    for directive, key, text in out_of_range([checker]):
        low, high = RANGES[key]
        source = _CHECKER_SOURCE.get(key)
        if source == "timeout":
            limit = high if key == "connect_timeout" else (high - 2) // 2
            return value_of(virtual, "timeout"), Refused(
                f'virtual "{virtual.name}": timeout = {virtual.timeout} gives {key} {text} in the '
                f"{directive.keyword}, outside the {low} to {high} keepalived accepts",
                f"use a timeout of at most {limit} seconds")
        return _server_key(virtual, server, source or "port"), Refused(
            f'server "{server.name}": {key} {text} is outside the {low} to {high} keepalived accepts')
    return None


def _remarks(virtual: Virtual, plan: checks.Check, native: bool) -> list[str]:
    """Short comments for the top of a virtual_server: how its check maps, and what is not reproduced
    (generated text only: nothing from lvs.cf but numbers)."""
    needed = checks.reentry_checks(virtual)
    out = []
    if plan.kind == "probe":
        out.append("nanny's health check, run by lvscf-probe"
                   + (f" (a failed server returns after {needed} good checks in a row)" if needed > 1 else ""))
    elif plan.kind == "http":
        out.append("nanny's HTTP check as HTTP_GET: any status; keepalived adds Host and User-Agent (LVS710)")
    elif native and (virtual.send_program is not None or virtual.send is not None or virtual.expect is not None
                     or virtual.protocol is Protocol.udp):
        out.append("not reproduced: nanny's exchange with the server; this checker only connects (LVS711)")
    if plan.kind != "probe" and needed > 1:
        out.append(f"not reproduced: a failed server returned after {needed} good checks in a row (LVS707)")
    if any(s.weight > 1 for s in virtual.active_servers()):
        out.append("not reproduced: nanny's slow start from weight/32, doubled every 20 s (LVS708)")
    if virtual.load_monitor is not None and virtual.load_monitor != "none":
        out.append("not reproduced: load_monitor's weight scaling by the real servers' load (LVS709)")
    if virtual.client_monitor != "/usr/sbin/nanny":
        out.append("not reproduced: the custom client_monitor (LVS720)")
    return out


def _report_lost_behaviour(virtual: Virtual, config: Config, notes: Notes) -> None:
    if any(s.weight > 1 for s in virtual.active_servers()):
        notes.add(SLOW_START, header_of(virtual),
                  f'virtual "{virtual.name}": nanny started servers at weight/32 and doubled it every 20 s; '
                  "keepalived uses the full weight at once")
    if virtual.load_monitor is not None and virtual.load_monitor != "none":
        notes.add(LOAD_MONITOR, value_of(virtual, "load_monitor"),
                  f'virtual "{virtual.name}": load_monitor = {virtual.load_monitor} scaled weights by the real '
                  "servers' load; keepalived keeps the configured weights")
    if virtual.client_monitor != "/usr/sbin/nanny":
        notes.add(CLIENT_MONITOR, value_of(virtual, "client_monitor"),
                  f'virtual "{virtual.name}": lvsd ran {virtual.client_monitor} instead of nanny; the checks '
                  "written here reproduce nanny")
