"""pulse's director fail-over as keepalived's ``global_defs`` and one VRRP instance.

pulse brought up every active virtual's address (and, for NAT, the
``nat_router`` gateway) on the active director with ``ifconfig DEV IP
[netmask M broadcast B] up`` and heart-beat between ``primary`` and
``backup`` over UDP.  Here the addresses become one ``vrrp_instance``'s
``virtual_ipaddress`` list with the same device, label, prefix and
broadcast, and the heartbeat becomes VRRP, unicast between the same two
addresses.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import NamedTuple

from ...model.config import Config, Network, Virtual
from ...model.values import classful_prefix, mask_prefix
from ...validate.rule import Location, file_start, value_of
from .codes import (CLASSFUL_MASK, HEARTBEAT, LINK_FAILOVER, PRIVATE_HEARTBEAT, SCRIPTS, SINGLE_DIRECTOR,
                    VRRP_INTERFACE, VRRP_MULTICAST)
from .notes import Notes
from .syntax import Directive
from .values import Refused, address, command_words, device_label, interface, number

__all__ = ["INSTANCE", "LOOPBACK", "Plumbing", "plumbing", "instance", "global_defs", "two_directors"]

INSTANCE = "VI_1"
#: Interfaces of type loopback, on which keepalived refuses to run VRRP.
LOOPBACK = frozenset({"lo"})
#: How a virtual's address is named in messages (the same words wherever it is refused, so it is reported once).
VIP = 'the address of virtual "{}"'


def _prefix(ip: IPv4Address, mask: IPv4Address) -> tuple[int, bool]:
    """The prefix length the kernel gave ``ip`` under ``ifconfig`` with ``mask`` (0: none given).

    Returns (prefix, classful).  Without a usable netmask the kernel picks the
    classful one; a non-contiguous mask is refused by the kernel, which then
    keeps the classful mask too.
    """
    prefix = mask_prefix(mask) if int(mask) else None
    if prefix is not None:
        return prefix, False
    return classful_prefix(ip) or 32, True


def _entry(where: Location, ip: IPv4Address, device: str, mask: IPv4Address, what: str,
           notes: Notes) -> list[str]:
    base, label = device_label(device, f"the device of {what}")
    prefix, classful = _prefix(ip, mask)
    if classful:
        notes.add(CLASSFUL_MASK, where,
                  f"{what} {ip} has no usable netmask: pulse's ifconfig gave it the classful /{prefix}, "
                  f"so it is written as {ip}/{prefix}")
    words = [f"{ip}/{prefix}"]
    if prefix < 31:
        if int(mask) and classful:
            # pulse still passed `broadcast (IP & MASK) | ~MASK` of the mask the kernel refused
            brd = IPv4Address(int(ip) & int(mask) | ~int(mask) & 0xFFFFFFFF)
        else:
            brd = IPv4Network(f"{ip}/{prefix}", strict=False).broadcast_address
        words += ["brd", str(brd)]
    words += ["dev", base]
    if label is not None:
        words += ["label", label]
    return words


# A VRRPv2 advertisement counts its addresses in one byte: keepalived 2.2.7 warns (and `-t`
# exits 5) past 255 and moves the rest to virtual_ipaddress_excluded itself.  pulse's heartbeat
# carried no addresses at all, so which ones are advertised changes nothing of the fail-over.
ADVERTISED = 255


class Plumbing(NamedTuple):
    """The addresses pulse brought up, in its order: one per VIP (the first virtual decides), then nat_router.

    ``entries`` are ``virtual_ipaddress`` lines; ``devices`` their base interfaces, and ``where``
    the lvs.cf value each comes from.
    """

    entries: list[list[str]]
    devices: list[str]
    where: list[Location]


def plumbing(config: Config, virtuals: list[Virtual], notes: Notes) -> Plumbing:
    out = Plumbing([], [], [])
    seen: set[IPv4Address] = set()
    for virtual in virtuals:
        vip = virtual.address
        if vip is None or vip.ip in seen:
            continue
        where = value_of(virtual, "address")
        try:
            ip = IPv4Address(address(vip.ip, VIP.format(virtual.name)))
            seen.add(ip)
            out.entries.append(_entry(where, ip, vip.device, virtual.vip_nmask,
                                      f'the address of virtual "{virtual.name}"', notes))
            out.devices.append(vip.device.partition(":")[0])
            out.where.append(where)
        except Refused as error:
            notes.refuse(where, error)
    router = config.nat_router
    # with no active virtual pulse exits at start ("no active lvs services defined"), bringing up nothing
    if config.network is Network.nat and router is not None and virtuals:
        where = value_of(config, "nat_router")
        try:
            ip = IPv4Address(address(router.ip, "nat_router"))
            if ip not in seen:
                out.entries.append(_entry(where, ip, router.device, config.nat_nmask, "nat_router", notes))
                out.devices.append(router.device.partition(":")[0])
                out.where.append(where)
        except Refused as error:
            notes.refuse(where, error)
    return out


def two_directors(config: Config) -> bool:
    """pulse clears backup_active when backup is unset (lvs-cf-format.md §7.1)."""
    return config.backup_active and config.backup != IPv4Address(0)


def _script(config: Config, key: str, notes: Notes) -> str | None:
    command = getattr(config, key)
    if command is None:
        return None
    where = value_of(config, key)
    try:
        words = command_words([w for w in command.split(" ") if w], key)
        if len(command) > 900:
            raise Refused(f"{key} is {len(command)} characters long; keepalived splits lines at 1023 bytes")
    except Refused as error:
        notes.refuse(where, error)
        return None
    notes.add(SCRIPTS, where, f"{key} runs as a keepalived notify script, as root",
              "keepalived runs a file without #! through a shell; give it a #! line")
    return " ".join(words)


def instance(config: Config, plumbed: Plumbing, *, node: str, vrid: int, iface: str | None,
             notes: Notes) -> Directive | None:
    """The VRRP instance carrying every address pulse brought up (None when there are none).

    Nothing keepalived refuses is written: VRRP is unicast only when both
    directors are IPv4 addresses (keepalived rejects a ``unicast_src_ip``
    without a ``unicast_peer``; otherwise neither, multicast, LVS723), and it
    never runs on a loopback interface (the first other device is taken; with
    none, the conversion is refused at the address).
    """
    if not plumbed.entries:
        return None
    pair = two_directors(config)
    top = file_start()
    if iface is None:
        # keepalived refuses VRRP on a loopback interface ("cannot use a loopback interface (lo) for vrrp")
        usable = [i for i, device in enumerate(plumbed.devices) if device not in LOOPBACK]
        if not usable:
            notes.refuse(plumbed.where[0], Refused(
                f"every address pulse brought up is on {plumbed.devices[0]}, and keepalived cannot run VRRP on "
                "a loopback interface", "use --interface to name the interface the directors heart-beat over"))
            return None
        first = usable[0]
        iface = plumbed.devices[first]
        notes.add(VRRP_INTERFACE, top, f"VRRP runs on {iface}, the device of the first address pulse brought up"
                  + (" that is not on a loopback interface" if first else "")
                  + "; pulse heart-beat over the interface holding the primary address",
                  "use --interface to choose another")
    try:
        iface = interface(iface, "the VRRP interface")
    except Refused as error:
        notes.refuse(top, error)
        return None
    body: list[Directive] = [
        # pulse never took the service back: a returning primary stayed passive while the backup was
        # healthy; "master wins" only when both were active.  That is VRRP without preemption, which
        # keepalived allows only from state BACKUP; the priorities settle a tie.
        Directive("state", ("BACKUP",)),
        Directive("nopreempt"),
        Directive("interface", (iface,)),
        Directive("virtual_router_id", (str(vrid),)),
        Directive("priority", ("150" if node == "primary" else "100",)),
    ]
    try:
        body.append(Directive("advert_int", (number(config.keepalive, "keepalive", "advert_int"),)))
    except Refused as error:
        notes.refuse(value_of(config, "keepalive"), error)
    if pair:
        notes.add(HEARTBEAT, value_of(config, "backup_active"),
                  f"pulse's heartbeat (UDP port {config.heartbeat_port}, every {config.keepalive} s, fail-over "
                  f"after {config.deadtime} s) becomes VRRP (IP protocol 112, every {config.keepalive} s, "
                  f"fail-over after about {3 * config.keepalive} s)",
                  "let VRRP through any firewall between the directors")
        mine, peer = (config.primary, config.backup) if node == "primary" else (config.backup, config.primary)
        # Both unicast keywords or neither: keepalived -t rejects a unicast_src_ip without a unicast_peer.
        unusable = [key for key in ("primary", "backup")
                    if not isinstance(getattr(config, key), IPv4Address) or getattr(config, key) == IPv4Address(0)]
        if not unusable:
            body.append(Directive("unicast_src_ip", (str(mine),)))
            body.append(Directive("unicast_peer", (), (Directive(str(peer)),)))
        for key in unusable:
            value = getattr(config, key)
            what = (f"{key} is the host name {value}" if not isinstance(value, IPv4Address) else
                    f"{key} is not set (0.0.0.0)")
            notes.add(VRRP_MULTICAST, value_of(config, key),
                      f"{what}, so VRRP uses multicast instead of unicast (neither unicast_src_ip nor unicast_peer "
                      "is written)", "write both director addresses as IPv4 addresses")
        if config.primary_private != config.primary:
            notes.add(PRIVATE_HEARTBEAT, value_of(config, "primary_private"),
                      "pulse also heart-beat over the private addresses; VRRP runs over one interface only")
        if not config.monitor_links:
            notes.add(LINK_FAILOVER, value_of(config, "monitor_links"),
                      f"keepalived fails over when {iface} loses link; pulse did so only with monitor_links")
    else:
        notes.add(SINGLE_DIRECTOR, value_of(config, "backup_active"),
                  "no backup director (backup_active is 0 or backup is unset): one VRRP instance with no peer")
    lines = tuple(Directive(e[0], tuple(e[1:])) for e in plumbed.entries)
    body.append(Directive("virtual_ipaddress", (), lines[:ADVERTISED]))
    if lines[ADVERTISED:]:
        # moved, not lost: keepalived brings these up and down with the instance's state too
        body.append(Directive("virtual_ipaddress_excluded", (), lines[ADVERTISED:]))
    up, down = _script(config, "active_cmd", notes), _script(config, "inactive_cmd", notes)
    if up is not None:
        body.append(Directive("notify_master", (up,), quoted=True))
    if down is not None:
        body.append(Directive("notify_backup", (down,), quoted=True))
        body.append(Directive("notify_fault", (down,), quoted=True))
    return Directive("vrrp_instance", (INSTANCE,), tuple(body))


def remark(config: Config) -> list[str]:
    """The comment above the VRRP instance: what it replaces."""
    if not two_directors(config):
        return ["The addresses pulse brought up on the (single) active director."]
    return ["pulse's fail-over: the addresses it brought up on the active director, moved by VRRP",
            "between the two directors.  No preemption: pulse never took the service back."]


def global_defs(config: Config, *, node: str, vrrp: bool, scripts: bool, notes: Notes) -> Directive:
    body = [Directive("router_id", (f"piranha_{node}",)),
            # lvsd flushed the whole IPVS table (ipvsadm -C) when it started
            Directive("lvs_flush")]
    timeouts: list[str] = []
    for key, word in (("tcp_timeout", "tcp"), ("tcpfin_timeout", "tcpfin"), ("udp_timeout", "udp")):
        value = getattr(config, key)
        if value:  # 0: ipvsadm --set leaves that timeout unchanged; keepalived: leave the word out
            try:
                timeouts += [word, number(value, key, "lvs_timeouts")]
            except Refused as error:
                notes.refuse(value_of(config, key), error)
    if timeouts:
        body.append(Directive("lvs_timeouts", tuple(timeouts)))
    if config.syncdaemon:
        where = value_of(config, "syncdaemon")
        if not vrrp:
            notes.add(SINGLE_DIRECTOR, where, "the sync daemon follows the VRRP instance's state, and there is "
                      "none (no virtual address): not converted", severity=None)
        else:
            try:
                iface = interface(config.syncd_iface or "eth0", "syncd_iface")
                body.append(Directive("lvs_sync_daemon", (iface, INSTANCE, "id", str(config.syncd_id & 255))))
            except Refused as error:
                notes.refuse(value_of(config, "syncd_iface"), error)
    if scripts:
        body += [Directive("enable_script_security"), Directive("script_user", ("root",))]
    return Directive("global_defs", (), tuple(body))
