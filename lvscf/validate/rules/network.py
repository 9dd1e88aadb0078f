"""LVS2xx: addresses, subnets, devices and routes.

What the rules rely on (lvs-cf-format.md §7.1, pulse.c of Piranha 0.8.6):

* pulse plumbs addresses only for the kind of block ``service`` selects: the
  active ``virtual`` blocks with ``service = lvs`` (the default), the active
  ``failover`` blocks with ``service = fos``.  Of several active blocks with
  the same VIP only the first one is plumbed (its device and ``vip_nmask``),
  and only its device is taken down again.
* ``nat_router`` is plumbed only with ``service = lvs`` and ``network = nat``
  (the parser's default).
* ``ifconfig DEV IP up`` without a netmask gives the address its classful
  mask (the kernel's ``inet_abc_len``); a non-contiguous netmask is refused by
  the kernel (``SIOCSIFNETMASK: Invalid argument``) and pulse ignores the
  failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network

from ...model.config import (
    UNSET_ADDRESS,
    Config,
    DeviceAddress,
    Network,
    Protocol,
    Server,
    Service,
    ServiceBlock,
    Virtual,
)
from ...model.values import classful_prefix, mask_prefix
from ...parse.nodes import ErrorLine
from ..rule import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    Location,
    at_word,
    header_of,
    is_set,
    per_config,
    raw_value,
    rule,
    services,
    setting,
    setting_of,
    value_of,
    where,
)

# -- helpers ---------------------------------------------------------------------------------


def _ipv4(value) -> IPv4Address | None:
    """A set IPv4 address (not a host name, not 0.0.0.0), else None."""
    return value if isinstance(value, IPv4Address) and value != UNSET_ADDRESS else None


def _network(address: IPv4Address, prefix: int) -> IPv4Network:
    return IPv4Network((address, prefix), strict=False)


def _same_subnet(a: IPv4Address, b: IPv4Address, prefix: int) -> bool:
    """``b in _network(a, prefix)`` without building the network (rules test thousands of VIPs)."""
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    return int(a) & mask == int(b) & mask


def _key(host):
    """How pulse tells VIPs apart: by address (host names: by name, case-insensitively)."""
    return host if isinstance(host, IPv4Address) else ("name", str(host).lower())


def _vip(block: ServiceBlock) -> DeviceAddress | None:
    """The block's ``address``, when it has a VIP (not missing, not 0.0.0.0)."""
    address = block.address
    return address if address is not None and address.ip != UNSET_ADDRESS else None


def _broken(obj, key: str) -> bool:
    """True when a line for ``key`` in ``obj``'s block is not a statement Piranha reads (e.g.
    ``network = direct # DR``): the model then holds a default that the file did not mean."""
    origin = getattr(obj, "origin", None)
    if origin is None:
        return False
    return any(isinstance(item, ErrorLine) and item.words and item.words[0].value == key
               for item in origin.node.items)


def _choice_known(config: Config, key: str) -> bool:
    """True when the effective ``network``/``service`` is what the file says (not a default standing
    in for a broken line or a rejected value)."""
    word = raw_value(config, key)
    return not _broken(config, key) and (word is None or word.value == str(getattr(config, key)))


def _running(config: Config) -> list[ServiceBlock]:
    """The active blocks pulse runs: virtuals with service = lvs, failovers with service = fos."""
    if not _choice_known(config, "service"):
        return []
    blocks = config.virtuals if config.service == Service.lvs else config.failovers
    return [b for b in blocks if b.active]


Plumbed = tuple[ServiceBlock, DeviceAddress]


@per_config
def _plumbing(config: Config) -> tuple[list[Plumbed], list[tuple[Plumbed, Plumbed]]]:
    """The blocks whose VIP pulse brings up (the first active block per VIP), with their address; and
    the later blocks with an already used VIP, each with the one that decides it."""
    first: dict[object, Plumbed] = {}
    repeats: list[tuple[Plumbed, Plumbed]] = []
    for block in _running(config):
        address = _vip(block)
        if address is None:
            continue
        key = _key(address.ip)
        if key in first:
            repeats.append(((block, address), first[key]))
        else:
            first[key] = (block, address)
    return list(first.values()), repeats


def _nat_router_used(config: Config) -> bool:
    """pulse brings nat_router up only with service = lvs and network = nat."""
    return (config.service == Service.lvs and config.network == Network.nat
            and _choice_known(config, "service") and _choice_known(config, "network"))


def _nat_said(config: Config) -> str:
    return "network = nat" if is_set(config, "network") else "network is not set, so Piranha uses NAT"


def _device_of(obj, key: str) -> Location:
    """The device word of ``address = IP DEVICE`` / ``nat_router = IP DEVICE``."""
    found = setting(obj, key)
    if found is not None and found.more:
        return at_word(found.more[0])
    return value_of(obj, key)


def _interface(device: str) -> str:
    """The interface of a device: ``eth0`` for the alias ``eth0:1`` (what send_arp gets, too)."""
    return device.split(":", 1)[0]


#: Example gateways of a private network for the real servers, one of which is not the VIP's.
_PRIVATE_GATEWAYS = (IPv4Address("10.0.0.254"), IPv4Address("172.16.0.254"), IPv4Address("192.168.100.254"))


def _private_gateway(vip: IPv4Address) -> IPv4Address:
    return next(g for g in _PRIVATE_GATEWAYS if not _same_subnet(g, vip, 16))


def _free_alias(interface: str, plumbed: list[Plumbed]) -> str:
    """An alias of ``interface`` that no VIP uses, for an example."""
    used = {address.device for _, address in plumbed}
    return next(f"{interface}:{n}" for n in range(2, len(used) + 3) if f"{interface}:{n}" not in used)


def _mask_text(mask: IPv4Address) -> str:
    return f"vip_nmask {mask}" if mask != UNSET_ADDRESS else "no vip_nmask"


def _server_where(virtual: ServiceBlock, server: Server) -> str:
    return f'server "{server.name}" of virtual "{virtual.name}"'


# -- rules -------------------------------------------------------------------------------------


@rule("LVS201", "non-contiguous-netmask", WARNING, "a vip_nmask, nat_nmask or pmask that is not a contiguous netmask")
def non_contiguous_netmask(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `vip_nmask`, `nat_nmask` and `pmask` values whose one bits are not a
    single run from the left, such as `255.0.255.0` or `255.255.0.255`
    (`nat_nmask` only when pulse uses it: NAT with a `nat_router`).

    ## Why is this bad?
    Piranha reads these masks with `inet_aton` and never checks that they are
    netmasks.  pulse brings a VIP (or the `nat_router` address) up with
    `ifconfig DEV IP netmask MASK broadcast BCAST up`, where BCAST is
    `(IP & MASK) | ~MASK`.  Linux refuses a non-contiguous netmask
    (`SIOCSIFNETMASK: Invalid argument`), pulse ignores the failure, and the
    address comes up with its classful mask (/8, /16 or /24) and the nonsense
    broadcast computed from the bad mask.  A `pmask` is passed to
    `ipvsadm -M` unchecked: persistence then groups clients by
    `client address & mask`, so clients of unrelated networks share one
    persistence entry.  Such a mask is almost always a typing mistake.

    ## Example
    ```
    virtual www {
         address = 192.168.0.41 eth0:1
         vip_nmask = 255.0.255.0
    }
    ```
    Use instead: a contiguous mask, e.g. `vip_nmask = 255.255.255.0`.
    """
    hint = "write a contiguous netmask: 1 bits from the left, then only 0 bits (e.g. 255.255.255.0)"
    mask = config.nat_nmask
    if (is_set(config, "nat_nmask") and mask_prefix(mask) is None and _nat_router_used(config)
            and config.nat_router is not None):  # else nat_nmask is unused (LVS206, LVS208)
        yield Finding(value_of(config, "nat_nmask"),
                      f"nat_nmask {mask} is not a contiguous netmask: Linux refuses it when pulse brings up the "
                      f"nat_router address, which then gets its classful mask and a broadcast computed from "
                      f"the bad mask", hint=hint)
    for block in services(config):
        mask = block.vip_nmask
        if is_set(block, "vip_nmask") and mask_prefix(mask) is None:
            yield Finding(value_of(block, "vip_nmask"),
                          f"vip_nmask {mask} of {where(block)} is not a contiguous netmask: Linux refuses it when "
                          f"pulse brings up the VIP, which then gets its classful mask and a broadcast computed "
                          f"from the bad mask", hint=hint)
        mask = block.pmask
        if is_set(block, "pmask") and mask_prefix(mask) is None:
            yield Finding(value_of(block, "pmask"),
                          f"pmask {mask} of {where(block)} is not a contiguous netmask: ipvsadm -M takes it as it "
                          f"is and persistence groups clients by (client address AND {mask}), so clients of "
                          f"unrelated networks share one persistence entry", hint=hint)


@rule("LVS202", "real-server-outside-nat-subnet", WARNING,
      "with NAT, a real server or sorry server outside the nat_router's subnet")
def real_server_outside_nat_subnet(config: Config) -> Iterator[Finding]:
    """## What it does
    With NAT (`network = nat`, or no `network` line: Piranha's default) and a
    `nat_router`, flags each active real server of an active virtual, and each
    `sorry_server`, whose IPv4 address is outside the nat_router's subnet:
    `nat_router` address AND `nat_nmask`.  Without `nat_nmask` (or with
    `0.0.0.0`) pulse runs `ifconfig DEV IP up`, and the kernel gives the address
    its classful mask (class A /8, B /16, C /24), so that subnet is used.
    A `nat_nmask` of `255.255.255.255` defines no subnet (the director reaches the
    real servers through the interface's own address), so nothing is checked
    then.  Each address is reported once; host names and loopback addresses
    are skipped.

    ## Why is this bad?
    In LVS-NAT the director rewrites the destination of each request to the real
    server, and the reply must come back through the director to have its
    source rewritten back to the VIP.  The real servers therefore use the
    floating `nat_router` address as their default gateway, which only works
    when it is on their own network.  A real server outside that subnet
    cannot use it as an on-link gateway; its replies take another route, reach
    the client from the real server's own address, and the client drops them.

    ## Example
    ```
    network = nat
    nat_router = 10.0.0.254 eth1:1
    nat_nmask = 255.255.255.0
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         server web1 {
             address = 10.0.1.2
             active = 1
         }
    }
    ```
    Use instead: a real server address in the nat_router's network
    (`10.0.0.2`), or the `nat_nmask` that matches the real servers' network
    (`255.255.0.0`).
    """
    if not _nat_router_used(config) or config.nat_router is None:
        return
    router = _ipv4(config.nat_router.ip)
    if router is None:
        return
    mask = config.nat_nmask
    if mask == UNSET_ADDRESS:
        prefix = classful_prefix(router)
        if prefix is None:
            return
        how = (f"nat_nmask is not set, so ifconfig gives nat_router {router} its classful mask "
               f"{_network(router, prefix).netmask}")
    else:
        prefix = mask_prefix(mask)
        if prefix is None or prefix == 32:
            return  # not a netmask (LVS201), or no subnet at all
        how = f"nat_router {router} with nat_nmask {mask}"
    subnet = _network(router, prefix)
    related = (("the nat_router", value_of(config, "nat_router")),)
    seen: set[IPv4Address] = set()

    def outside(address) -> IPv4Address | None:
        address = _ipv4(address)
        if address is None or address.is_loopback or address in seen or address in subnet:
            return None
        seen.add(address)
        return address

    hint = (f"give the server an address in {subnet}, or set nat_nmask to the real servers' network; the real "
            f"servers must use {router} as their default gateway")
    for virtual in config.virtuals:
        if not virtual.active:
            continue
        for server in virtual.servers:
            if server.active and (address := outside(server.address)) is not None:
                yield Finding(value_of(server, "address"),
                              f"{_server_where(virtual, server)} has address {address}, outside the NAT subnet "
                              f"{subnet} ({how}): it cannot use the nat_router as its on-link default gateway, so "
                              f"its replies do not return through the director", hint=hint, related=related)
        if (address := outside(virtual.sorry_server)) is not None:
            yield Finding(value_of(virtual, "sorry_server"),
                          f"sorry_server {address} of virtual \"{virtual.name}\" is outside the NAT subnet {subnet} "
                          f"({how}): it cannot use the nat_router as its on-link default gateway, so its replies "
                          f"do not return through the director", hint=hint, related=related)


@rule("LVS203", "vip-network-or-broadcast", WARNING, "a VIP that is the network or broadcast address of its vip_nmask")
def vip_network_or_broadcast(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a VIP that is the network address (all host bits 0) or the broadcast
    address (all host bits 1) of the subnet its `vip_nmask` defines.  Masks of
    /31 and /32, unset masks and VIPs given as host names are not checked; only
    the block pulse plumbs the VIP from (the first active one with that VIP) is
    looked at.

    ## Why is this bad?
    pulse brings the VIP up with `ifconfig DEV VIP netmask MASK broadcast BCAST
    up`.  Linux hosts on a subnet install `broadcast` routes for both its
    network and its broadcast address, so the director itself and the other
    hosts on that network (routers, clients) handle traffic for this VIP as
    broadcast traffic: clients cannot reliably reach the virtual service.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.255 eth0:1
         vip_nmask = 255.255.255.0
    }
    ```
    Use instead: a host address of the subnet, e.g. `address = 192.168.0.41 eth0:1`.
    """
    plumbed, _ = _plumbing(config)
    for block, address in plumbed:
        vip = _ipv4(address.ip)
        prefix = mask_prefix(block.vip_nmask)
        if vip is None or prefix is None or not 0 < prefix < 31:
            continue
        host = int(vip) & (0xFFFFFFFF >> prefix)
        if host not in (0, 0xFFFFFFFF >> prefix):
            continue
        what = "network address" if host == 0 else "broadcast address"
        subnet = _network(vip, prefix)
        yield Finding(value_of(block, "address"),
                      f"VIP {vip} of {where(block)} is the {what} of its subnet {subnet} (vip_nmask "
                      f"{block.vip_nmask}): hosts on that network, the director included, treat it as a broadcast "
                      f"address, so clients cannot reliably reach the service",
                      hint=f"use a host address of {subnet} as the VIP, or correct vip_nmask",
                      related=(("vip_nmask", value_of(block, "vip_nmask")),))


@rule("LVS204", "nat-router-in-vip-subnet", WARNING, "the nat_router address lies in a VIP's subnet")
def nat_router_in_vip_subnet(config: Config) -> Iterator[Finding]:
    """## What it does
    With NAT (`network = nat`, or no `network` line: Piranha's default), flags
    a `nat_router` address that is the VIP of an active virtual, or that lies
    in an active virtual's VIP subnet (VIP AND `vip_nmask`; a `vip_nmask` of
    `255.255.255.255` or none is not a subnet and is not used).  It is reported
    once, for the first such virtual.

    ## Why is this bad?
    `nat_router` is the real servers' default gateway on the private side of
    the director; the VIPs are on the public side.  With the gateway on the
    public network the real servers share the clients' network: clients there
    receive replies straight from the real servers, with the real server's
    address as source, and drop them; the director, forwarding replies out of
    the interface they came in on, sends ICMP redirects that tell the real
    servers to bypass it.  If the nat_router address is the VIP itself on
    another device, pulse plumbs the same address twice.

    When the nat_router is on the same interface as the VIP (another alias,
    `eth0:2` beside the VIP's `eth0:1`; or the VIP itself as the gateway, on
    the VIP's own device) the cluster is a **one-armed NAT**, and the message
    says so, with the advice that fits a director with one interface: such a
    cluster works only for clients outside the real servers' subnet, and
    needs ICMP redirects turned off on the directors.

    ## Example
    ```
    network = nat
    nat_router = 192.168.0.254 eth0:2
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         vip_nmask = 255.255.255.0
    }
    ```
    Use instead: a nat_router on the real servers' private network, e.g.
    `nat_router = 10.0.0.254 eth1:1` (or, on a director with one interface,
    `10.0.0.254 eth0:2`: a subnet of their own on an alias); for a deliberate
    one-armed NAT, `net.ipv4.conf.all.send_redirects = 0` and
    `net.ipv4.conf.eth0.send_redirects = 0` on both directors.
    """
    if not _nat_router_used(config) or config.nat_router is None:
        return
    router = _ipv4(config.nat_router.ip)
    if router is None:
        return
    router_device = config.nat_router.device
    plumbed, _ = _plumbing(config)
    for block, address in plumbed:
        vip = _ipv4(address.ip)
        if vip is None:
            continue
        related = ((f"the VIP of {where(block)}", value_of(block, "address")),)
        prefix = mask_prefix(block.vip_nmask)
        subnet = _network(vip, prefix) if prefix is not None and 0 < prefix < 32 else None
        interface = _interface(address.device)
        one_armed = _interface(router_device) == interface
        if vip != router and (subnet is None or not _same_subnet(vip, router, prefix)):
            continue
        if one_armed:
            if vip != router:
                what = (f"nat_router {router} on {router_device} lies in the subnet {subnet} of the VIP of "
                        f"{where(block)}")
            elif router_device == address.device:
                what = f"nat_router {router} is the VIP of {where(block)}, on the same device {router_device}"
            else:
                what = (f"nat_router {router} is the VIP of {where(block)}: pulse brings the same address up twice "
                        f"on {interface} ({router_device} and {address.device})")
            if vip != router:
                network = "the clients' network"  # named in `what`
            else:
                network = f"the clients' network {subnet}" if subnet is not None else "the VIP's network"
            example = f"nat_router = {_private_gateway(vip)} {_free_alias(interface, plumbed)}"
            yield Finding(value_of(config, "nat_router"),
                          f"{what}: this is a one-armed NAT, with the real servers' gateway on {network}, so "
                          f"clients there get replies straight from the real servers, and the director, forwarding "
                          f"the replies back out of {interface}, sends the real servers ICMP redirects that tell "
                          f"them to bypass it",
                          hint=f"for a one-armed NAT turn ICMP redirects off on both directors "
                               f"(`net.ipv4.conf.all.send_redirects = 0` and `net.ipv4.conf.{interface}."
                               f"send_redirects = 0`) and keep clients out of the real servers' subnet; or give the "
                               f"real servers a private subnet of their own, on an alias if there is no other "
                               f"interface (e.g. `{example}`)",
                          related=related)
        elif vip == router:
            yield Finding(value_of(config, "nat_router"),
                          f"nat_router {router} is the VIP of {where(block)}: pulse brings the same address up on "
                          f"{router_device} and on {address.device}, and the real servers' gateway is the VIP, on "
                          f"the clients' side of the director",
                          hint="give nat_router an address of the real servers' private network", related=related)
        else:
            yield Finding(value_of(config, "nat_router"),
                          f"nat_router {router} lies in the subnet {subnet} of the VIP of {where(block)}: the real "
                          f"servers' gateway is on the public network, so clients there get replies straight from "
                          f"the real servers and the director sends them ICMP redirects",
                          hint="put nat_router (and the real servers) on a separate private network, on another "
                               "interface of the director",
                          related=related)
        return


@rule("LVS205", "inconsistent-director-addresses", WARNING,
      "the primary, backup and private addresses do not fit together")
def inconsistent_director_addresses(config: Config) -> Iterator[Finding]:
    """## What it does
    Checks the directors' own addresses against each other and flags:

    * `primary` equal to `backup`;
    * `primary_private` equal to `backup`, or `backup_private` equal to
      `primary`;
    * `primary_private` equal to `backup_private`, or the two on different
      classful networks (class A /8, B /16, C /24: a deliberately wide test).

    Only private addresses written in the file are compared, and
    `backup_private` only when `primary_private` is written too (otherwise
    Piranha replaces it with `backup`).  Host names are compared by name and
    skipped in the network test.  An address shared by the two nodes is an
    error when pulse on one of them cannot start because of it, a warning
    otherwise (e.g. a backup address that only a backup node would use, with
    `backup_active = 0`).

    ## Why is this bad?
    pulse is the primary on the node that has the `primary` address.  At start
    it binds its heartbeat socket to the node's own public address (`primary`
    or `backup`) and, when `primary_private` differs from `primary`, a second one
    to its private address (`primary_private` or `backup_private`).  A node
    that does not have the address it must bind to exits with "pulse: cannot
    create heartbeat socket. running as root?".  An address written for both
    directors (or one director's private address being the other's public
    address) therefore stops pulse on one of them.  The private addresses are
    meant for a separate, direct heartbeat link: on different networks the
    private heartbeats depend on routing, which is what the second channel
    should avoid.

    ## Example
    ```
    primary = 192.168.0.10
    primary_private = 10.0.0.10
    backup = 192.168.0.11
    backup_private = 172.16.0.11
    ```
    Use instead: private addresses of both directors on the same dedicated
    network, e.g. `backup_private = 10.0.0.11`.
    """
    pair = config.backup_active and config.backup != UNSET_ADDRESS
    cannot_start = "binds its heartbeat socket to an address it does not have and exits"
    if config.primary != UNSET_ADDRESS and config.backup != UNSET_ADDRESS and config.primary == config.backup:
        yield Finding(value_of(config, "backup"),
                      f"backup {config.backup} is the same address as primary: a node without this address is the "
                      f"backup, and pulse there {cannot_start}; the two directors need their own addresses",
                      hint="write each director's own address in primary and backup",
                      related=(("primary", value_of(config, "primary")),),
                      severity=ERROR if pair else None)
    written = is_set(config, "primary_private") and config.primary_private != UNSET_ADDRESS
    primary_private = config.primary_private if written else None
    # without primary_private, Piranha overwrites backup_private with backup
    written = (is_set(config, "backup_private") and config.backup_private != UNSET_ADDRESS
               and (primary_private is not None or not is_set(config, "primary")))
    backup_private = config.backup_private if written else None
    if (primary_private is not None and config.backup != UNSET_ADDRESS and primary_private == config.backup
            and primary_private != config.primary):
        yield Finding(value_of(config, "primary_private"),
                      f"primary_private {primary_private} is the backup director's address (backup): pulse on the "
                      f"primary {cannot_start}",
                      hint="write the primary director's own address on the private heartbeat network",
                      related=(("backup", value_of(config, "backup")),),
                      severity=ERROR)
    if backup_private is not None and config.primary != UNSET_ADDRESS and backup_private == config.primary:
        yield Finding(value_of(config, "backup_private"),
                      f"backup_private {backup_private} is the primary director's address (primary): pulse on the "
                      f"backup {cannot_start}",
                      hint="write the backup director's own address on the private heartbeat network",
                      related=(("primary", value_of(config, "primary")),),
                      severity=ERROR if pair else None)
    elif primary_private is not None and backup_private is not None:
        related = (("primary_private", value_of(config, "primary_private")),)
        if primary_private == backup_private:
            yield Finding(value_of(config, "backup_private"),
                          f"backup_private {backup_private} is the same address as primary_private: only one "
                          f"director can have it, pulse on the other {cannot_start}",
                          hint="write each director's own address on the private heartbeat network",
                          related=related, severity=ERROR if pair else None)
        else:
            a, b = _ipv4(primary_private), _ipv4(backup_private)
            pa = classful_prefix(a) if a is not None else None
            pb = classful_prefix(b) if b is not None else None
            if a is not None and b is not None and pa and pb and _network(a, pa) != _network(b, pb):
                yield Finding(value_of(config, "backup_private"),
                              f"backup_private {b} and primary_private {a} are not even on the same classful "
                              f"network ({_network(b, pb)} and {_network(a, pa)}): the private heartbeat channel "
                              f"is meant to be a direct link between the two directors",
                              hint="give both directors addresses on the same private heartbeat network",
                              related=related)


@rule("LVS206", "nat-without-router", ERROR,
      "network is nat (explicitly or by default) but no nat_router is set")
def nat_without_router(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a configuration that uses NAT (`network = nat`, or no `network` line
    at all: Piranha's parser defaults to NAT) with at least one active virtual
    but no `nat_router`.  The finding points at the `network` line, or at the
    first active virtual when `network` is not written.  It is an error when
    two directors are configured (`backup_active = 1` with a `backup`), and a
    warning for a stand-alone director.

    ## Why is this bad?
    With NAT every reply of a real server must pass through the active
    director.  The real servers use a floating gateway address for that, the
    `nat_router`, which pulse brings up on whichever director is active.
    Without it, after a failover the real servers still send their replies to
    the old director's address and no NAT connection works any more.  A
    stand-alone director works only if the real servers use its own private
    address as their gateway.  Often the real cause is a missing
    `network = direct` line: Piranha's GUI defaults to direct routing, its
    parser to NAT.

    ## Example
    ```
    network = nat
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         ...
    }
    ```
    Use instead: `nat_router = 10.0.0.254 eth1:1` (the real servers' default
    gateway), or `network = direct` if the real servers answer clients directly.
    """
    if not _nat_router_used(config) or config.nat_router is not None or _broken(config, "nat_router"):
        return
    first = next((v for v in config.virtuals if v.active), None)
    if first is None:
        return
    where_ = setting_of(config, "network") if is_set(config, "network") else header_of(first)
    pair = config.backup_active and config.backup != UNSET_ADDRESS
    consequence = ("the real servers have no gateway address that moves with the active director, so after a "
                   "failover their NAT replies go to the inactive director and never reach the clients" if pair else
                   "the real servers have no floating gateway through the director; NAT replies return only if "
                   "they use the director's own private address as gateway")
    yield Finding(where_,
                  f"{_nat_said(config)}, but nat_router is not set: {consequence}",
                  hint="add `nat_router = IP DEVICE:N` with the real servers' default gateway address, or set "
                       "`network = direct` (or tunnel) if the real servers answer clients directly",
                  severity=None if pair else WARNING)


@rule("LVS207", "device-not-alias", WARNING, "a VIP or nat_router on a whole interface instead of an alias")
def device_not_alias(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags the device of a VIP (the second word of `address`, in the active
    blocks pulse plumbs) or of the `nat_router` (with NAT) when it is not an
    alias: `eth0` instead of `eth0:1`.

    ## Why is this bad?
    pulse brings the address up with `ifconfig DEV IP … up` and, when the
    director becomes inactive (it hands the service over to the other
    director), runs `ifconfig DEV down`.  On a whole interface the first command replaces the
    interface's own address, and the second takes the interface down,
    cutting the director off that network (and its heartbeat, if it runs
    there).  On an alias both touch only the floating address.

    ## Example
    ```
    nat_router = 10.0.0.254 eth1
    ```
    Use instead: `nat_router = 10.0.0.254 eth1:1`.
    """
    hint_for = "use an alias of the interface, e.g. `{}:1`"
    if _nat_router_used(config) and config.nat_router is not None and ":" not in config.nat_router.device:
        device, ip = config.nat_router.device, config.nat_router.ip
        yield Finding(_device_of(config, "nat_router"),
                      f"nat_router {ip} is brought up on {device}, a whole interface, not an alias: "
                      f"`ifconfig {device} {ip} … up` replaces {device}'s own address and `ifconfig {device} down` "
                      f"takes the interface down whenever this director becomes inactive",
                      hint=hint_for.format(device))
    plumbed, _ = _plumbing(config)
    for block, address in plumbed:
        device, ip = address.device, address.ip
        if ":" not in device:
            yield Finding(_device_of(block, "address"),
                          f"VIP {ip} of {where(block)} is brought up on {device}, a whole interface, not an alias: "
                          f"`ifconfig {device} {ip} … up` replaces {device}'s own address and `ifconfig {device} "
                          f"down` takes the interface down whenever this director becomes inactive",
                          hint=hint_for.format(device))


@rule("LVS208", "nat-settings-unused", WARNING, "nat_router or nat_nmask with direct routing or tunnelling")
def nat_settings_unused(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `nat_router` and `nat_nmask` lines when `network` is `direct` or
    `tunnel`.

    ## Why is this bad?
    pulse brings the `nat_router` address up only when `network = nat`; with
    direct routing or tunnelling both keys are ignored.  The lines are either
    leftovers from an earlier NAT setup or a sign that the forwarding method is
    not the one intended.

    ## Example
    ```
    network = direct
    nat_nmask = 255.255.255.0
    ```
    Use instead: remove `nat_nmask` (and `nat_router`), or `network = nat` if
    NAT was meant.
    """
    if config.network == Network.nat or not _choice_known(config, "network"):
        return
    for key in ("nat_router", "nat_nmask"):
        if is_set(config, key):
            yield Finding(setting_of(config, key),
                          f"{key} is set but network = {config.network}: Piranha uses nat_router and nat_nmask only "
                          f"with NAT, so this line has no effect",
                          hint="remove the line, or set `network = nat` if the real servers are meant to use NAT")


@rule("LVS209", "port-translation-without-nat", WARNING,
      "a real server port differs from the virtual port with direct routing or tunnelling")
def port_translation_without_nat(config: Config) -> Iterator[Finding]:
    """## What it does
    With `network = direct` or `network = tunnel`, flags active real servers
    (of active virtuals without `fwmark`) whose `port` differs from the
    virtual's `port`.

    ## Why is this bad?
    With direct routing and tunnelling the director forwards packets without
    rewriting them, so it cannot change the destination port: ipvsadm (and the
    kernel) force the real server's port to the service port for `-g` and `-i`.
    Connections therefore reach the real server on the virtual port, while
    nanny health-checks the server's own port: the check and the traffic go to
    different ports, and a server can be marked up while its traffic port is
    closed (or the other way round).  Port translation needs NAT.

    ## Example
    ```
    network = direct
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         port = 80
         server web1 {
             address = 192.168.0.2
             active = 1
             port = 8080
         }
    }
    ```
    Use instead: `port = 80` on the real server (and make the service listen on
    it), or `network = nat`.
    """
    if config.network == Network.nat or not _choice_known(config, "network"):
        return
    for virtual in _running(config) if config.service == Service.lvs else ():
        if (virtual.fwmark != 0 or not 0 < virtual.port <= 65535  # port 0: all ports; others LVS213
                or _broken(virtual, "fwmark") or _broken(virtual, "port")):
            continue
        for server in virtual.servers:
            if server.active and server.port != virtual.port and not _broken(server, "port"):
                yield Finding(value_of(server, "port"),
                              f"{_server_where(virtual, server)} has port {server.port} but the virtual port is "
                              f"{virtual.port} and network = {config.network}: the director cannot translate ports, "
                              f"connections reach the server on port {virtual.port} while nanny health-checks port "
                              f"{server.port}",
                              hint=f"make the server listen on port {virtual.port} and write `port = {virtual.port}`, "
                                   f"or use `network = nat` to translate ports",
                              related=(("the virtual port", value_of(virtual, "port")),))


@rule("LVS210", "vip-plumbed-differently", WARNING,
      "the same VIP with a different device or vip_nmask in another block")
def vip_plumbed_differently(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active block whose VIP is also the VIP of an earlier active block
    of the same kind but with a different device or `vip_nmask`.

    ## Why is this bad?
    pulse brings each VIP up once, with the device and `vip_nmask` of the first
    active block that has it, and takes only that device down when the director
    becomes inactive.  The device and mask of the later blocks are ignored, so
    the file says something pulse does not do, and deactivating or reordering
    the first block silently moves the VIP to another device or mask.

    ## Example
    ```
    virtual http {
         active = 1
         address = 192.168.0.41 eth0:1
         vip_nmask = 255.255.255.0
    }
    virtual https {
         active = 1
         address = 192.168.0.41 eth0:2
    }
    ```
    Use instead: the same device and mask in every block with that VIP
    (`address = 192.168.0.41 eth0:1`, `vip_nmask = 255.255.255.0`).
    """
    _, repeats = _plumbing(config)
    for (block, mine), (first, theirs) in repeats:
        differences, wheres = [], []
        if mine.device != theirs.device:
            differences.append(f"device {mine.device} instead of {theirs.device}")
            wheres.append(_device_of(block, "address"))
        if block.vip_nmask != first.vip_nmask and not (_broken(block, "vip_nmask") or _broken(first, "vip_nmask")):
            differences.append(f"{_mask_text(block.vip_nmask)} instead of {_mask_text(first.vip_nmask)}")
            wheres.append(value_of(block, "vip_nmask") if is_set(block, "vip_nmask") else value_of(block, "address"))
        if not differences:
            continue
        yield Finding(wheres[0],
                      f"{where(block)} has VIP {mine.ip} with {' and '.join(differences)} of {where(first)}, the "
                      f"first active block with this VIP: pulse brings the VIP up and down with the first block's "
                      f"device and mask only, this block's are ignored",
                      hint=f"use the same device and vip_nmask as {where(first)}",
                      related=((f"the VIP of {where(first)}", value_of(first, "address")),))


@rule("LVS211", "missing-vip", ERROR, "an active virtual or failover block without a VIP")
def missing_vip(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active block of the kind pulse runs (`virtual` with
    `service = lvs`, the default; `failover` with `service = fos`) that has no
    `address` line, or the address `0.0.0.0` (the GUI's placeholder).

    ## Why is this bad?
    The VIP is the address clients connect to.  Without it pulse has no
    address to bring up, and lvsd creates the IPVS service on `0.0.0.0`
    (`ipvsadm -A -t 0.0.0.0:80`), which no client traffic reaches.  A
    firewall-mark service (`-f MARK`) fares no better: IPVS only sees packets
    addressed to the director itself, and without the VIP on the director the
    clients' packets are not.

    ## Example
    ```
    virtual www {
         active = 1
         port = 80
    }
    ```
    Use instead: `address = 192.168.0.41 eth0:1` (the VIP and the alias device
    to bring it up on).
    """
    for block in _running(config):
        if _vip(block) is not None or _broken(block, "address"):
            continue
        written = is_set(block, "address")
        said = "has address 0.0.0.0" if written else "has no address"
        if isinstance(block, Virtual):
            flag = "-u" if block.protocol == Protocol.udp else "-t"
            effect = (f"its firewall-mark service (-f {block.fwmark}) has no address for clients to reach"
                      if block.fwmark else f"lvsd creates the service as `{flag} 0.0.0.0:{block.port}`")
        else:
            effect = "fos starts the service with no address for clients to reach"
        yield Finding(value_of(block, "address") if written else header_of(block),
                      f"{where(block)} is active but {said}: pulse brings up no VIP for it and {effect}",
                      hint="write `address = VIP DEVICE:N`, e.g. `address = 192.168.0.41 eth0:1`")


@rule("LVS212", "fwmark-with-udp", INFO, "protocol = udp on a firewall-mark virtual only changes the health check")
def fwmark_with_udp(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags virtuals that set both `fwmark` and `protocol = udp`.

    ## Why is this bad?
    With a firewall mark lvsd creates the service as `ipvsadm -A -f MARK`: the
    service takes every packet the firewall marks, of any protocol, and
    `protocol` is not passed to ipvsadm at all.  Its only effect is on nanny,
    which then checks the real servers over UDP (`-u`), and even that is
    skipped when `send_program` replaces nanny's own check.  Which traffic is
    balanced depends only on the rules that set the mark.  This is often
    intended (a UDP service with a UDP check), hence the level info.

    ## Example
    ```
    virtual sip {
         fwmark = 3
         protocol = udp
    }
    ```
    Use instead: mark exactly the UDP traffic in the firewall rules (e.g.
    `iptables -t mangle -A PREROUTING -p udp --dport 5060 -j MARK --set-mark 3`),
    and keep `protocol = udp` only for a UDP health check.
    """
    for virtual in config.virtuals:
        if virtual.fwmark != 0 and virtual.protocol == Protocol.udp:
            effect = ("and with send_program set it has no effect at all" if virtual.send_program is not None else
                      "it only makes nanny check the real servers over UDP")
            yield Finding(value_of(virtual, "protocol"),
                          f"virtual \"{virtual.name}\" has fwmark {virtual.fwmark} and protocol = udp: lvsd creates "
                          f"the service as `-f {virtual.fwmark}`, for marked packets of any protocol; protocol is "
                          f"not passed to ipvsadm, {effect}",
                          hint=f"make sure the firewall rules that set mark {virtual.fwmark} select only the "
                               f"traffic of this service; keep protocol = udp if a UDP health check is wanted")


@rule("LVS213", "port-out-of-range", WARNING, "a virtual or failover port outside 1-65535")
def port_out_of_range(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a virtual or failover `port` below 0 or above 65535, and `port = 0`
    on a virtual without persistence (`persistent` of 0 or less).  It is an
    error for an active virtual without `fwmark`, whose service ipvsadm then
    refuses to create.

    ## Why is this bad?
    Piranha does not range-check ports.  lvsd writes the port into
    `ipvsadm -A -t VIP:PORT`, which refuses ports above 65535 or below 0, and
    port 0 unless the service is persistent ("Zero port specified for
    non-persistent service"); lvsd then logs "ipvsadm failed for virtual
    server" and the service does not exist.  Port 0 is meant only for a
    persistent service that takes every port of the VIP.  The port is also
    nanny's default check port for real servers without their own `port`, so
    an impossible port makes every health check fail.

    ## Example
    ```
    virtual www {
         port = 0
    }
    ```
    Use instead: the service's port (`port = 80`), or `port = 0` together with
    `persistent = 300` for an all-ports persistent service.
    """
    for block in services(config):
        port = block.port
        if 0 < port <= 65535:
            continue
        fails = isinstance(block, Virtual) and block.active and block.fwmark == 0 and config.service == Service.lvs
        if port == 0:
            if isinstance(block, Virtual) and block.persistent > 0:
                continue
            if isinstance(block, Virtual):
                effect = ("ipvsadm refuses port 0 for a service without persistence, so the service is not created"
                          if block.fwmark == 0 else
                          "nanny checks real servers without their own port on port 0, which always fails")
            else:
                effect = "nanny checks the service on port 0, which always fails"
        elif isinstance(block, Virtual) and block.fwmark == 0:
            vip = block.vip if block.vip is not None else UNSET_ADDRESS
            effect = f"ipvsadm refuses `{vip}:{port}`, so the service is not created"
        else:
            effect = f"nanny checks port {port}, which does not exist"
        yield Finding(value_of(block, "port"),
                      f"port {port} of {where(block)} is outside 1-65535: {effect}",
                      hint="use the service's port number (1-65535)"
                           + (", or add `persistent = SECONDS` for an all-ports service" if port == 0 else ""),
                      severity=ERROR if fails else None)


@rule("LVS214", "invalid-fwmark", ERROR, "a negative fwmark, which ipvsadm rejects")
def invalid_fwmark(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a virtual whose `fwmark` is negative (Piranha accepts any integer;
    a value above 2147483647 wraps to a negative number when Piranha stores it).
    It is a warning for an inactive virtual.

    ## Why is this bad?
    lvsd creates a firewall-mark service with `ipvsadm -A -f MARK`, formatting
    the mark as a signed number: `ipvsadm -A -f -5`.  ipvsadm rejects it
    ("invalid fwmark value"), lvsd logs "ipvsadm failed for virtual server" and
    the service is never created; every nanny of it fails in the same way.

    ## Example
    ```
    virtual www {
         fwmark = -5
    }
    ```
    Use instead: a positive mark that the firewall rules set, e.g. `fwmark = 5`.
    """
    for virtual in config.virtuals:
        if virtual.fwmark < 0:
            used = virtual.active and config.service == Service.lvs
            when = "lvsd runs" if used else "once the virtual is in use, lvsd runs"
            yield Finding(value_of(virtual, "fwmark"),
                          f"fwmark {virtual.fwmark} of virtual \"{virtual.name}\" is negative: {when} "
                          f"`ipvsadm -A -f {virtual.fwmark}`, which ipvsadm rejects, so the service is never created",
                          hint="use a positive firewall mark (1-4294967295 for ipvsadm, 1-2147483647 for Piranha)",
                          severity=None if used else WARNING)


@rule("LVS215", "vip-shared-with-failover", WARNING, "the same VIP in an active virtual and an active failover block")
def vip_shared_with_failover(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active `failover` block whose VIP is also the VIP of an active
    `virtual` block.

    ## Why is this bad?
    Piranha runs either the virtual services (`service = lvs`) or the failover
    services (`service = fos`), never both; the other kind of block is ignored.
    A VIP given to both kinds means one of the two services does not run, or
    that the failover service (started on the active director itself with
    `start_cmd`) was meant to share an address with an LVS virtual service,
    which Piranha cannot do.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
    }
    failover web {
         active = 1
         address = 192.168.0.41 eth0:1
    }
    ```
    Use instead: one kind of service for the address, or a different VIP for
    the failover service.
    """
    virtual_vips: dict[object, Virtual] = {}
    for virtual in config.virtuals:
        address = _vip(virtual)
        if virtual.active and address is not None:
            virtual_vips.setdefault(_key(address.ip), virtual)
    running = "virtual" if config.service == Service.lvs else "failover"
    for failover in config.failovers:
        address = _vip(failover)
        if not failover.active or address is None:
            continue
        virtual = virtual_vips.get(_key(address.ip))
        if virtual is None:
            continue
        yield Finding(value_of(failover, "address"),
                      f"failover \"{failover.name}\" uses VIP {address.ip}, which is also the VIP of virtual "
                      f"\"{virtual.name}\": with service = {config.service} only the {running} block runs, the other "
                      f"is ignored",
                      hint="give the failover service its own VIP, or keep only the kind of service you run",
                      related=((f"the VIP of virtual \"{virtual.name}\"", value_of(virtual, "address")),))


@rule("LVS216", "vip-is-director-address", WARNING, "a VIP or the nat_router is one of the directors' own addresses")
def vip_is_director_address(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a VIP (of the active blocks pulse plumbs) or the `nat_router` address
    (with NAT) that equals `primary`, `backup`, `primary_private` or
    `backup_private`.

    ## Why is this bad?
    A VIP and the nat_router are floating addresses: pulse brings them up on
    the active director (`ifconfig DEV IP … up` and gratuitous ARP) and takes
    their device down on the inactive one (`ifconfig DEV down`).  A director's
    own address must stay on that director: pulse binds its heartbeat sockets
    to it, and a node is the primary because it has the `primary` address.
    Used as a floating address, the primary's address is brought up by the
    backup after a failover, so both directors answer for it (ARP flapping,
    heartbeats reaching the wrong node); the backup's address is claimed by the
    primary whenever the primary is active.

    ## Example
    ```
    primary = 192.168.0.10
    virtual www {
         active = 1
         address = 192.168.0.10 eth0:1
    }
    ```
    Use instead: a separate address for the VIP, e.g. `address = 192.168.0.41 eth0:1`.
    """
    own: dict[object, str] = {}
    for key in ("primary", "backup", "primary_private", "backup_private"):
        value = getattr(config, key)
        if value != UNSET_ADDRESS:
            own.setdefault(_key(value), key)
    if not own:
        return

    def effect(key: str) -> str:
        if key.startswith("primary"):
            return ("after a failover the backup director brings up the primary's own address, and both "
                    "directors answer for it while the primary is up")
        return "while the primary is active it claims the backup director's own address"

    def hint_for(what: str) -> str:
        return f"give the {what} an address of its own, not one of the directors' addresses"

    if _nat_router_used(config) and config.nat_router is not None:
        key = own.get(_key(config.nat_router.ip))
        if key is not None:
            yield Finding(value_of(config, "nat_router"),
                          f"nat_router {config.nat_router.ip} is also {key}, a director's own address: pulse "
                          f"treats it as a floating address, so {effect(key)}",
                          hint=hint_for("nat_router"), related=((key, value_of(config, key)),))
    plumbed, _ = _plumbing(config)
    for block, address in plumbed:
        key = own.get(_key(address.ip))
        if key is not None:
            yield Finding(value_of(block, "address"),
                          f"VIP {address.ip} of {where(block)} is also {key}, a director's own address: pulse "
                          f"treats it as a floating address, so {effect(key)}",
                          hint=hint_for("VIP"), related=((key, value_of(config, key)),))


RULES = (
    non_contiguous_netmask,
    real_server_outside_nat_subnet,
    vip_network_or_broadcast,
    nat_router_in_vip_subnet,
    inconsistent_director_addresses,
    nat_without_router,
    device_not_alias,
    nat_settings_unused,
    port_translation_without_nat,
    vip_plumbed_differently,
    missing_vip,
    fwmark_with_udp,
    port_out_of_range,
    invalid_fwmark,
    vip_shared_with_failover,
    vip_is_director_address,
)
