"""LVS4xx: the director pair (pulse), heartbeats, sync daemon, failover services.

Facts from lvs-cf-format.md §4.1, §4.3, §5, §7.1, §7.7 and §10.2, checked against
Piranha 0.8.6's pulse.c, lvsd.c, nanny.c and fos.c.  pulse's heartbeat loop
matters for several rules: it keeps two deadlines, "send a heartbeat"
(``keepalive`` seconds after the last one sent) and "partner dead"
(``deadtime`` seconds after the last heartbeat received, or after start-up),
and a director that is not active when the second one passes logs "partner
dead: activating lvs" and takes over.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network

from ...model.config import UNSET_ADDRESS, Config, Service
from ...model.values import classful_prefix, mask_prefix
from ...parse.nodes import ErrorLine
from ..rule import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    Location,
    active_virtuals,
    file_start,
    header_of,
    is_set,
    raw_value,
    rule,
    setting_of,
    value_of,
)

#: The GUI's (and Red Hat's documented) heartbeat timing.
_GUI_KEEPALIVE, _GUI_DEADTIME = 6, 18
#: ipvsadm --set accepts 0 .. 31 days (MAX_TIMEOUT in ipvsadm.c).
_MAX_IPVS_TIMEOUT = 86400 * 31
#: Characters that mean something only to a shell: pulse and fos have none.
_SHELL_SYNTAX = frozenset("|<>;&$`'\"")
_CHARACTER_NAMES = {"`": "a backquote", "'": "a single quote", '"': "a double quote"}


# -- helpers ---------------------------------------------------------------------------


def _incomplete(config: Config) -> bool:
    """True when the file is empty or has a top-level line Piranha rejects.

    Piranha then refuses the file before pulse looks at its services (the parse stage
    reports why), and the model may lack what the rejected lines meant to set (a
    `primary` line with a trailing comment, a template placeholder, a keepalived file),
    so the rules that conclude something is missing from the whole file stay silent.
    """
    document = config.document
    if document is None:
        return False
    return document.text == "" or any(isinstance(item, ErrorLine) for item in document.items)


def _unreadable(obj, key: str) -> ErrorLine | None:
    """A line of ``obj``'s block that sets ``key`` but that Piranha rejects (a trailing comment,
    a template placeholder, non-ASCII blanks...).  Its value is unknown, so a rule must not
    claim the key is missing or rely on its default."""
    origin = getattr(obj, "origin", None)
    if origin is None:
        return None
    for item in origin.node.items:
        if isinstance(item, ErrorLine) and item.words:
            first = item.words[0].text
            if first.startswith(key) and (len(first) == len(key) or not (first[len(key)].isalnum()
                                                                           or first[len(key)] == "_")):
                return item
    return None


def _first_written(config: Config, *keys: str) -> Location:
    """The value of the first of ``keys`` written at the top level, else the start of the file."""
    for key in keys:
        if is_set(config, key):
            return value_of(config, key)
    return file_start()


def _written(obj, key: str) -> str:
    """``key = value`` as written (for messages)."""
    word = raw_value(obj, key)
    return f"`{key} = {word.text}`" if word is not None else f"`{key}`"


def _has_backup(config: Config) -> bool:
    """A director pair as pulse runs it: backup_active = 1 and a backup address (else pulse clears it)."""
    return config.backup_active and config.backup != UNSET_ADDRESS


def _seconds(n: int) -> str:
    return f"{n} second" + ("" if n == 1 else "s")


# -- rules -----------------------------------------------------------------------------


@rule("LVS401", "no-active-service", ERROR, "pulse has no active service to run and exits")
def no_active_service(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a file in which the kind of service that `service` selects has no
    active block: `service = lvs` (the default) without any `virtual` block with
    `active = 1`, or `service = fos` without any `failover` block with
    `active = 1`.

    ## Why is this bad?
    pulse counts the active blocks of the selected kind right after reading the
    file and refuses to start without one.  It prints
    `pulse: no active lvs services defined in /etc/sysconfig/ha/lvs.cf` (or
    `no active fos services`) and exits with status 1, so the director never
    brings up a VIP.  `active` defaults to 0, so a block without an `active`
    line does not count, and blocks of the other kind never count: failover
    blocks do nothing for `service = lvs`.

    ## Example
    ```
    service = lvs
    virtual www {
         address = 192.168.0.41 eth0:1
         active = 0
    }
    ```
    Use instead: `active = 1` in every virtual block that should run.
    """
    if _incomplete(config):
        return
    fos = config.service is Service.fos
    blocks = config.failovers if fos else config.virtuals
    if any(block.active or _unreadable(block, "active") for block in blocks):
        return
    kind = "failover" if fos else "virtual"
    exits = f'pulse exits at start-up with "pulse: no active {config.service} services defined in …"'
    if blocks:
        first = blocks[0]
        where = value_of(first, "active") if is_set(first, "active") else header_of(first)
        which = f'{kind} "{first.name}" is not active' if len(blocks) == 1 else \
            f"none of the {len(blocks)} {kind} blocks is active"
        yield Finding(where, f"{which} (`active = 0`, or no `active` line: it defaults to 0): {exits}",
                      hint=f"write `active = 1` in each {kind} block that should run (`active` defaults to 0)")
        return
    if fos:
        hint = "add a failover block with `active = 1`, or write `service = lvs` to run the virtual blocks"
    elif config.failovers:
        hint = ("add a virtual block with `active = 1`; the failover blocks run only with `service = fos` "
                "(upstream Piranha only)")
    else:
        hint = "add a virtual block with `address`, `active = 1` and its real servers"
    where = value_of(config, "service") if is_set(config, "service") else (
        header_of(config.failovers[0]) if config.failovers else file_start())
    default = "" if is_set(config, "service") else " (the default)"
    yield Finding(where, f"the file defines no {kind} block, and `service = {config.service}`{default} runs only "
                         f"{kind} blocks: {exits}", hint=hint)


@rule("LVS402", "missing-primary", ERROR, "no `primary` address, so no director is ever the master")
def missing_primary(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a file without a `primary` line.

    ## Why is this bad?
    pulse decides its role by looking for the `primary` address among the
    node's own interface addresses: the node that owns it is the master, every
    other node is the backup.  Without `primary` (the parser leaves it 0.0.0.0)
    no node is ever the master:

    * with `backup_active = 0` (the default) every node logs
      "We are backup node and backup is marked inactive -- exiting pulse" and
      stops: no director runs at all;
    * with `backup_active = 1`, only the node that owns the `backup` address
      can bind its heartbeat socket; it waits `deadtime` seconds for a master
      that never exists and then takes over ("partner dead: activating lvs"),
      so the cluster is a single director with no failover.  Any other node
      exits with "pulse: cannot create heartbeat socket. running as root?".

    (`primary = 0.0.0.0` written out is a parse error, LVS107.)

    ## Example
    ```
    service = lvs
    backup_active = 0
    virtual www {
    ```
    Use instead: `primary = 192.168.0.11` (the public address of the director that should be master) at the top
    of the file.
    """
    if _incomplete(config) or is_set(config, "primary"):
        return
    where = _first_written(config, "backup", "backup_active", "service")
    if _has_backup(config):
        runtime = (f"every director starts as the backup; only the one owning `backup` ({config.backup}) can bind "
                   f"its heartbeat socket, and it takes over after deadtime ({_seconds(config.deadtime)}) with "
                   f"no partner to fail over to")
    else:
        runtime = ('with no backup pair, pulse exits on every node ("We are backup node and backup is marked '
                   'inactive -- exiting pulse")')
    yield Finding(where, f"`primary` is not set, so no director ever considers itself the master: {runtime}",
                  hint="write `primary = ADDRESS` with the public address of the master director (an address "
                       "configured on it)")


@rule("LVS403", "backup-active-without-backup", WARNING,
      "`backup_active = 1` without a backup address")
def backup_active_without_backup(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `backup_active = 1` when `backup` is missing or 0.0.0.0.

    ## Why is this bad?
    `backup_active = 1` asks for a director pair, but pulse needs the partner's
    address for its heartbeats.  Finding none, it logs
    "Undefined backup node marked as active? -- clearing that!", sets
    `backup_active` back to 0 and runs the master alone: no heartbeats, no
    failover, and the backup node's pulse exits.  The Piranha GUI writes
    `backup = 0.0.0.0` when redundancy is switched off, so this combination
    usually means the redundancy page was only half filled in.

    ## Example
    ```
    primary = 192.168.0.11
    backup_active = 1
    backup = 0.0.0.0
    ```
    Use instead: `backup = 192.168.0.12` (the backup director's public address), or `backup_active = 0` for a
    single director.
    """
    if not config.backup_active or config.backup != UNSET_ADDRESS or _unreadable(config, "backup"):
        return
    what = "`backup` is 0.0.0.0" if is_set(config, "backup") else "`backup` is not set"
    yield Finding(_first_written(config, "backup", "backup_active"),
                  f'`backup_active = 1` but {what}: pulse logs "Undefined backup node marked as active? -- '
                  f'clearing that!" and runs this director alone, without failover',
                  hint="write `backup = ADDRESS` with the backup director's public address, or `backup_active = 0` "
                       "for a single director")


@rule("LVS404", "backup-without-backup-active", INFO,
      "a backup director is named but `backup_active` is 0")
def backup_without_backup_active(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `backup` address (other than 0.0.0.0) while `backup_active` is 0,
    written or by default.

    ## Why is this bad?
    `backup` alone does not make a pair: with `backup_active = 0` pulse sends no
    heartbeats and the master runs alone.  On the backup node pulse logs
    "We are backup node and backup is marked inactive -- exiting pulse" and
    stops, so nothing takes over when the master fails.  That is right for a
    single director whose backup is prepared but switched off; if a failover
    pair was intended, `backup_active = 1` is missing.  (`backup = 0.0.0.0` is
    the GUI's way of saying "no backup" and is not reported.)

    ## Example
    ```
    primary = 192.168.0.11
    backup = 192.168.0.12
    ```
    Use instead: add `backup_active = 1` to run the pair with failover (or remove `backup` if there is no backup
    director).
    """
    if config.backup_active or _unreadable(config, "backup_active"):
        return
    if is_set(config, "backup"):
        if config.backup == UNSET_ADDRESS:
            return
        where, backup = value_of(config, "backup"), f"`backup` is {config.backup}"
    else:
        line = _unreadable(config, "backup")  # e.g. a template placeholder: a backup is meant
        if line is None or (len(line.words) > 2 and line.words[2].value == "0.0.0.0"):
            return
        where, backup = Location(line.start, line.end), "a `backup` line is written"
    state = "`backup_active = 0`" if is_set(config, "backup_active") else "no `backup_active` line (default 0)"
    if is_set(config, "backup_active"):
        where = value_of(config, "backup_active")
    yield Finding(where,
                  f"{backup} but {state}: the directors run no heartbeats, pulse on the backup "
                  f'exits ("We are backup node and backup is marked inactive -- exiting pulse") and nothing takes '
                  f"over if the master fails",
                  hint="write `backup_active = 1` for a failover pair; leave it 0 only if the backup is meant to "
                       "be switched off")


@rule("LVS405", "private-addresses-unpaired", WARNING,
      "only one of `primary_private` and `backup_private` is written")
def private_addresses_unpaired(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `primary_private` without `backup_private`, and `backup_private`
    without `primary_private`.

    ## Why is this bad?
    The private addresses give pulse a second heartbeat channel (a separate
    network between the two directors).  They only work as a pair:

    * `primary_private` without `backup_private`: `backup_private` stays
      0.0.0.0.  The master sends its private heartbeats to 0.0.0.0 (on Linux,
      to itself), and the backup binds its private heartbeat socket to
      0.0.0.0 on the heartbeat port, which collides with its public socket on
      the same port: pulse on the backup fails with
      "pulse: cannot create heartbeat socket. running as root?" and exits.
    * `backup_private` without `primary_private`: when the file has
      `primary`, Piranha's parser sets `primary_private` to `primary` and
      overwrites `backup_private` with `backup`, so the written value is
      thrown away and no private channel runs.

    ## Example
    ```
    primary = 192.168.0.11
    primary_private = 10.0.0.11
    backup_active = 1
    backup = 192.168.0.12
    ```
    Use instead: write both, e.g. `primary_private = 10.0.0.11` and `backup_private = 10.0.0.12`, or neither.
    """
    if _unreadable(config, "primary_private") or _unreadable(config, "backup_private"):
        return
    primary_private, backup_private = is_set(config, "primary_private"), is_set(config, "backup_private")
    if primary_private and not backup_private and config.primary_private != config.primary:
        pair = _has_backup(config)
        runtime = ("the master sends its private heartbeats to 0.0.0.0, and pulse on the backup binds its private "
                   "heartbeat socket to 0.0.0.0, which collides with its public heartbeat socket, and exits "
                   "(\"cannot create heartbeat socket\")" if pair else
                   "a backup director would bind its private heartbeat socket to 0.0.0.0 and fail to start")
        yield Finding(value_of(config, "primary_private"),
                      f"`primary_private` is {config.primary_private} but `backup_private` is not written, so it "
                      f"stays 0.0.0.0: {runtime}",
                      hint="write `backup_private = ADDRESS` with the backup director's address on the private "
                           "network, or remove `primary_private`",
                      severity=ERROR if pair else None)
    elif backup_private and not primary_private:
        if is_set(config, "primary"):
            runtime = (f"because `primary` is written, Piranha sets `primary_private` to `primary` and overwrites "
                       f"`backup_private` with `backup` ({config.backup})")
        else:
            runtime = "`primary_private` stays equal to `primary`"
        yield Finding(value_of(config, "backup_private"),
                      f"`backup_private` is written without `primary_private`: {runtime}, so no private heartbeat "
                      f"channel runs",
                      hint="write `primary_private = ADDRESS` with the master's address on the private network, or "
                           "remove `backup_private`")


@rule("LVS406", "heartbeat-interval-not-positive", ERROR,
      "`keepalive` or `deadtime` is 0 or less, so pulse spins in a busy loop")
def heartbeat_interval_not_positive(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `keepalive` (seconds between heartbeats) or `deadtime` (seconds
    without a heartbeat before the partner is declared dead) of 0 or less.

    ## Why is this bad?
    pulse's main loop waits in `select()` until the nearer of its two
    deadlines, "send a heartbeat" (`keepalive` after the last one) and
    "partner dead" (`deadtime` after the last heartbeat received).  A deadline
    of 0 or less is always already past, so pulse never waits any more: it
    spins at 100 % CPU, and since it handles signals, checks links and reads
    heartbeats only on its way into `select()`, it hardly ever reacts to them,
    SIGTERM included.

    * `keepalive` ≤ 0: with a backup, each director floods the other with
      heartbeats but never reads the other's, so after `deadtime` both declare
      their partner dead and go active;
    * `deadtime` ≤ 0: the "partner dead" deadline is always the nearer one, so
      pulse never sends a heartbeat and declares the partner dead at once: both
      directors of a pair go active ("partner dead: activating lvs") and fight
      over the VIPs.

    This happens whether or not `backup_active` is set (a single director
    spins too).  Red Hat's defaults are `keepalive = 6` and `deadtime = 18`.

    ## Example
    ```
    keepalive = 0
    deadtime = 18
    ```
    Use instead: `keepalive = 6`.
    """
    pair = _has_backup(config)
    effects = {
        "keepalive": "the send-heartbeat deadline is always past" + (
            ": pulse floods its partner with heartbeats but never reads the partner's, so after deadtime both "
            "directors go active" if pair else ""),
        "deadtime": "the partner-dead deadline is always past" + (
            ": pulse sends no heartbeats and declares its partner dead at once, so both directors go active"
            if pair else ", so pulse activates at once and keeps re-checking"),
    }
    for key, effect in effects.items():
        value = getattr(config, key)
        if value <= 0:
            yield Finding(value_of(config, key),
                          f"`{key}` is {value}: {effect}; pulse never waits in select(), spins at full CPU and "
                          f"hardly ever handles signals",
                          hint=f"write a positive number of seconds (Red Hat's defaults: keepalive {_GUI_KEEPALIVE}, "
                               f"deadtime {_GUI_DEADTIME})")


@rule("LVS407", "deadtime-not-above-keepalive", WARNING,
      "`deadtime` is not longer than `keepalive`, causing spurious failovers")
def deadtime_not_above_keepalive(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a director pair (`backup_active = 1` with a `backup` address) whose
    `deadtime` is not longer than its `keepalive`.

    ## Why is this bad?
    Each director sends a heartbeat every `keepalive` seconds, and the backup
    declares the master dead when `deadtime` seconds pass without one.  With
    `deadtime` shorter than `keepalive` the backup's deadline always passes
    between two heartbeats: it takes over ("partner dead: activating lvs"),
    gives the VIPs back when the next heartbeat arrives ("partner active"),
    and does so again on every interval, for certain (reported as an error).
    With equal values, one heartbeat a little late, a busy network or a
    loaded CPU, is enough for the same spurious failover.  `deadtime` should be
    several heartbeats long: Red Hat's defaults are `keepalive = 6` and
    `deadtime = 18` (Piranha's parser defaults, used when the lines are
    missing, are 2 and 5).  A single director sends no heartbeats, so the
    rule only looks at pairs.

    ## Example
    ```
    backup_active = 1
    keepalive = 6
    deadtime = 6
    ```
    Use instead: `deadtime = 18` (three heartbeats).
    """
    keepalive, deadtime = config.keepalive, config.deadtime
    if not _has_backup(config) or keepalive <= 0 or deadtime <= 0 or deadtime > keepalive:
        return  # LVS406 reports non-positive values
    if _unreadable(config, "keepalive") or _unreadable(config, "deadtime"):
        return
    if deadtime < keepalive:
        what = (f"`deadtime` ({deadtime}) is shorter than `keepalive` ({keepalive}): the backup declares the "
                f"master dead between every two heartbeats, takes over and hands back again at each interval")
        severity = ERROR
    else:
        what = (f"`deadtime` equals `keepalive` ({deadtime}): a single late heartbeat makes the backup declare the "
                f"master dead and take over")
        severity = None
    where = value_of(config, "deadtime") if is_set(config, "deadtime") else value_of(config, "keepalive")
    related = (("`keepalive` is set here", setting_of(config, "keepalive")),) \
        if is_set(config, "keepalive") and is_set(config, "deadtime") else ()
    yield Finding(where, what,
                  hint=f"make `deadtime` several heartbeats long, e.g. keepalive {_GUI_KEEPALIVE} and deadtime "
                       f"{_GUI_DEADTIME} (Red Hat's defaults)",
                  related=related, severity=severity)


@rule("LVS408", "heartbeat-port-out-of-range", WARNING, "`heartbeat_port` is outside 1-65535")
def heartbeat_port_out_of_range(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `heartbeat_port` outside 1-65535.

    ## Why is this bad?
    Piranha does not check the range: pulse stores the port in a 16-bit field,
    so the value is taken modulo 65536 (70000 becomes 4464, -1 becomes 65535)
    and a firewall rule written for the number in the file does not match.
    If the result is 0, each director binds a random port and the heartbeats
    cannot be sent to port 0 at all: the backup never hears the master and
    takes over while the master still runs.

    ## Example
    ```
    heartbeat_port = 70000
    ```
    Use instead: `heartbeat_port = 539` (Piranha's default) or another port in 1-65535.
    """
    port = config.heartbeat_port
    if 1 <= port <= 65535:
        return
    used = port & 0xFFFF
    if used == 0:
        effect = ("pulse uses port 0: each director binds a random port and no heartbeat can be sent, so the "
                  "backup takes over while the master runs")
    else:
        effect = f"pulse truncates it to 16 bits and uses UDP port {used}"
    yield Finding(value_of(config, "heartbeat_port"), f"`heartbeat_port` is {port}, outside 1-65535: {effect}",
                  hint="write a port between 1 and 65535 (Piranha's default is 539), the same on both directors")


@rule("LVS409", "sync-daemon-settings", WARNING, "the connection-sync daemon gets an empty interface or an id "
                                                 "outside 0-255")
def sync_daemon_settings(config: Config) -> Iterator[Finding]:
    """## What it does
    With `syncdaemon = 1`, flags an empty `syncd_iface` and a `syncd_id`
    outside 0-255.

    ## Why is this bad?
    On every role change pulse restarts the IPVS connection-sync daemon with
    `ipvsadm --start-daemon master|backup --mcast-interface <syncd_iface>
    --syncid <syncd_id & 255>`:

    * an empty `syncd_iface` is passed as `--mcast-interface ""`, and ipvsadm
      then falls back to its built-in `eth0`: the line says nothing, and on a
      director without an `eth0` (or whose sync network is elsewhere) the
      sync daemon does not run, so after a failover the new director knows
      none of the existing connections and they break;
    * pulse keeps only the low 8 bits of `syncd_id` (256 becomes 0, -1 becomes
      255), so the id the directors use is not the one in the file, and may
      collide with another cluster's id on the same network.

    ## Example
    ```
    syncdaemon = 1
    syncd_iface = eth1
    syncd_id = 300
    ```
    Use instead: `syncd_id = 44` (a number from 0 to 255, the same on both directors).  (The GUI writes
    `syncd_iface = eth0` and `syncd_id = 0` when the fields are left empty.)
    """
    if not config.syncdaemon:
        return
    if is_set(config, "syncd_iface") and not config.syncd_iface.strip():
        yield Finding(value_of(config, "syncd_iface"),
                      "`syncd_iface` is empty: pulse passes an empty `--mcast-interface` and ipvsadm falls back to "
                      "`eth0`; if the directors have no eth0 or sync elsewhere, no connection is synchronised",
                      hint="write the interface that carries the sync multicast traffic, e.g. `syncd_iface = eth1`, "
                           "or remove the line (the default is eth0)")
    if not 0 <= config.syncd_id <= 255:
        yield Finding(value_of(config, "syncd_id"),
                      f"`syncd_id` is {config.syncd_id}, outside 0-255: pulse passes only its low 8 bits, "
                      f"`--syncid {config.syncd_id & 255}`",
                      hint="write a sync id from 0 to 255, the same on both directors")


#: pulse's --mcast-interface when syncd_iface is not written (lvsconfig.c's default).
_DEFAULT_SYNC_INTERFACE = "eth0"


def _interface(device: str) -> str:
    """The interface of a device: ``eth1`` for the alias ``eth1:1``."""
    return device.split(":", 1)[0]


def _subnet_of(address, mask: IPv4Address) -> IPv4Network | None:
    """The subnet an address plumbed with ``mask`` is on (unset: ifconfig's classful mask), if any."""
    if not isinstance(address, IPv4Address) or address == UNSET_ADDRESS:
        return None
    prefix = mask_prefix(mask) if mask != UNSET_ADDRESS else classful_prefix(address)
    if prefix is None or prefix == 32:
        return None  # not a netmask, or no subnet that another address could lie in
    return IPv4Network((address, prefix), strict=False)


def _director_interfaces(config: Config) -> tuple[set[str], list[tuple[str, IPv4Network]]] | None:
    """The interfaces the cluster's floating addresses are on (VIPs of the active virtuals, nat_router),
    and the subnets those addresses give each interface; None when a VIP's line cannot be read."""
    interfaces: set[str] = set()
    subnets: list[tuple[str, IPv4Network]] = []
    for virtual in active_virtuals(config):
        if _unreadable(virtual, "address") or _unreadable(virtual, "vip_nmask"):
            return None
        if virtual.address is None:
            continue
        interface = _interface(virtual.address.device)
        interfaces.add(interface)
        subnet = _subnet_of(virtual.address.ip, virtual.vip_nmask)
        if subnet is not None:
            subnets.append((interface, subnet))
    if _unreadable(config, "nat_router") or _unreadable(config, "nat_nmask"):
        return None
    if config.nat_router is not None:
        interface = _interface(config.nat_router.device)
        interfaces.add(interface)
        subnet = _subnet_of(config.nat_router.ip, config.nat_nmask)
        if subnet is not None:
            subnets.append((interface, subnet))
    return interfaces, subnets


@rule("LVS419", "sync-daemon-on-unused-interface", WARNING,
      "the sync daemon runs on eth0 (the default), where the cluster has no address")
def sync_daemon_on_unused_interface(config: Config) -> Iterator[Finding]:
    """## What it does
    With `syncdaemon = 1`, a director pair and no `syncd_iface` line, flags a
    cluster that has none of its addresses on `eth0`, the interface the sync
    daemon then uses.  The addresses are the VIPs of the active virtuals and
    the `nat_router` (their devices are written: `eth1:1` is on `eth1`) and
    the directors' own `primary`, `backup` and private heartbeat addresses,
    whose interface is known only when they lie in a VIP's or the
    nat_router's subnet (`vip_nmask`/`nat_nmask`, or the classful mask
    ifconfig gives without one).  When a director address lies in none of
    those subnets it may be on eth0, and nothing is reported.

    ## Why is this bad?
    On every role change pulse restarts the IPVS connection-sync daemon with
    `ipvsadm --start-daemon master|backup --mcast-interface <syncd_iface>`,
    and `syncd_iface` defaults to `eth0`.  The active director multicasts its
    connection table on that interface and the standby one listens there.  On
    a cluster that lives on other interfaces, eth0 is a network the cluster
    does not use: the connections are synchronised only if both directors
    happen to have an eth0 on one network.  Without eth0 (interfaces named
    `em1` or `ens192`, or eth0 down or not cabled) the daemon does not run,
    and after a failover the new director knows none of the open connections,
    so every client's connection (and persistence) breaks.  The `syncdaemon`
    line reads as if that were taken care of.

    ## Example
    ```
    primary = 192.168.10.11
    backup_active = 1
    backup = 192.168.10.12
    syncdaemon = 1
    virtual www {
         active = 1
         address = 192.168.10.40 eth1:1
         vip_nmask = 255.255.255.0
    }
    ```
    Use instead: `syncd_iface = eth1`, the interface both directors share
    (for a private heartbeat network, its interface), the same on both
    directors.
    """
    if (not config.syncdaemon or config.service is not Service.lvs or not _has_backup(config)
            or _incomplete(config) or is_set(config, "syncd_iface") or _unreadable(config, "syncd_iface")):
        return
    found = _director_interfaces(config)
    if found is None:
        return
    interfaces, subnets = found
    if not interfaces or _DEFAULT_SYNC_INTERFACE in interfaces:
        return
    located: dict[str, str] = {}
    for key in ("primary", "backup", "primary_private", "backup_private"):
        address = getattr(config, key)
        if address == UNSET_ADDRESS or (key.endswith("_private") and not is_set(config, key)):
            continue  # an unwritten private address is the public one (lvsconfig.c)
        interface = next((i for i, subnet in subnets if isinstance(address, IPv4Address) and address in subnet),
                         None)
        if interface is None:
            return  # this address may be on eth0
        located[key] = interface
    if "primary" not in located:
        return
    names = sorted(interfaces)
    on = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    vips = sum(1 for v in active_virtuals(config) if v.address is not None)
    what = ("the VIPs" if vips > 1 else "the VIP") + (" and the nat_router" if config.nat_router is not None
                                                        else "")
    verb = "is" if what == "the VIP" else "are"
    sync_key = "primary_private" if "primary_private" in located else "primary"
    suggested = located[sync_key]
    network = "private heartbeat" if sync_key == "primary_private" else "heartbeat"
    yield Finding(value_of(config, "syncdaemon"),
                  f"`syncdaemon = 1` without `syncd_iface`: pulse runs the sync daemon on "
                  f"{_DEFAULT_SYNC_INTERFACE}, the default (`--mcast-interface {_DEFAULT_SYNC_INTERFACE}`), but "
                  f"none of the cluster's addresses is on {_DEFAULT_SYNC_INTERFACE} ({what} {verb} on {on}, and the "
                  f"directors' own addresses lie in their subnets): connections are synchronised only if both "
                  f"directors have an {_DEFAULT_SYNC_INTERFACE} on one network; otherwise, after a failover, the "
                  f"new director knows none of the open connections and they break",
                  hint=f"write `syncd_iface = {suggested}` (the interface of the {network} addresses, which both "
                       f"directors share) on both directors, or the interface of a dedicated sync network",
                  related=((sync_key, value_of(config, sync_key)),))


@rule("LVS410", "ipvs-timeout-out-of-range", WARNING,
      "an IPVS timeout that `ipvsadm --set` rejects (negative, or over 31 days)")
def ipvs_timeout_out_of_range(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `tcp_timeout`, `tcpfin_timeout` or `udp_timeout` below 0 or above
    2678400 seconds (31 days).

    ## Why is this bad?
    Every time lvsd starts it runs `ipvsadm --set <tcp_timeout>
    <tcpfin_timeout> <udp_timeout>` with the three values as written (0 means
    "leave this one unchanged").  ipvsadm accepts each value only from 0 to 31
    days and otherwise refuses the whole command, so lvsd logs
    "ipvsadm failed to set timeouts (…)" and *none* of the three timeouts is
    applied, not even the valid ones.

    ## Example
    ```
    tcp_timeout = 900
    tcpfin_timeout = -1
    udp_timeout = 300
    ```
    Use instead: `tcpfin_timeout = 0` (keep the kernel's value) or a positive number of seconds.
    """
    values = {key: getattr(config, key) for key in ("tcp_timeout", "tcpfin_timeout", "udp_timeout")}
    command = "ipvsadm --set " + " ".join(str(v) for v in values.values())
    for key, value in values.items():
        if 0 <= value <= _MAX_IPVS_TIMEOUT:
            continue
        why = "negative" if value < 0 else "over 31 days (2678400 seconds)"
        yield Finding(value_of(config, key),
                      f"`{key}` is {value}, {why}: ipvsadm rejects lvsd's `{command}`, so none of the three IPVS "
                      f"timeouts is set",
                      hint="write 0 (leave the kernel's timeout unchanged) or a number of seconds up to 2678400")


@rule("LVS411", "monitor-links-not-boolean", WARNING, "`monitor_links` is neither 0 nor 1")
def monitor_links_not_boolean(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `monitor_links` value other than 0 or 1.

    ## Why is this bad?
    Unlike the other switches, `monitor_links` is read as a plain integer:
    Piranha accepts any number and treats every non-zero value, 2 or -1
    included, as "on".  A value like `2` or `-1` was probably meant as
    something else (off, or a count), and the GUI shows and writes only 0 and
    1.

    ## Example
    ```
    monitor_links = 2
    ```
    Use instead: `monitor_links = 1` (or `0` to switch link monitoring off).
    """
    value = config.monitor_links
    if value in (0, 1):
        return
    yield Finding(value_of(config, "monitor_links"),
                  f"`monitor_links` is {value}: Piranha treats every non-zero value as 1, so link monitoring is on",
                  hint="write `monitor_links = 1` (on) or `monitor_links = 0` (off)")


@rule("LVS412", "monitor-links-without-backup", INFO, "`monitor_links` is on but there is no director pair")
def monitor_links_without_backup(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `monitor_links` switched on while `backup_active` is 0.

    ## Why is this bad?
    With `monitor_links` on, pulse watches the link state of the network
    card carrying its heartbeat address and, when the link drops, goes
    inactive so that the partner takes over.  Without a partner that would
    only take the service down, so pulse skips the check entirely when
    `backup_active = 0`: the setting has no effect.

    ## Example
    ```
    backup_active = 0
    monitor_links = 1
    ```
    Use instead: `monitor_links = 0`, or `backup_active = 1` with a `backup` director.
    """
    if config.monitor_links == 0 or config.backup_active or _unreadable(config, "backup_active"):
        return
    state = "`backup_active = 0`" if is_set(config, "backup_active") else "no `backup_active = 1`"
    yield Finding(value_of(config, "monitor_links"),
                  f"`monitor_links` is on but with {state} pulse never checks the links: it has no effect on a "
                  f"single director",
                  hint="remove `monitor_links` (or set it to 0), or set up a director pair with `backup_active = 1`")


@rule("LVS413", "rsh-command-for-uptime", WARNING,
      "`rsh_command` is not exactly `rsh` or `ssh` while a virtual uses `load_monitor = uptime`")
def rsh_command_for_uptime(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags an `rsh_command` other than exactly `rsh` or `ssh` when an active
    virtual uses `load_monitor = uptime`.

    ## Why is this bad?
    For `load_monitor = uptime`, lvsd passes `rsh_command` to nanny as the
    load command, and nanny runs `<command> <real server address>` every 20
    seconds or so.  It adds the remote command `uptime` only when the command
    is exactly `rsh` or `ssh`.  `/usr/bin/ssh` gets no `uptime` argument (it
    opens a login session instead), and `"ssh -q"` is looked up as a program
    named `ssh -q`, which does not exist; either way the load is never read
    and the weights are never adjusted.  nanny searches `PATH` itself, so the
    bare name is all it needs.

    ## Example
    ```
    rsh_command = /usr/bin/ssh
    virtual www {
         load_monitor = uptime
    ```
    Use instead: `rsh_command = ssh`.
    """
    if config.rsh_command in ("rsh", "ssh") or _unreadable(config, "rsh_command"):
        return
    users = [v for v in active_virtuals(config) if v.load_monitor == "uptime"]
    if not users:
        return
    more = f" (and {len(users) - 1} more)" if len(users) > 1 else ""
    yield Finding(value_of(config, "rsh_command"),
                  f'`rsh_command` is "{config.rsh_command}" and virtual "{users[0].name}"{more} uses '
                  f"`load_monitor = uptime`: nanny appends the remote `uptime` command only to exactly `rsh` or "
                  f"`ssh`, so the real servers' load is never read",
                  hint="write `rsh_command = ssh` (or `rsh`); nanny finds it in PATH",
                  related=(("the virtual that polls the load", setting_of(users[0], "load_monitor")),))


def _command_problem(command: str) -> str | None:
    """Why execv cannot run ``command`` as meant, or None."""
    program = command.split(" ", 1)[0]
    if not command.strip():
        return "it is empty, so there is no program to run"
    if not program.startswith("/"):
        return (f'"{program}" is not an absolute path, and execv does not search PATH, so the program is not '
                f"found (or is looked up relative to the daemon's working directory)")
    syntax = sorted(set(command) & _SHELL_SYNTAX)
    if syntax:
        shown = ", ".join(_CHARACTER_NAMES.get(c, c) for c in syntax)
        return (f"it contains shell syntax ({shown}), but no shell runs it: these characters reach the program "
                f"as literal arguments")
    return None


@rule("LVS414", "command-not-absolute", WARNING,
      "a command pulse or fos cannot run as meant (not an absolute path, or shell syntax)")
def command_not_absolute(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `active_cmd` and `inactive_cmd` (with `service = lvs`) and the
    `start_cmd`/`stop_cmd` of active failover blocks (with `service = fos`)
    that are empty, do not start with `/`, or contain shell syntax: `|`, `>`,
    `<`, `;`, `&`, `$`, a backquote or a quote.

    ## Why is this bad?
    pulse (for `active_cmd`, run when the director becomes active, and
    `inactive_cmd`, run at start-up and when it becomes inactive) and fos (for
    `start_cmd`/`stop_cmd`, after stripping one leading and one trailing double
    quote) split the command at spaces and call `execv()` directly:

    * there is no `PATH` search: `service httpd start` looks for a file named
      `service` in the daemon's working directory and fails;
    * there is no shell: `>`, `|`, `;`, `&&`, `$VAR` and quotes are passed to
      the program as literal arguments (a quoted argument with a space is cut
      in two at the space, quote characters included).

    pulse does not wait for the command nor log a failure (the forked child
    just exits), so whatever the command was meant to do silently never
    happens.  fos splits at every single space, so two spaces in a row give
    an empty argument.

    ## Example
    ```
    active_cmd = "service httpd start"
    ```
    Use instead: `active_cmd = "/sbin/service httpd start"`; put anything that needs a shell in a script and run
    the script by its absolute path.
    """
    if config.service is Service.lvs:
        for key in ("active_cmd", "inactive_cmd"):
            command = getattr(config, key)
            problem = None if command is None else _command_problem(command)
            if problem:
                yield Finding(value_of(config, key), f'`{key}` "{command}": {problem}',
                              hint="write the absolute path of the program; put shell syntax in a script")
        return
    for failover in config.failovers:
        if not failover.active:
            continue
        for key in ("start_cmd", "stop_cmd"):
            command = getattr(failover, key)
            problem = None if command is None else _command_problem(command)
            if problem:
                yield Finding(value_of(failover, key),
                              f'`{key}` of failover "{failover.name}" ("{command}" once fos strips the double '
                              f"quotes): {problem}",
                              hint="write the absolute path of the program (e.g. `/etc/rc.d/init.d/httpd start`); "
                                   "put shell syntax in a script")


@rule("LVS415", "shared-scsi-settings", INFO,
      "shared-SCSI settings, used only by upstream failover services")
def shared_scsi_settings(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports `reservation_conflict_action`, `primary_shared` and
    `backup_shared` lines.

    ## Why is this bad?
    These keys configure shared-SCSI fencing: upstream Piranha's pulse
    reserves a shared disk before starting failover services and uses
    `reservation_conflict_action` when the reservation conflicts.  pulse uses
    them only with `service = fos` and only when both `primary_shared` and
    `backup_shared` are non-empty; LVS directors (`service = lvs`) never use
    them.  The vendor build of Piranha removed the shared-SCSI code
    altogether, and keepalived has no equivalent, so these lines are
    documentation at best.  They are harmless, but do not rely on them for
    fencing.

    ## Example
    ```
    service = lvs
    primary_shared = /dev/sdb
    backup_shared = /dev/sdb
    reservation_conflict_action = preempt
    ```
    Use instead: remove the three lines (and fence shared storage with cluster software that supports it).
    """
    used = (config.service is Service.fos and bool(config.primary_shared) and bool(config.backup_shared))
    for key in ("primary_shared", "backup_shared", "reservation_conflict_action"):
        if not is_set(config, key):
            continue
        if used:
            effect = ("is used only by upstream pulse, for shared-SCSI fencing of the failover services: the vendor "
                      "build removed that code and keepalived has no equivalent")
        elif config.service is not Service.fos:
            effect = "has no effect: shared-SCSI fencing exists only for failover services (`service = fos`)"
        else:
            effect = ("has no effect: shared-SCSI fencing runs only when both `primary_shared` and "
                      "`backup_shared` are non-empty")
        yield Finding(setting_of(config, key), f"{_written(config, key)} {effect}",
                      hint="remove the line unless upstream Piranha's failover services use it")


#: Keywords of a service block that fos does not use, with why.
_NOT_FOR_FOS = {
    "scheduler": "fos builds no IPVS service",
    "persistent": "fos builds no IPVS service",
    "pmask": "fos builds no IPVS service",
    "fwmark": "fos builds no IPVS service",
    "sorry_server": "fos builds no IPVS service",
    "reentry": "fos does not pass it to its service monitor",
    "quiesce_server": "fos does not pass it to its service monitor",
    "load_monitor": "fos polls no load",
    "use_regex": "fos does not pass `--regex` to its service monitor, so `expect` is compared as plain text",
}


@rule("LVS416", "failover-keyword-ignored", WARNING,
      "a keyword the block's daemon ignores (`start_cmd` in a virtual, LVS keywords in a failover)")
def failover_keyword_ignored(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `start_cmd` and `stop_cmd` in `virtual` blocks, and, in `failover`
    blocks, the keywords fos does not use: `scheduler`, `persistent`,
    `pmask`, `fwmark`, `sorry_server`, `reentry`, `quiesce_server`,
    `load_monitor`, `use_regex` and `server` blocks.  One finding per written
    key or block.

    ## Why is this bad?
    Piranha parses `virtual` and `failover` blocks with the same routine, so
    both accept every keyword, but each kind is run by a different daemon.
    lvsd, which runs virtual services, never reads `start_cmd`/`stop_cmd`: the
    command never runs.  fos, which runs failover services, starts and stops
    a local service and watches its partner's copy at the VIP with
    `nanny -c -h VIP -V PARTNER -p PORT … -t TIMEOUT --fos`; it builds no IPVS
    table and has no real servers, so scheduling, persistence, firewall marks,
    the sorry server and the real-server options do nothing, and `use_regex`
    is not passed on (the `expect` text is then compared literally).  Such a
    line usually means a virtual was written as a failover block or the
    other way round.

    ## Example
    ```
    failover web {
         active = 1
         address = 192.168.0.50 eth0:1
         scheduler = wlc
    ```
    Use instead: remove `scheduler` from the failover block (or make the block a `virtual` if load balancing was
    meant).
    """
    for virtual in config.virtuals:
        written = virtual.origin.settings if virtual.origin is not None else {}
        for key in ("start_cmd", "stop_cmd"):
            if key in written:
                yield Finding(setting_of(virtual, key),
                              f'`{key}` in virtual "{virtual.name}" is ignored: only fos runs start_cmd/stop_cmd, '
                              f"for failover blocks; lvsd never reads it",
                              hint="to run a command when the director becomes active or inactive use the top-level "
                                   "`active_cmd`/`inactive_cmd`; otherwise remove the line")
    for failover in config.failovers:
        written = failover.origin.settings if failover.origin is not None else {}
        for key, why in _NOT_FOR_FOS.items():
            if key in written:
                yield Finding(setting_of(failover, key),
                              f'`{key}` in failover "{failover.name}" is ignored: {why}',
                              hint="remove the line, or write a virtual block if load balancing was meant")
        for server in failover.servers:
            yield Finding(header_of(server),
                          f'server "{server.name}" in failover "{failover.name}" is ignored: fos has no real '
                          f"servers, it runs the service on the active director itself",
                          hint="remove the server block, or write a virtual block if load balancing was meant")


@rule("LVS417", "standalone-master-delay", INFO,
      "a single director activates its services only after `deadtime` seconds")
def standalone_master_delay(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports a single director (`service = lvs` with `backup_active = 0`) and
    the delay before it starts serving.

    ## Why is this bad?
    It is not wrong, but it surprises people: a master without a backup does
    not start lvsd at once.  pulse starts in its heartbeat loop like one half
    of a pair, waits `deadtime` seconds for a partner that cannot exist, and
    only then logs "partner dead: activating lvs" and brings up the VIPs.
    With Piranha's default `deadtime = 5` that is 5 seconds after every pulse
    start; with a GUI-style `deadtime = 18`, 18 seconds.  (`keepalive` has no
    effect without a backup.)

    ## Example
    ```
    primary = 192.168.0.11
    backup_active = 0
    deadtime = 18
    ```
    Use instead: accept the delay, or lower `deadtime` (it is used for nothing else on a single director), or add
    a backup director with `backup_active = 1`.
    """
    if (config.service is not Service.lvs or config.backup_active or not is_set(config, "primary")
            or _unreadable(config, "backup_active") or config.deadtime <= 0
            or not any(v.active for v in config.virtuals)):
        return  # pulse would not start (LVS401, LVS402), runs a pair, or spins (LVS406)
    state = "`backup_active = 0`" if is_set(config, "backup_active") else "no `backup_active = 1`"
    source = "" if is_set(config, "deadtime") else ", Piranha's default"
    yield Finding(_first_written(config, "backup_active", "deadtime", "primary"),
                  f"with {state} this director runs alone: after each pulse start it waits deadtime "
                  f'({_seconds(config.deadtime)}{source}) for a partner, then logs "partner dead: activating lvs" '
                  f"and only then brings up the VIPs",
                  hint="nothing to fix; lower `deadtime` to start serving sooner, or add a backup director")


@rule("LVS418", "failover-services-unsupported", INFO,
      "failover services, which only upstream Piranha implements")
def failover_services_unsupported(config: Config) -> Iterator[Finding]:
    """## What it does
    Reports `service = fos`, and `failover` blocks in a file with
    `service = lvs`.

    ## Why is this bad?
    Failover services (fos) make the director pair run and monitor ordinary
    services (httpd, ftp …) itself instead of balancing real servers.  Only
    upstream Piranha implements them: the vendor build removed the FOS code
    from pulse (with `service = fos` it still demands an active failover
    block, then runs lvsd on the virtual blocks instead), and keepalived has
    no equivalent, so a migration needs another cluster manager for them.
    With `service = lvs`, failover blocks are parsed and then never run.

    ## Example
    ```
    service = lvs
    failover web1 {
         active = 1
         start_cmd = "/etc/rc.d/init.d/httpd start"
    ```
    Use instead: remove the failover blocks, or move those services to a cluster manager such as Pacemaker.
    """
    if config.service is Service.fos:
        yield Finding(value_of(config, "service"),
                      "`service = fos` runs failover services, which only upstream Piranha implements: the vendor "
                      "build removed them from pulse (it would run lvsd on the virtual blocks instead) and "
                      "keepalived has no equivalent",
                      hint="on upstream Piranha nothing to do; to migrate, move these services to a cluster manager "
                           "such as Pacemaker")
        return
    for failover in config.failovers:
        yield Finding(header_of(failover),
                      f'failover "{failover.name}" never runs: with `service = {config.service}` pulse runs only the '
                      f"virtual blocks (and the vendor build has no failover services at all)",
                      hint="remove the block, or write `service = fos` on upstream Piranha to run failover "
                           "services instead of the virtual blocks")


RULES = (
    no_active_service,
    missing_primary,
    backup_active_without_backup,
    backup_without_backup_active,
    private_addresses_unpaired,
    heartbeat_interval_not_positive,
    deadtime_not_above_keepalive,
    heartbeat_port_out_of_range,
    sync_daemon_settings,
    ipvs_timeout_out_of_range,
    monitor_links_not_boolean,
    monitor_links_without_backup,
    rsh_command_for_uptime,
    command_not_absolute,
    shared_scsi_settings,
    failover_keyword_ignored,
    standalone_master_delay,
    failover_services_unsupported,
    sync_daemon_on_unused_interface,
)
