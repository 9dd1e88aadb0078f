"""The ipvsadm migration report's codes (LVS6xx): what the static table does not hold, and why."""

from __future__ import annotations

import inspect

from ...diagnostics import Severity
from ...findings import Rule
from ..conversion import convert_code

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# -- the migration-report codes -----------------------------------------------------------------


def _code(code: str, name: str, severity: Severity, summary: str, doc: str) -> Rule:
    return convert_code(code, name, severity, summary, inspect.cleandoc(doc))


SORRY_SERVER = _code("LVS601", "sorry-server-not-in-table", WARNING,
                     "the sorry server is added by lvsd only while no real server is up", """
    ## What it reports
    Reports a virtual's `sorry_server`, which the converted table does not contain.

    ## Why it matters
    lvsd adds the sorry server (`-a SERVICE -r SORRY:PORT METHOD -w 1`, with the
    virtual's port and the global forwarding method) only while none of the
    virtual's real servers passes its health check, and deletes it as soon as one
    is back (lvs-cf-format.md §7.6).  In steady state it is not in the table, so
    the converted table has no fallback at all: when every real server fails,
    clients get no answer instead of the sorry page.  (lvsd never adds it for a
    virtual without any active real server: its "up" state starts false.)

    ## Example
    ```
    virtual www {
         active = 1
         sorry_server = 10.0.0.99
         ...
    }
    ```
    Use instead: a health checker with a fallback server, e.g. keepalived's
    `sorry_server 10.0.0.99 80` (`lvscf convert --to keepalived`), or add the
    reported `-a` line by hand when every real server is down.
    """)

SLOW_START = _code("LVS602", "slow-start-not-in-table", INFO,
                   "nanny ramps a real server's weight up after it enters", """
    ## What it reports
    Reports real servers whose weight is above 1: the converted table holds the
    configured weight at once.

    ## Why it matters
    nanny adds a real server that passes its check with weight
    `max(1, weight / 32)` and doubles it about every 20 s until it reaches the
    configured weight ("slow start", lvs-cf-format.md §7.5).  The converted table
    is the end of that ramp: a server restored from it gets its full share of new
    connections immediately, also right after it was down.

    ## Example
    ```
    server web1 {
         address = 10.0.0.2
         active = 1
         weight = 100
    }
    ```
    Piranha adds `web1` with `-w 3`, then 6, 12, 24, 48, 96, 100.
    Use instead: the table as written (the steady state); if servers must warm up,
    raise their weight step by step with `ipvsadm -e ... -w N` after adding them.
    """)

QUIESCE = _code("LVS603", "quiesce-not-in-table", WARNING,
                "failed real servers get weight 0 instead of being removed", """
    ## What it reports
    Reports `quiesce_server = 1` on a converted virtual.

    ## Why it matters
    With `quiesce_server = 1`, nanny does not delete a real server that fails its
    check: it sets its weight to 0 (`ipvsadm -e ... -w 0`), so existing and
    persistent connections stay on it, and restores the weight when it recovers.
    A static table has no health checks, so nothing ever quiesces a server.

    ## Example
    ```
    virtual mysql {
         active = 1
         quiesce_server = 1
         ...
    }
    ```
    Use instead: a health checker that quiesces, e.g. keepalived's
    `inhibit_on_failure` or ldirectord's `quiescent = yes`.
    """)

WEIGHT_RAISED = _code("LVS604", "weight-written-as-1", INFO,
                      "a weight of 0 or less is written as 1", """
    ## What it reports
    Reports real servers whose `weight` is 0 or negative; their `-a` line has `-w 1`.

    ## Why it matters
    nanny adds every server with `max(1, weight / 32)` and never lowers the weight
    below that (lvs-cf-format.md §7.5), so Piranha gives such a server weight 1:
    it receives connections.  The converted table does the same, which is
    probably not what whoever wrote 0 meant.

    ## Example
    ```
    server web2 {
         address = 10.0.0.3
         active = 1
         weight = 0
    }
    ```
    Use instead: `active = 0` to take the server out, or a weight of 1 or more.
    """)

HEALTH_CHECKS = _code("LVS605", "health-checks-not-in-table", WARNING,
                      "nanny's health checks are not part of an IPVS table", """
    ## What it reports
    Reports every converted virtual that has real servers: their health checks are
    not converted.

    ## Why it matters
    Piranha runs one nanny per active real server: it checks the server every
    `timeout` seconds (`send`/`expect`, `send_program`, or a plain connect), takes
    it out of the table on the first failure and puts it back after `reentry`
    seconds of successful checks (lvs-cf-format.md §7.4).  The converted table
    lists every active server as healthy; nothing removes a server that fails.

    ## Example
    ```
    virtual www {
         active = 1
         send = "GET / HTTP/1.0\\r\\n\\n"
         expect = "HTTP"
         ...
    }
    ```
    Use instead: a health checker that maintains the table, e.g. keepalived
    (`lvscf convert --to keepalived`) or ldirectord.
    """)

INACTIVE_VIRTUAL = _code("LVS606", "inactive-virtual-not-converted", INFO,
                         "an inactive virtual is left out", """
    ## What it reports
    Reports virtuals with `active = 0` (the default when `active` is not written).

    ## Why it matters
    lvsd creates no IPVS service for an inactive virtual, so the table has none
    either.  This is only a note: check that the virtual is meant to be off.

    ## Example
    ```
    virtual ftp {
         active = 0
         ...
    }
    ```
    Use instead: `active = 1` if the service should run.
    """)

INACTIVE_SERVER = _code("LVS607", "inactive-server-not-converted", INFO,
                        "an inactive real server is left out", """
    ## What it reports
    Reports real servers with `active = 0` (the default when `active` is not
    written) in a converted virtual.

    ## Why it matters
    lvsd starts no monitor for an inactive real server, so it is never added to
    IPVS; the table has no line for it either.  This is only a note.

    ## Example
    ```
    server web4 {
         address = 10.0.0.5
         active = 0
    }
    ```
    Use instead: `active = 1` if the server should receive connections.
    """)

FWMARK = _code("LVS608", "fwmark-needs-marking-rules", WARNING,
               "a firewall-mark service needs packet-marking rules outside IPVS", """
    ## What it reports
    Reports converted virtuals with a `fwmark`.

    ## Why it matters
    A fwmark service (`-A -f MARK`) receives only packets that the firewall has
    marked with MARK (iptables `-t mangle ... -j MARK --set-mark MARK`, or nftables
    `meta mark set MARK`).  Those rules were set up outside Piranha and are not
    part of lvs.cf, nor of an IPVS table: without them the service gets no traffic.

    ## Example
    ```
    virtual web {
         active = 1
         address = 192.168.0.41 eth0:1
         fwmark = 80
         ...
    }
    ```
    Use instead: keep (or write) the marking rules next to the table, e.g.
    `iptables -t mangle -A PREROUTING -d 192.168.0.41/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 80`.
    """)

VIP_PLUMBING = _code("LVS609", "vip-plumbing-not-in-table", INFO,
                     "pulse's virtual and NAT-router addresses are not part of an IPVS table", """
    ## What it reports
    Reports each virtual IP address (and the `nat_router` address) that pulse
    brings up, once.

    ## Why it matters
    On the active director pulse brings up every VIP on its device
    (`ifconfig eth0:1 VIP netmask ... up`, then gratuitous ARPs), and with
    `network = nat` the `nat_router` address that the real servers use as their
    gateway; on failover it takes them down and the backup director brings them up
    (lvs-cf-format.md §7.1).  An IPVS table holds none of this: the addresses must
    be configured by other means, or the services receive no traffic.

    ## Example
    ```
    virtual www {
         address = 192.168.0.41 eth0:1
         ...
    }
    ```
    Use instead: keepalived's `vrrp_instance { virtual_ipaddress { ... } }`, or the
    addresses in the director's network configuration.
    """)

SYNC_DAEMON = _code("LVS610", "sync-daemon-not-in-table", INFO,
                    "the connection sync daemon is not part of an IPVS table", """
    ## What it reports
    Reports `syncdaemon = 1`.

    ## Why it matters
    pulse starts the IPVS connection synchronisation daemon
    (`ipvsadm --start-daemon master|backup --mcast-interface IF --syncid ID`) on
    every role change, so that the backup director knows the open connections.
    `ipvsadm-save` does not print daemons, and the converted table starts none.

    ## Example
    ```
    syncdaemon = 1
    syncd_iface = eth1
    ```
    Use instead: keepalived's `lvs_sync_daemon eth1 VI_1`, or
    `ipvsadm --start-daemon master --mcast-interface eth1` run by the director's
    fail-over scripts.
    """)

TIMEOUTS = _code("LVS611", "timeouts-not-in-table", INFO,
                 "the IPVS timeouts are not part of ipvsadm-save's table", """
    ## What it reports
    Reports non-zero `tcp_timeout`, `tcpfin_timeout` or `udp_timeout` when the
    conversion was asked for the table alone (without `--timeouts`).

    ## Why it matters
    lvsd runs `ipvsadm --set TCP TCPFIN UDP` when it starts.  The timeouts are
    global kernel settings, not part of the table, and `ipvsadm-save` does not
    print them; without them the kernel keeps its defaults (900 120 300).

    ## Example
    ```
    tcp_timeout = 3600
    ```
    Use instead: convert with `--timeouts`, which writes the `--set` line
    (`ipvsadm-restore` runs it), or `keepalived`'s `lvs_timeouts`.
    """)

BIG_WEIGHT = _code("LVS612", "weight-above-65535", WARNING,
                   "a weight above 65535 is rejected by older ipvsadm builds", """
    ## What it reports
    Reports real servers whose weight is above 65535.

    ## Why it matters
    The kernel and Debian's ipvsadm 1.31 accept weights up to 2147483647, so the
    converted line restores there.  The ipvsadm of RHEL 5 and 6 (and upstream
    1.31's own source) rejects anything above 65535 (`illegal weight specified`,
    which aborts an `ipvsadm-restore`); under Piranha nanny's `ipvsadm` then
    failed, and lvsd shut the LVS down (`hard_shutdown`).

    ## Example
    ```
    server web1 {
         weight = 100000
    }
    ```
    Use instead: scale all weights of the virtual down to 65535 or less; only the
    ratios matter.
    """)

HOST_NAME = _code("LVS613", "host-name-not-converted", ERROR,
                  "a host name cannot be written to an IPVS table", """
    ## What it reports
    Reports virtual and real-server addresses written as host names.  The
    virtual's service (or the real server) is left out of the table.

    ## Why it matters
    Piranha resolves host names when it starts.  lvscf never resolves names (the
    answer depends on the director's DNS and /etc/hosts at that moment), and
    `ipvsadm-save -n` prints numeric addresses only, so the table cannot hold the
    service or real server as written.  A fwmark service does not contain its
    virtual address, so only its real servers are affected.

    ## Example
    ```
    server web1 {
         address = web1.example.com
    }
    ```
    Use instead: the IPv4 address, `address = 10.0.0.2`.
    """)

SERVICE_REJECTED = _code("LVS614", "service-rejected-by-ipvsadm", WARNING,
                         "ipvsadm rejects the virtual service, so Piranha never created it", """
    ## What it reports
    Reports active virtuals whose service ipvsadm refuses to create: a negative
    `fwmark`, a `port` outside 0-65535, port 0 without persistence, or
    `persistent` above 2678400 s (31 days).  The service and its real servers are
    left out of the table.

    ## Why it matters
    lvsd runs `ipvsadm -A` with these values, ipvsadm rejects them
    (`invalid fwmark value`, `Zero port specified for non-persistent service`,
    `invalid timeout value`, ...), and lvsd logs "ipvsadm failed for virtual
    server" and skips the virtual and its monitors.  The converted table does the
    same, but the service the file describes does not run.  (Such a line in a
    restore file would abort the rest of the restore, so it is never written.)

    ## Example
    ```
    virtual www {
         active = 1
         port = 0
    }
    ```
    Use instead: a real port (`port = 80`), or port 0 with `persistent` set (an
    "any port" persistent service), a positive `fwmark`, and `persistent` of at
    most 2678400.
    """)

DUPLICATE_SERVICE = _code("LVS615", "duplicate-ipvs-service", WARNING,
                          "a second virtual defines the same IPVS service", """
    ## What it reports
    Reports an active virtual whose IPVS service (the same VIP, protocol and port,
    or the same `fwmark`) was already created by an earlier active virtual.  Only
    the first is converted.

    ## Why it matters
    lvsd's second `ipvsadm -A` fails ("Service already exists"): the first
    virtual's service stays, and lvsd skips the second virtual and its real
    servers.  Two virtuals sharing one fwmark (e.g. one for port 80 and one for
    443) therefore never worked: only the first virtual's servers were used.

    ## Example
    ```
    virtual http {
         active = 1
         fwmark = 100
         port = 80
    }
    virtual https {
         active = 1
         fwmark = 100
         port = 443
    }
    ```
    Use instead: one virtual per fwmark (a fwmark service takes every port the
    mark covers), or different marks for the two virtuals.
    """)

DUPLICATE_MONITOR = _code("LVS616", "duplicate-monitor", WARNING,
                          "lvsd starts one monitor for two identical real servers", """
    ## What it reports
    Reports a real server with the same address and port as an earlier one of
    the same virtual (or of an earlier virtual with the same VIP, port and
    protocol).  It is written once.

    ## Why it matters
    lvsd identifies a monitor by (VIP, virtual port, protocol, real-server
    address, real-server port) and starts none for a server it already monitors,
    so the later block has no effect at all, not even its weight.

    ## Example
    ```
    server web1 {
         address = 10.0.0.2
         active = 1
    }
    server web1b {
         address = 10.0.0.2
         active = 1
         weight = 5
    }
    ```
    Use instead: one `server` block per real server.
    """)

SERVER_REJECTED = _code("LVS617", "real-server-rejected-by-ipvsadm", ERROR,
                        "ipvsadm or the kernel rejects the real server", """
    ## What it reports
    Reports active real servers that cannot be added to IPVS: a `port` outside
    0-65535 (`illegal real server address[:port]`), or an address the kernel
    refuses because it is not a unicast address (0.0.0.0, the default when
    `address` is missing, any 0.x.x.x on the kernels Piranha ran on, multicast,
    255.255.255.255, 127.255.255.255).  The server is left out.

    ## Why it matters
    nanny's `ipvsadm -a` fails, nanny exits ("command failed"), and with
    `hard_shutdown = 1` (the default) lvsd shuts the whole LVS down; with
    `hard_shutdown = 0` only that server is missing (then this is a warning).
    The converted table keeps the rest, so it does not do what Piranha did.  A
    director also refuses the broadcast address of each of its own subnets; lvscf
    cannot know those.

    ## Example
    ```
    server web3 {
         active = 1
         port = 80800
    }
    ```
    Use instead: the real server's unicast address and a port from 0 to 65535.
    """)

DESTINATION_COLLISION = _code("LVS618", "destination-collision", ERROR,
                              "two real servers become the same IPVS destination", """
    ## What it reports
    Reports a real server that lvsd monitors separately from an earlier one, but
    that the kernel stores as the same destination: same address, and ports that
    differ only in lvs.cf because direct routing and tunnelling force the port to
    the service's (0 on a fwmark service).  It is left out; the first is kept.

    ## Why it matters
    Both nannies run `ipvsadm -a`; the second gets "Destination already exists",
    exits, and with `hard_shutdown = 1` (the default) lvsd shuts the whole LVS
    down (with `hard_shutdown = 0` this is a warning: the first one stays).

    ## Example
    ```
    network = direct
    virtual www {
         port = 80
         server a {
             address = 10.0.0.2
             active = 1
         }
         server b {
             address = 10.0.0.2
             port = 8080
             active = 1
         }
    }
    ```
    Use instead: one `server` block per real-server address with direct routing
    or tunnelling (the real server must listen on the virtual port), or
    `network = nat` to reach other ports.
    """)

VIP_UNSET = _code("LVS619", "service-on-unset-vip", WARNING,
                  "the virtual service listens on 0.0.0.0", """
    ## What it reports
    Reports active virtuals without a fwmark whose `address` is missing or
    0.0.0.0; the service is written as `-t 0.0.0.0:PORT`, as lvsd creates it.

    ## Why it matters
    IPVS matches a service by destination address; no packet is addressed to
    0.0.0.0, so the service receives nothing.  It is converted because lvsd
    creates it too, but the virtual almost certainly lacks its `address` line.

    ## Example
    ```
    virtual www {
         active = 1
         port = 80
    }
    ```
    Use instead: `address = 192.168.0.41 eth0:1`.
    """)

LOAD_MONITOR = _code("LVS620", "load-monitor-not-in-table", WARNING,
                     "nanny scales weights by the real servers' load", """
    ## What it reports
    Reports virtuals with a `load_monitor` other than `none`.

    ## Why it matters
    nanny polls each real server's load (`rup`, `ruptime`, or `uptime` over
    `rsh_command`) about every 20 s and moves its weight between the configured
    weight and 10 times that (lvs-cf-format.md §7.4).  The converted table holds
    the configured weights; nothing adjusts them.

    ## Example
    ```
    virtual www {
         load_monitor = uptime
    }
    ```
    Use instead: fixed weights that reflect the servers' capacity, or keepalived's
    `MISC_CHECK` with `misc_dynamic` and a script that reports the load.
    """)

FAILOVER = _code("LVS621", "fos-runs-no-ipvs-table", WARNING,
                 "service = fos runs no IPVS table", """
    ## What it reports
    Reports `service = fos`: the converted table is empty.

    ## Why it matters
    With `service = fos` pulse runs the failover services (`failover` blocks:
    `start_cmd`/`stop_cmd` on the active node) instead of lvsd, so Piranha
    programs no IPVS table and the `virtual` blocks are ignored.  Failover
    services are not load balancing and have no ipvsadm form.

    ## Example
    ```
    service = fos
    failover ftp {
         active = 1
         start_cmd = "/etc/init.d/vsftpd start"
         stop_cmd = "/etc/init.d/vsftpd stop"
    }
    ```
    Use instead: keepalived `vrrp_instance` blocks with `notify_master` /
    `notify_backup` scripts for the failover services.
    """)

TIMEOUTS_REJECTED = _code("LVS622", "timeouts-rejected-by-ipvsadm", WARNING,
                          "ipvsadm rejects the timeouts", """
    ## What it reports
    Reports `tcp_timeout`, `tcpfin_timeout` or `udp_timeout` outside 0-2678400;
    no `--set` line is written.

    ## Why it matters
    lvsd's `ipvsadm --set` fails (`invalid timeout value`), lvsd logs "ipvsadm
    failed to set timeouts" and the kernel keeps its timeouts.  Such a line in a
    restore file would abort the rest of the restore, so it is never written.

    ## Example
    ```
    tcp_timeout = -1
    ```
    Use instead: seconds from 1 to 2678400, or 0 to leave a timeout unchanged.
    """)

EMPTY_TABLE = _code("LVS623", "no-active-virtual-to-convert", INFO,
                    "no active virtual: the table is empty", """
    ## What it reports
    Reports a file (with `service = lvs`) that has no active virtual.

    ## Why it matters
    pulse exits ("no active lvs services defined") and no IPVS table is
    programmed; the converted table is empty.  Templates and partial files often
    look like this.

    ## Example
    ```
    virtual www {
         active = 0
    }
    ```
    Use instead: `active = 1` in the virtuals that should run.
    """)

#: Every migration-report code of this converter, in code order.
ALL: tuple[Rule, ...] = (
    SORRY_SERVER, SLOW_START, QUIESCE, WEIGHT_RAISED, HEALTH_CHECKS, INACTIVE_VIRTUAL, INACTIVE_SERVER, FWMARK,
    VIP_PLUMBING, SYNC_DAEMON, TIMEOUTS, BIG_WEIGHT, HOST_NAME, SERVICE_REJECTED, DUPLICATE_SERVICE,
    DUPLICATE_MONITOR, SERVER_REJECTED, DESTINATION_COLLISION, VIP_UNSET, LOAD_MONITOR, FAILOVER,
    TIMEOUTS_REJECTED, EMPTY_TABLE,
)
