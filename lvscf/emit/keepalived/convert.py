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

from ipaddress import IPv4Address

from ...diagnostics import Severity
from ...model.config import Config, Network, Protocol, Service, Virtual
from ...validate.rule import file_start, header_of, value_of
from ..conversion import Conversion, report
from . import checks, vrrp
from .codes import (BIG_WEIGHT, CLIENT_MONITOR, DUPLICATE_REAL, DUPLICATE_SERVICE, EMPTY_VIRTUAL, FOS_NOT_CONVERTED,
                    LOAD_MONITOR, PROBE, SINGLE_DIRECTOR, SLOW_START)
from .notes import Notes
from .syntax import Blank, Comment, Directive, Item, write
from .values import Refused, address, comment_text, number

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
    interface (default: the device of the first virtual address).
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
    notes = Notes()
    if node == "backup" and not vrrp.two_directors(config):
        notes.add(SINGLE_DIRECTOR, value_of(config, "backup_active"),
                  "there is no backup director (backup_active is 0 or backup is unset), so no backup node file",
                  severity=Severity.ERROR)
        return Conversion("", report(config, notes.items))
    services = _services(config, notes)
    plumbed = vrrp.plumbing(config, services, notes)
    instance = vrrp.instance(config, plumbed, node=node, vrid=vrid, iface=interface, notes=notes)
    blocks: list[Item] = []
    probes = False
    for virtual in services:
        block = _virtual_server(virtual, config, checks_mode == "native", probe, notes)
        if block is not None:
            blocks += [Blank(), Comment(comment_text(f'virtual "{virtual.name}"')), block]
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
    return Conversion(write(top + blocks), diagnostics)


def _header(node: str) -> list[Item]:
    other = "backup" if node == "primary" else "primary"
    return [Comment(f"keepalived.conf for the {node} director, converted by lvscf from a Piranha lvs.cf."),
            Comment(f"The {other} director's file: lvscf convert --to keepalived --node {other} lvs.cf"),
            Comment("What keepalived does differently: lvscf convert --to keepalived --report FILE lvs.cf")]


def _uses(item: Item, keyword: str) -> bool:
    if not isinstance(item, Directive):
        return False
    return item.keyword == keyword or any(_uses(c, keyword) for c in item.children or ())


def _services(config: Config, notes: Notes) -> list[Virtual]:
    """The virtuals lvsd created an IPVS service for: active ones, the first of any duplicate."""
    if config.service is Service.fos:
        notes.add(FOS_NOT_CONVERTED, value_of(config, "service"),
                  "service = fos: failover services have no keepalived equivalent and are not converted; "
                  "nothing runs under fos, so the file has no virtual servers")
        return []
    out: list[Virtual] = []
    first: dict[object, Virtual] = {}
    for virtual in config.virtuals:
        if not virtual.active:
            continue
        key = ("fwmark", virtual.fwmark) if virtual.fwmark else (virtual.vip, virtual.protocol, virtual.port)
        if key in first:
            notes.add(DUPLICATE_SERVICE, header_of(virtual),
                      f'virtual "{virtual.name}" is the same IPVS service as virtual "{first[key].name}": '
                      "lvsd's second ipvsadm -A failed, so it is left out")
            continue
        first[key] = virtual
        out.append(virtual)
    return out


def _virtual_server(virtual: Virtual, config: Config, native: bool, probe: str, notes: Notes) -> Directive | None:
    servers = virtual.active_servers()
    if not servers:
        notes.add(EMPTY_VIRTUAL, header_of(virtual),
                  f'virtual "{virtual.name}" has no active server; keepalived drops a virtual_server without '
                  "real_server, so it is left out")
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
            head: tuple[str, ...] = ("fwmark", number(virtual.fwmark, "fwmark", 1, 2**32 - 1))
        else:
            key = "address"
            vip = address(virtual.vip if virtual.vip is not None else IPv4Address(0), vrrp.VIP.format(virtual.name))
            key = "port"
            head = (vip, number(virtual.port, "port", 0, 65535))
    except Refused as error:
        notes.refuse(value_of(virtual, key), error)
        return None
    body: list[Item] = []
    if not fwmark:  # keepalived warns about (and ignores) a protocol on fwmark services
        body.append(Directive("protocol", ("UDP" if virtual.protocol is Protocol.udp else "TCP",)))
    body += [
        Directive("lb_algo", (str(virtual.scheduler),)),
        Directive("lb_kind", (kind,)),
        Directive("delay_loop", (str(virtual.timeout),)),
        # nanny added a server only after its first good check; keepalived adds them at once unless alpha
        Directive("alpha"),
    ]
    if virtual.persistent > 0:
        try:
            body.append(Directive("persistence_timeout", (number(virtual.persistent, "persistent", 1, 2678400),)))
        except Refused as error:
            notes.refuse(value_of(virtual, "persistent"), error)
        if int(virtual.pmask) not in (0, 0xFFFFFFFF):
            body.append(Directive("persistence_granularity", (str(virtual.pmask),)))
    if virtual.quiesce_server:
        body.append(Directive("inhibit_on_failure"))
    if virtual.sorry_server != IPv4Address(0):
        # lvsd adds it at the virtual's port with the global method; DR/TUN fwmark reals carry no port
        port = () if fwmark and kind != "NAT" else (str(virtual.port),)
        body.append(Directive("sorry_server", (str(virtual.sorry_server), *port)))
    plan = checks.plan(virtual, native, probe, notes)
    if plan is None:
        return None
    body[:0] = [Comment(text) for text in _remarks(virtual, plan, native)]
    seen: dict[tuple[str, int | None], str] = {}
    for server in servers:
        where = value_of(server, "address")
        try:
            rip = address(server.address, f'the address of server "{server.name}"')
        except Refused as error:
            notes.refuse(where, error)
            continue
        # The kernel keeps the server's port only for NAT; DR/TUN use the virtual's (none for fwmark)
        port = server.port if kind == "NAT" else (None if fwmark else virtual.port)
        if (rip, port) in seen:
            notes.add(DUPLICATE_REAL, header_of(server),
                      f'server "{server.name}" is the same IPVS destination ({rip}'
                      + (f":{port}" if port is not None else "") + f') as server "{seen[rip, port]}" of virtual '
                      f'"{virtual.name}"; it is left out')
            continue
        seen[rip, port] = server.name
        try:
            head_words = (rip,) if port is None else (rip, number(port, f'the port of server "{server.name}"', 0,
                                                                   65535))
        except Refused as error:
            notes.refuse(value_of(server, "port"), error)
            continue
        weight = server.weight if server.weight > 0 else 1  # nanny never uses a weight below 1 (§7.5)
        if weight > 65535:
            notes.add(BIG_WEIGHT, value_of(server, "weight"),
                      f'server "{server.name}": weight {weight} is above ipvsadm\'s 65535: nanny\'s ipvsadm call '
                      "failed once its slow start passed 65535 (and lvsd shut the LVS down); keepalived installs "
                      "it with this weight")
        body += [Comment(comment_text(f'server "{server.name}"')),
                 Directive("real_server", head_words, (
                     Directive("weight", (str(weight),)),
                     checks.checker(plan, virtual, server, rip, probe),
                 ))]
    if not any(isinstance(item, Directive) and item.keyword == "real_server" for item in body):
        return None
    return Directive("virtual_server", head, tuple(body))


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
