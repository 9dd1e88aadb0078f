"""LVS3xx: real servers, pools and virtual services.

What these rules know about Piranha's daemons (lvs-cf-format.md §7, checked
against lvsd.c and nanny.c of piranha 0.8.6):

* lvsd works only when ``service = lvs``.  It creates an IPVS service for each
  *active* virtual, in file order, and starts one nanny per *active* real server
  of it, but only after that virtual's ``ipvsadm -A`` succeeded.
* lvsd keeps its monitors in one list keyed by (VIP, protocol, virtual port,
  real-server address, real-server port) and starts no second monitor for a key
  it already has -- in the same virtual or another one.
* A virtual's sorry server is switched in only after one of its real servers'
  monitors has been started (``runstate``).

So the run-time rules below look at active virtuals, and at their active
servers, only when ``service = lvs``; an inactive block is reported once (LVS310,
LVS313), not for every value inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...model.config import UNSET_ADDRESS, Config, Network, Scheduler, Server, Service, Virtual
from ...model.values import inet_aton, read_int
from ...parse.nodes import ErrorLine
from ..rule import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    header_of,
    is_set,
    raw_value,
    rule,
    value_of,
)

#: The largest weight ipvsadm accepts on Piranha's platforms (RHEL 5/6, ipvsadm 1.2x).
MAX_WEIGHT = 65535
#: nanny's load scale: with load monitoring a weight can grow to SCALE x the configured one (lvsd never passes -S).
LOAD_SCALE = 10

_FIRST = "first defined here"


# -- what Piranha runs ---------------------------------------------------------------------


def _runs_lvs(config: Config) -> bool:
    """lvsd, and so every virtual block, runs only with ``service = lvs``."""
    return config.service is Service.lvs


def _used_virtuals(config: Config) -> Iterator[Virtual]:
    """The virtuals lvsd creates a service for."""
    if _runs_lvs(config):
        yield from (v for v in config.virtuals if v.active)


def _used_servers(config: Config) -> Iterator[tuple[Virtual, Server]]:
    """The real servers lvsd starts a monitor for: active servers of active virtuals."""
    for virtual in _used_virtuals(config):
        for server in virtual.servers:
            if server.active:
                yield virtual, server


def _load_monitored(virtual: Virtual) -> bool:
    """nanny polls the real servers' load (``-U`` with anything but ``none``)."""
    return virtual.load_monitor is not None and virtual.load_monitor != "none"


def _service_key(virtual: Virtual) -> tuple:
    """The identity of the virtual's IPVS service: its fwmark, else (VIP, protocol, port)."""
    if virtual.fwmark:
        return ("fwmark", virtual.fwmark)
    return ("service", virtual.vip, virtual.protocol, virtual.port)


def _service_text(virtual: Virtual) -> str:
    if virtual.fwmark:
        return f"fwmark {virtual.fwmark}"
    return f"{virtual.protocol} {virtual.vip}:{virtual.port}"


def _created(config: Config) -> tuple[list[Virtual], list[tuple[Virtual, Virtual]]]:
    """The active virtuals whose ``ipvsadm -A`` succeeds, and (duplicate, first) for those whose fails.

    lvsd creates the services in file order; a second service with the same
    identity fails with "Service already exists", and lvsd then starts no monitor
    for that virtual's real servers.  Virtuals without an address are left to
    the rule about the missing address.
    """
    first: dict[tuple, Virtual] = {}
    created: list[Virtual] = []
    duplicates: list[tuple[Virtual, Virtual]] = []
    for virtual in _used_virtuals(config):
        if (virtual.address is None and not virtual.fwmark) or virtual.fwmark < 0:
            created.append(virtual)  # no VIP: LVS211; a negative fwmark: LVS214 (ipvsadm rejects it anyway)
            continue
        key = _service_key(virtual)
        earlier = first.setdefault(key, virtual)
        if earlier is virtual:
            created.append(virtual)
        else:
            duplicates.append((virtual, earlier))
    return created, duplicates


def _server(virtual: Virtual, server: Server) -> str:
    return f'server "{server.name}" of virtual "{virtual.name}"'


def _other_virtual(virtual: Virtual, other: Virtual) -> str:
    """How a message names another virtual; with its line when both have the same name."""
    if other.name != virtual.name or other.origin is None:
        return f'virtual "{other.name}"'
    line = other.origin.source.position(other.origin.node.start)[0]
    return f'virtual "{other.name}" of line {line}'


def _named(obj) -> bool:
    """A block whose opening line Piranha reads (a malformed one is reported by the parse stage)."""
    origin = getattr(obj, "origin", None)
    return bool(obj.name) and (origin is None or getattr(origin.node, "header_ok", True))


def _garbled(obj, key: str) -> bool:
    """The block has a line for ``key`` that is not a valid statement (the parse stage reports it)."""
    origin = getattr(obj, "origin", None)
    items = getattr(origin.node, "items", ()) if origin is not None else ()
    return any(isinstance(item, ErrorLine) and item.words and item.words[0].value == key for item in items)


def _has_garbled_lines(obj) -> bool:
    """The block has lines that are not valid statements: what it contains is uncertain (templates, typos)."""
    origin = getattr(obj, "origin", None)
    items = getattr(origin.node, "items", ()) if origin is not None else ()
    return any(isinstance(item, ErrorLine) for item in items)


def _written_port(server: Server) -> bool:
    """``port`` is written in the server block and the model holds the value read from it."""
    word = raw_value(server, "port")
    return word is not None and read_int(word.value) is not None


def _unreadable_address(server: Server) -> bool:
    """``address`` is written but could not be read (reported by LVS105; the model keeps 0.0.0.0)."""
    word = raw_value(server, "address")
    return word is not None and server.address == UNSET_ADDRESS and inet_aton(word.value) is None


# -- the rules -------------------------------------------------------------------------------


@rule("LVS301", "duplicate-real-server", WARNING, "two real servers that lvsd treats as one")
def duplicate_real_server(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active real server that Piranha cannot run next to an earlier
    active real server:

    * the same effective address and port in the same virtual -- or in another
      active virtual with the same VIP, protocol and port (for example a second
      firewall-mark virtual on the same address);
    * with `network = direct` or `tunnel`, the same address with another port
      in the same virtual (without `fwmark`).

    The port is the effective one: a server block without `port` takes the
    virtual's port as parsed so far.  Addresses are compared as IPv4 addresses;
    host names are compared by their exact text.

    ## Why is this bad?
    lvsd keeps one list of health-check monitors keyed by VIP, protocol, virtual
    port, real-server address and real-server port, and starts no monitor for a
    key it already has.  In the same virtual, the second block therefore does
    nothing: the real server is checked and added once, with the first block's
    weight.  In another virtual, the server is never checked for it and never
    added to its IPVS service.

    With direct routing or tunnelling, ipvsadm replaces every real-server port
    by the virtual's port (the director cannot translate ports), so two servers
    with one address are the same IPVS destination.  Both get a monitor; once
    both pass their checks, the second `ipvsadm -a` fails ("Destination already
    exists"), that nanny exits, and with `hard_shutdown = 1` (the default) lvsd
    shuts down the whole LVS.

    Usually the second block was copied from the first and its address was
    never changed.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         port = 80
         server web1 {
             address = 10.0.0.2
             active = 1
         }
         server web2 {
             address = 10.0.0.2
             active = 1
         }
    }
    ```
    Use instead: give `web2` its own address (`address = 10.0.0.3`), or delete
    the block.
    """
    created, _duplicates = _created(config)
    same_port_only = config.network is Network.nat
    monitors: dict[tuple, tuple[Virtual, Server]] = {}
    for virtual in created:
        destinations: dict[object, Server] = {}
        for server in virtual.servers:
            if not server.active or server.address == UNSET_ADDRESS:
                continue  # inactive: no monitor; 0.0.0.0: LVS308
            key = (virtual.vip, virtual.protocol, virtual.port, server.address, server.port)
            other_virtual, other = monitors.setdefault(key, (virtual, server))
            if other is not server:
                target = f"{server.address}:{server.port}"
                if other_virtual is virtual:
                    message = (f'{_server(virtual, server)} has the same address and port as server "{other.name}" '
                               f"({target}): lvsd starts only one health-check monitor for both, so this block "
                               f"does nothing (its weight is ignored)")
                else:
                    message = (f'{_server(virtual, server)} is {target}, like server "{other.name}" of '
                               f"{_other_virtual(virtual, other_virtual)}, which has the same VIP, protocol and port "
                               f"({virtual.protocol} {virtual.vip}:{virtual.port}): lvsd keys its monitors by "
                               f'these, so it starts none for this server and never adds it to virtual '
                               f'"{virtual.name}"')
                yield Finding(value_of(server, "address"), message,
                              hint="correct the address or port of one of the two servers, or delete the extra block",
                              related=((_FIRST, value_of(other, "address")),))
                continue
            if same_port_only or virtual.fwmark:
                continue
            first = destinations.setdefault(server.address, server)
            if first is not server and first.port != server.port:
                yield Finding(value_of(server, "address"),
                              f'{_server(virtual, server)} has the same address as server "{first.name}" '
                              f"({server.address}, ports {first.port} and {server.port}): with network = "
                              f"{config.network}, ipvsadm adds both at the virtual's port {virtual.port}, so once "
                              f'both pass their checks the second `ipvsadm -a` fails ("Destination already exists") '
                              f"and that nanny exits",
                              hint="with direct routing or tunnelling one address can be only one real server of a "
                                   "virtual: delete one block, or use a separate virtual for the other port",
                              related=((_FIRST, value_of(first, "address")),))


@rule("LVS302", "duplicate-server-name", WARNING, "two real servers with the same name in one virtual")
def duplicate_server_name(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `server` block whose name an earlier `server` block of the same
    virtual already uses (active or not).

    ## Why is this bad?
    Piranha's parser accepts duplicate names and keeps both blocks as separate
    real servers, but everything that shows the name can no longer tell them
    apart: the Piranha GUI's list of real servers, and lvsd's log messages
    (`create_monitor for www/web1 running as pid ...`, `nanny for child
    www/web1 died!`).  A duplicate name is usually a copied block whose name
    (and often its address) was not changed.

    ## Example
    ```
    server web1 {
         address = 10.0.0.2
         active = 1
    }
    server web1 {
         address = 10.0.0.3
         active = 1
    }
    ```
    Use instead: a distinct name for each real server, e.g. `server web2 {` for
    the second block.
    """
    for virtual in config.virtuals:
        first: dict[str, Server] = {}
        for server in virtual.servers:
            if not _named(server):
                continue
            earlier = first.setdefault(server.name, server)
            if earlier is not server:
                yield Finding(header_of(server),
                              f'virtual "{virtual.name}" already has a server named "{server.name}": Piranha keeps '
                              f"both as separate real servers, but the GUI and lvsd's log messages cannot tell "
                              f"them apart",
                              hint="rename one of the two servers",
                              related=((_FIRST, header_of(earlier)),))


@rule("LVS303", "duplicate-virtual-service", ERROR, "two active virtuals that are the same IPVS service")
def duplicate_virtual_service(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual that is the same IPVS service as an earlier active
    virtual: both without `fwmark` and with the same VIP, protocol and port, or
    both with the same non-zero `fwmark` (a firewall-mark service is identified
    by its mark alone, whatever its VIP and port).  Only checked with
    `service = lvs`.

    ## Why is this bad?
    lvsd creates the services in file order.  For the second one, `ipvsadm -A`
    fails ("Service already exists"); lvsd logs `ipvsadm failed for virtual
    server NAME!` and starts no health check for any of that virtual's real
    servers, so none of them is ever added.  With a shared firewall mark, all
    marked traffic goes to the first virtual's real servers, checked the first
    virtual's way; the second block's servers, port and checks are silently
    ignored.

    ## Example
    ```
    virtual http {
         active = 1
         address = 172.25.30.100 eth0:1
         fwmark = 100
         port = 80
         # server blocks ...
    }
    virtual https {
         active = 1
         address = 172.25.30.100 eth0:1
         fwmark = 100
         port = 443
         # server blocks ...
    }
    ```
    Use instead: one firewall-mark virtual for both ports (mark port 80 and 443
    with the same mark in iptables and keep only the first block), or a
    different mark for the second virtual (`fwmark = 101`) with its own iptables
    rule.
    """
    _created_virtuals, duplicates = _created(config)
    for virtual, first in duplicates:
        key = "fwmark" if virtual.fwmark else "address"
        if virtual.fwmark:
            why = (f'virtual "{virtual.name}" has the same fwmark {virtual.fwmark} as '
                   f"{_other_virtual(virtual, first)}: lvsd's `ipvsadm -A -f {virtual.fwmark}` for it fails "
                   f'("Service already exists"), so its real servers are never checked or added, and all marked '
                   f"traffic goes to the other virtual's real servers")
            hint = ("keep one virtual per firewall mark (one mark can cover several ports), or give this virtual its "
                    "own mark")
        else:
            why = (f'virtual "{virtual.name}" is the same service as {_other_virtual(virtual, first)} '
                   f'({_service_text(virtual)}): lvsd\'s `ipvsadm -A` for it fails ("Service already exists"), so '
                   f"its real servers are never checked or added")
            hint = "merge the two virtuals' real servers into one block, or change this virtual's address or port"
        yield Finding(value_of(virtual, key), why, hint=hint, related=((_FIRST, value_of(first, key)),))


@rule("LVS304", "weight-not-positive", WARNING, "a real server's weight is 0 or less")
def weight_not_positive(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags active real servers of active virtuals whose `weight` is 0 or
    negative.  (An inactive server with weight 0 is fine: `active = 0` is what
    takes it out.)

    ## Why is this bad?
    A weight of 0 does not disable a real server in Piranha.  nanny adds every
    server with weight `max(1, weight / 32)` and then doubles it about every 20
    seconds until it reaches `weight`; from 1 it never gets lower, so the server
    keeps receiving connections with weight 1.  With `load_monitor`, nanny's
    load formula takes over: a weight of 0 drops to 0 at the first load reading
    below 1 and stays there, and a negative weight becomes 10 x `weight`, which
    ipvsadm rejects, so nanny exits.  Whoever wrote 0 almost certainly meant to
    take the server out of service, which is `active = 0`.

    ## Example
    ```
    server web2 {
         address = 10.0.0.3
         active = 1
         weight = 0
    }
    ```
    Use instead: `active = 0` to take the server out, or a positive weight.
    """
    for virtual, server in _used_servers(config):
        if server.weight > 0:
            continue
        if not _load_monitored(virtual):
            effect = "Piranha gives it weight 1, it still receives connections"
        elif server.weight == 0:
            effect = (f"nanny adds it with weight 1, then load monitoring (load_monitor = {virtual.load_monitor}) "
                      f"sets it to 0 once the server's load reads below 1, and it gets no new connections from then "
                      f"on")
        else:
            effect = (f"with load_monitor = {virtual.load_monitor}, nanny computes weight "
                      f"{LOAD_SCALE * server.weight} at the first load reading below 1; ipvsadm rejects it and "
                      f"nanny exits")
        yield Finding(value_of(server, "weight"),
                      f"{_server(virtual, server)} has weight {server.weight}: {effect}",
                      hint="to take the server out of service write `active = 0`; otherwise use a weight of 1 or more")


@rule("LVS305", "weight-too-large", ERROR, "a real server's weight is above 65535")
def weight_too_large(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags active real servers of active virtuals whose `weight` is larger than
    65535.

    ## Why is this bad?
    Piranha does not check the weight, but the ipvsadm of its platforms (RHEL 5
    and 6, ipvsadm 1.2x) accepts only 0-65535 ("illegal weight specified").
    nanny adds a server with weight `weight / 32` and doubles it about every 20
    seconds until it reaches `weight`; the first `ipvsadm` call with a weight
    above 65535 fails -- right away when `weight / 32` is already too large,
    otherwise a minute or two after the server came up.  A failing ipvsadm makes
    nanny exit, and lvsd then shuts down the whole LVS (`hard_shutdown = 1`, the
    default).  Only the ratios between weights matter, so large weights gain
    nothing.

    ## Example
    ```
    server big {
         address = 10.0.0.2
         active = 1
         weight = 100000
    }
    ```
    Use instead: smaller weights with the same ratios, e.g. `weight = 100`
    here and `weight = 1` where there was 1000.
    """
    for virtual, server in _used_servers(config):
        if server.weight <= MAX_WEIGHT:
            continue
        if server.weight >> 5 > MAX_WEIGHT:
            fails = f"nanny's first `ipvsadm -a` for it (weight {server.weight >> 5}) fails"
        else:
            fails = "nanny's `ipvsadm -e` fails when its slow start raises the weight past 65535"
        after = ("lvsd then shuts down the whole LVS (hard_shutdown = 1)" if config.hard_shutdown
                 else "the server loses its health check (hard_shutdown = 0)")
        yield Finding(value_of(server, "weight"),
                      f"{_server(virtual, server)} has weight {server.weight}, above the 65535 that ipvsadm accepts: "
                      f"{fails} and nanny exits; {after}",
                      hint="use weights of at most 65535 (only the ratios between servers matter)")


_WEIGHTLESS = {
    Scheduler.rr: "use `scheduler = wrr` to share connections by weight",
    Scheduler.lc: "use `scheduler = wlc` to share connections by weight",
    Scheduler.dh: "dh has no weighted form: use another scheduler if the shares matter",
}


@rule("LVS306", "weight-ignored-by-scheduler", WARNING, "different weights under a scheduler that ignores them")
def weight_ignored_by_scheduler(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual whose scheduler is `rr`, `lc` or `dh` and whose
    active real servers have different weights (weights of 0 or less count as
    1, as nanny uses them).

    ## Why is this bad?
    These IPVS schedulers use a weight only to skip servers whose weight is 0
    (how nanny quiesces a failed server): `rr` takes the servers in turn, `lc`
    picks the one with the fewest connections, and `dh` hands its 256 hash
    buckets to the servers in turn.  Weights of 1 and 5 therefore get the same
    share, which is not what whoever wrote them expected.  `wrr`, `wlc`, `lblc`
    and `lblcr` use the weights.  `sh` is not flagged: current kernels spread
    its hash buckets by weight (older 2.6 kernels did not).

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         scheduler = rr
         server small {
             address = 10.0.0.2
             active = 1
             weight = 1
         }
         server large {
             address = 10.0.0.3
             active = 1
             weight = 4
         }
    }
    ```
    Use instead: `scheduler = wrr` (or `wlc`), or the same weight on every
    server.
    """
    for virtual in _used_virtuals(config):
        hint = _WEIGHTLESS.get(virtual.scheduler)
        if hint is None:
            continue
        seen: dict[int, Server] = {}
        for server in virtual.servers:
            if server.active:
                seen.setdefault(max(1, server.weight), server)
        if len(seen) < 2:
            continue
        weights = ", ".join(str(w) for w in sorted(seen)[:6]) + (", ..." if len(seen) > 6 else "")
        yield Finding(value_of(virtual, "scheduler"),
                      f'virtual "{virtual.name}" uses scheduler {virtual.scheduler}, which ignores weights: the '
                      f"different weights of its real servers ({weights}) have no effect",
                      hint=f"{hint}, or give every server the same weight",
                      related=tuple((f'server "{s.name}": weight {s.weight}', value_of(s, "weight"))
                                    for s in list(seen.values())[:6]))


@rule("LVS307", "load-monitor-weight-overflow", WARNING, "load monitoring can raise a weight above 65535")
def load_monitor_weight_overflow(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags active real servers of an active virtual with load monitoring
    (`load_monitor` set and not `none`) whose weight is above 6553, so that 10 x
    `weight` exceeds 65535.  (Weights above 65535 are LVS305.)

    ## Why is this bad?
    With load monitoring, nanny polls the real server's load about every 20
    seconds and, while the load is below 1, raises its IPVS weight step by step
    up to 10 x the configured `weight`.  Once the computed weight passes 65535,
    the `ipvsadm -e` that sets it fails on RHEL 5/6 and nanny exits -- lvsd then
    shuts down the whole LVS (`hard_shutdown = 1`, the default).  It happens only
    when the server is lightly loaded, which makes it look random.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         load_monitor = uptime
         server web1 {
             address = 10.0.0.2
             active = 1
             weight = 10000
         }
    }
    ```
    Use instead: weights of at most 6553 with load monitoring (`weight = 100`),
    or `load_monitor = none`.
    """
    limit = MAX_WEIGHT // LOAD_SCALE
    for virtual, server in _used_servers(config):
        if not _load_monitored(virtual) or not limit < server.weight <= MAX_WEIGHT:
            continue
        yield Finding(value_of(server, "weight"),
                      f"{_server(virtual, server)} has weight {server.weight} and load_monitor = "
                      f"{virtual.load_monitor}: nanny can raise its weight to {LOAD_SCALE * server.weight}, above the "
                      f"65535 ipvsadm accepts, and exits when that `ipvsadm -e` fails",
                      hint=f"keep weights at or below {limit} with load monitoring (only the ratios matter)",
                      related=(("load monitoring set here", value_of(virtual, "load_monitor")),))


@rule("LVS308", "server-without-address", WARNING, "an active real server without an address")
def server_without_address(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags active real servers of active virtuals with no `address` line or with
    `address = 0.0.0.0`, the value the Piranha GUI writes for a newly added
    real server until its address is filled in.

    ## Why is this bad?
    Piranha does not reject it.  lvsd starts a nanny for `0.0.0.0`, which
    health-checks the director itself (Linux connects to 0.0.0.0 as to the
    local host).  Usually that check fails forever; if the director does answer
    on that port, nanny's `ipvsadm -a ... -r 0.0.0.0` is refused by the kernel
    and nanny exits (and with `hard_shutdown = 1`, lvsd shuts down the whole
    LVS).  Either way the block never serves.

    ## Example
    ```
    server new_server {
         address = 0.0.0.0
         active = 1
    }
    ```
    Use instead: the real server's address (`address = 10.0.0.4`), or
    `active = 0` until it has one.
    """
    for virtual, server in _used_servers(config):
        if server.address != UNSET_ADDRESS or _unreadable_address(server):
            continue
        what = ("has address 0.0.0.0 (the GUI's placeholder for a new server)" if is_set(server, "address")
                else "has no address (Piranha uses 0.0.0.0)")
        yield Finding(value_of(server, "address"),
                      f"{_server(virtual, server)} is active but {what}: nanny health-checks the director itself "
                      f"and the kernel refuses 0.0.0.0 as a real server, so it never serves",
                      hint="write the real server's address, or `active = 0` until it has one")


@rule("LVS309", "server-port-out-of-range", WARNING, "a real server's port outside 1-65535")
def server_port_out_of_range(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `port` written in the block of an active real server (of an active
    virtual) that is not between 1 and 65535.  Piranha accepts any integer.

    ## Why is this bad?
    The real-server port is where nanny's health check connects and what it
    passes to ipvsadm (`-r ADDRESS:PORT`).  Nothing listens on port 0, so the
    check fails and the server is never added.  A port outside 0-65535 is
    truncated to 16 bits for the check (70000 probes port 4464), and ipvsadm
    rejects it; the server never serves, and if the truncated port happens to
    answer, the failed `ipvsadm -a` makes nanny exit.

    ## Example
    ```
    server web1 {
         address = 10.0.0.2
         active = 1
         port = 80800
    }
    ```
    Use instead: the port the service listens on, e.g. `port = 8080`.
    """
    for virtual, server in _used_servers(config):
        port = server.port
        if 1 <= port <= 65535 or not _written_port(server):
            continue
        if port == 0:
            effect = "nothing listens on port 0, so nanny's health check fails and the server is never added"
        else:
            effect = (f"nanny's health check probes port {port & 0xFFFF} instead and ipvsadm rejects "
                      f"{server.address}:{port}, so the server never serves")
        yield Finding(value_of(server, "port"), f"{_server(virtual, server)} has port {port}: {effect}",
                      hint="write the port the real server's service listens on (1-65535)")


def _inactive(obj, message: Callable[[str], str], use: str, should: str) -> Iterator[Finding]:
    """An inactive block: ``message(why)`` says why (``active = 0``, or no line at all).

    A function, not a format string: the message holds block names, which may hold braces."""
    if not is_set(obj, "active") and _garbled(obj, "active"):
        return  # an `active` line Piranha cannot read: the parse stage reports it
    if is_set(obj, "active"):
        why, hint = "active = 0", f"write `active = 1` to {use}, or delete the block if it is no longer needed"
    else:
        why, hint = "no `active` line: active defaults to 0", f"add `active = 1` if {should}"
    yield Finding(value_of(obj, "active"), message(why), hint=hint)


@rule("LVS310", "inactive-server", INFO, "a real server Piranha never uses (active is 0)")
def inactive_server(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports a `server` block of an active virtual that is not active: it says
    `active = 0`, or has no `active` line at all -- a real server's `active`
    defaults to 0.

    ## Why is this bad?
    lvsd starts no health check for an inactive real server and never adds it
    to the IPVS service, so the block has no effect.  That is the right way to
    take a server out of service for a while, and this is only a reminder; but a
    server block that lacks `active = 1` by mistake silently never serves.
    (Inactive virtuals are reported once, by LVS313, not server by server.)

    ## Example
    ```
    server web3 {
         address = 10.0.0.4
         weight = 1
    }
    ```
    Use instead: `active = 1` if the server should take traffic, or delete the
    block if it is no longer needed.
    """
    for virtual in _used_virtuals(config):
        for server in virtual.servers:
            if not server.active:
                yield from _inactive(server, lambda why: f"{_server(virtual, server)} is not active "
                                     f"({why}): lvsd never checks it or sends it connections", "use it",
                                     "it should take traffic")


@rule("LVS311", "no-active-servers", WARNING, "an active virtual without an active real server")
def no_active_servers(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual none of whose real servers is active (or that has
    no `server` block at all).

    ## Why is this bad?
    lvsd creates the IPVS service and brings up the VIP, but starts no health
    check and adds no real server, so every connection to the service fails.
    Not even the `sorry_server` helps: lvsd switches to it only when the real
    servers whose monitors it started are all down, and here it starts none, so
    the sorry server is never added.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         sorry_server = 10.0.0.99
         server web1 {
             address = 10.0.0.2
             active = 0
         }
    }
    ```
    Use instead: `active = 1` on the real servers that should take traffic, or
    `active = 0` on the virtual.
    """
    for virtual in _used_virtuals(config):
        if any(s.active for s in virtual.servers) or _has_garbled_lines(virtual):
            continue  # garbled lines: a server block may be hidden in them (an unrendered template)
        count = len(virtual.servers)
        unset = "" if any(is_set(s, "active") for s in virtual.servers) else " (no `active` line: it defaults to 0)"
        what = ("has no real server" if count == 0
                else f"none of its {count} real servers is active{unset}" if count > 1
                else f"its only real server is not active{unset}")
        sorry = (f"; its sorry server {virtual.sorry_server} is never added either (lvsd switches to it only after "
                 f"a real server's monitor has started)" if virtual.sorry_server != UNSET_ADDRESS
                 else ", and it has no sorry server")
        service = f" ({_service_text(virtual)})" if virtual.fwmark or virtual.vip is not None else ""
        yield Finding(header_of(virtual),
                      f'virtual "{virtual.name}" is active but {what}: its IPVS service{service} stays empty, so '
                      f"connections to it fail{sorry}",
                      hint="write `active = 1` in the real servers that should take traffic, or `active = 0` in the "
                           "virtual")


@rule("LVS312", "sorry-server-is-real-server", WARNING, "the sorry server is one of the virtual's real servers")
def sorry_server_is_real_server(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an active virtual whose `sorry_server` is the address of one of its
    own active real servers.  With `network = nat` the real server must also use
    the virtual's port, since a sorry page on another port of the same machine
    is a sensible design; with direct routing and tunnelling the port cannot
    differ anyway.

    ## Why is this bad?
    lvsd adds the sorry server (at the virtual's port) only when every real
    server of the virtual has failed its health check -- including this one.  So
    the fallback sends clients to a server that has just been found down.  And
    when that server recovers, nanny's `ipvsadm -a` for it can collide with the
    sorry-server entry for the same address and port, which lvsd removes only at
    its next 5-second poll; a failed ipvsadm makes nanny exit.

    ## Example
    ```
    virtual www {
         active = 1
         sorry_server = 10.0.0.2
         server web1 {
             address = 10.0.0.2
             active = 1
         }
    }
    ```
    Use instead: a separate machine (or address) that serves the "sorry" page,
    e.g. `sorry_server = 10.0.0.99`.
    """
    for virtual in _used_virtuals(config):
        sorry = virtual.sorry_server
        if sorry == UNSET_ADDRESS:
            continue
        for server in virtual.servers:
            if not server.active or server.address != sorry:
                continue
            if config.network is Network.nat and server.port != virtual.port:
                continue
            # ipvsadm puts DR/TUN real servers at the virtual's port: then any port is the sorry entry's
            same_entry = server.port == virtual.port or (config.network is not Network.nat and not virtual.fwmark)
            collision = (", and when it recovers nanny's `ipvsadm -a` for it can fail while lvsd's sorry-server entry "
                         "for the same address and port is still there" if same_entry else "")
            yield Finding(value_of(virtual, "sorry_server"),
                          f'sorry_server {sorry} of virtual "{virtual.name}" is its real server "{server.name}": '
                          f"when every real server has failed its check, lvsd sends clients to that same "
                          f"machine{collision}",
                          hint="point sorry_server at a separate machine that serves a maintenance page",
                          related=(("real server with this address", value_of(server, "address")),))
            break


@rule("LVS313", "inactive-virtual", INFO, "a virtual block Piranha never uses (active is 0)")
def inactive_virtual(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports a `virtual` block that is not active: it says `active = 0`, or has
    no `active` line at all -- a virtual's `active` defaults to 0.  Only with
    `service = lvs` (with `service = fos` no virtual block is used), and only
    when some other virtual is active (when none is, pulse refuses to start:
    LVS401).

    ## Why is this bad?
    lvsd creates no IPVS service for an inactive virtual and starts no health
    checks for its real servers, and pulse does not bring up its VIP for it.
    That is the way to park a service, and this is only a reminder; but a
    virtual that lacks `active = 1` by mistake silently never serves.

    ## Example
    ```
    virtual www {
         address = 192.168.0.41 eth0:1
         server web1 {
             address = 10.0.0.2
             active = 1
         }
    }
    ```
    Use instead: `active = 1` if the service should run, or delete the block.
    """
    if not _runs_lvs(config) or not any(v.active for v in config.virtuals):
        return  # no active virtual at all: LVS401 (pulse exits) says it once
    for virtual in config.virtuals:
        if not virtual.active:
            yield from _inactive(virtual, lambda why: f'virtual "{virtual.name}" is not active '
                                 f"({why}): lvsd creates no service for it and pulse does not bring up its VIP "
                                 "for it", "run it", "the service should run")


@rule("LVS314", "duplicate-block-name", WARNING, "two virtual (or failover) blocks with the same name")
def duplicate_block_name(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `virtual` block whose name an earlier `virtual` block already uses,
    and likewise for `failover` blocks.

    ## Why is this bad?
    Piranha's parser accepts it and keeps both blocks as separate services, but
    whatever shows the name can no longer tell them apart: the Piranha GUI's
    list of virtual servers, and lvsd's log messages (`starting virtual service
    www`, `ipvsadm failed for virtual server www!`, `nanny for child www/web1
    died!`) -- or fos's, for failover blocks.  lvscf's own messages name blocks
    the same way.  (lvsd matches the blocks of a reloaded file by VIP, protocol
    and port, not by name, so the reload itself is not affected.)  A duplicate
    name is usually a copied block that was not renamed.

    ## Example
    ```
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         port = 80
         # server blocks ...
    }
    virtual www {
         active = 1
         address = 192.168.0.41 eth0:1
         port = 443
         # server blocks ...
    }
    ```
    Use instead: distinct names, e.g. `virtual www_https {` for the second
    block.
    """
    for kind, daemon, blocks in (("virtual", "lvsd", config.virtuals), ("failover", "fos", config.failovers)):
        first: dict[str, object] = {}
        for block in blocks:
            if not _named(block):
                continue
            earlier = first.setdefault(block.name, block)
            if earlier is not block:
                yield Finding(header_of(block),
                              f'there is already a {kind} block named "{block.name}": Piranha keeps both, but the '
                              f"GUI and {daemon}'s log messages cannot tell them apart",
                              hint=f"rename one of the two {kind} blocks",
                              related=((_FIRST, header_of(earlier)),))


# LVS315 (fwmark-persistence-mismatch) is not implemented: virtuals sharing a firewall
# mark are already LVS303, and virtuals that only share a VIP are separate IPVS services
# whose different `persistent` values are a legitimate design; its code stays unassigned.
RULES = (
    duplicate_real_server,
    duplicate_server_name,
    duplicate_virtual_service,
    weight_not_positive,
    weight_too_large,
    weight_ignored_by_scheduler,
    load_monitor_weight_overflow,
    server_without_address,
    server_port_out_of_range,
    inactive_server,
    no_active_servers,
    sorry_server_is_real_server,
    inactive_virtual,
    duplicate_block_name,
)
