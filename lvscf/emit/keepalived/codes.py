"""The keepalived migration report's codes (LVS7xx).

Each code is one Piranha behaviour that the keepalived.conf cannot reproduce,
reproduces only approximately, or needs something outside the file for.
Errors mean no file is produced; warnings and infos are the migration report.
"""

from __future__ import annotations

from ...diagnostics import Severity
from ..conversion import convert_code

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

UNSAFE_VALUE = convert_code("LVS701", "keepalived-unsafe-value", ERROR, "a value cannot be written safely in keepalived.conf", """\
## What it reports
A value from lvs.cf that keepalived.conf cannot hold exactly and safely: a
device name or label keepalived or the kernel would refuse (VRRP on the
loopback too), a command word with quotes, `$`, `#`, `!`, braces or blanks,
a number outside the range keepalived 2.2.7 accepts for its keyword (a
`timeout` of 2147 makes the probe's `misc_timeout` 4296, above 4294), a
virtual whose `ipvsadm -A` Piranha's lvsd could not run (port 0 without
persistence, a negative fwmark), or a line that would pass keepalived's
1023-byte line limit.

## Why it matters
keepalived's reader has no escape mechanism it applies consistently: `#` and
`!` start comments even mid-line, `$NAME` is substituted inside quotes,
braces end a line anywhere, and long lines are split in two.  A value with
any of these could add, remove or change directives.  lvscf never escapes:
it refuses, and writes no file.

## Example
```
active_cmd = "/usr/local/sbin/up.sh $HOST"
```
Use a wrapper script without arguments, or values made only of letters,
digits and `_ . / : = , @ % + -`.
""")

HOST_NAME = convert_code("LVS702", "keepalived-needs-address", ERROR, "keepalived needs an IPv4 address, not a host name", """\
## What it reports
A virtual or real server address written as a host name.

## Why it matters
Piranha resolved host names once when it read the file; keepalived's
`virtual_server` and `real_server` take literal addresses only.  lvscf does
not resolve names itself: the answer would depend on the machine running
the conversion.

## Example
```
server web1 {
    address = web1.example.com
```
Write the address the name resolves to on the director.
""")

FOS_NOT_CONVERTED = convert_code("LVS703", "failover-services-not-converted", WARNING, "failover services (service = fos) have no keepalived equivalent", """\
## What it reports
`service = fos` with `failover` blocks, which start and stop local services
on whichever director is active.

## Why it matters
keepalived's LVS support has nothing like `fos`; the closest is a
`vrrp_script` plus `notify_master`/`notify_backup` scripts written by hand.
No `failover` block is converted.

## Example
```
service = fos
failover ftp { start_cmd = "/etc/init.d/vsftpd start" ... }
```
""")

EMPTY_VIRTUAL = convert_code("LVS704", "virtual-without-real-servers", WARNING, "an active virtual has no active real server and is left out", """\
## What it reports
An active `virtual` whose servers are all inactive (or that has none).

## Why it matters
Piranha creates the IPVS service anyway (serving only its sorry server, if
any).  keepalived drops a `virtual_server` without `real_server` with an
error, so lvscf leaves it out of the file.

## Example
```
virtual www {
    active = 1
    server web1 { active = 0 ... }
}
```
""")

DUPLICATE_SERVICE = convert_code("LVS705", "duplicate-service-left-out", WARNING, "a second active virtual for the same IPVS service is left out", """\
## What it reports
Two active virtuals with the same address, protocol and port (no fwmark), or
with the same fwmark.

## Why it matters
lvsd's second `ipvsadm -A` fails, so Piranha runs only the first.  lvscf
converts the first one, as Piranha does, and leaves the second out.

## Example
```
virtual www  { active = 1  address = 10.0.0.1 eth0:1  port = 80 ... }
virtual www2 { active = 1  address = 10.0.0.1 eth0:1  port = 80 ... }
```
""")

DUPLICATE_REAL = convert_code("LVS706", "duplicate-destination-left-out", WARNING, "a second real server with the same address and port is left out", """\
## What it reports
An active real server with the same address and port as an earlier one
that lvsd monitors for the same VIP, protocol and virtual port: in the same
virtual, or in another virtual on the same VIP and port (a fwmark virtual).

## Why it matters
lvsd keeps one list of monitors keyed by (VIP, protocol, virtual port,
address, port) and starts no second monitor for a key it has, so the second
block has no effect in Piranha; keepalived would check and add the server
twice.  lvscf keeps the first, as Piranha did.  Two servers that only become
the same IPVS destination (direct routing and tunnelling use the virtual's
port) make nanny's `ipvsadm -a` fail instead: that is LVS731.

## Example
```
server a { address = 10.0.0.2  port = 80 ... }
server b { address = 10.0.0.2  port = 80 ... }
```
""")

REENTRY = convert_code("LVS707", "reentry-not-reproduced", WARNING, "keepalived's own checkers re-add a failed server after one good check, not after `reentry` seconds", """\
## What it reports
A virtual whose `reentry` made nanny wait for several consecutive good checks
(`reentry / timeout` of them; `reentry = 0` means 180 s) before it put a
failed server back.

## Why it matters
keepalived 2.2 has no "rise" count for its own checkers: a flapping server
goes back into the pool after its first successful check.  Reported only
with `--checks native`; the default `--checks exact` runs such checks
through `lvscf-probe`, which keeps nanny's count.

## Example
```
timeout = 10
reentry = 180     # nanny: 18 good checks in a row
```
""")

SLOW_START = convert_code("LVS708", "slow-start-not-reproduced", INFO, "keepalived adds servers at full weight; nanny ramped weights up", """\
## What it reports
A virtual with a real server whose weight is 2 or more.

## Why it matters
nanny added a server with weight `max(1, weight >> 5)` and doubled it about
every 20 s until it reached the configured weight.  keepalived adds servers
at their full weight at once.

## Example
```
server web1 { weight = 100 ... }   # nanny: 3, 6, 12, 24, 48, 96, 100
```
""")

LOAD_MONITOR = convert_code("LVS709", "load-monitor-not-reproduced", WARNING, "load-based weight adjustment (load_monitor) has no keepalived equivalent", """\
## What it reports
A virtual with `load_monitor` other than `none`.

## Why it matters
nanny polled each real server's load average (`rup`, `ruptime` or
`rsh|ssh RIP uptime`) and scaled its weight between `weight` and
`10 × weight`.  keepalived keeps the configured weight.  (A hand-written
`MISC_CHECK` with `misc_dynamic` can adjust weights.)

## Example
```
load_monitor = uptime
```
""")

CHECK_APPROXIMATED = convert_code("LVS710", "check-approximated", INFO, "the health check is keepalived's HTTP_GET, close to but not the same as nanny's", """\
## What it reports
An HTTP/1.0 `GET` check whose expected reply is a prefix of `HTTP/1.` (the
implicit check nanny runs on port 80 is one), converted to keepalived's
`HTTP_GET` accepting every status code it knows (`status_code 100-599`).
Used only when nanny re-added a failed server after one good check (or with
`--checks native`).

## Why it matters
keepalived sends `Host` and `User-Agent` headers that nanny did not send,
requires a well-formed status line (with a code up to 599) and reads the
reply to its end.  For a working web server the result is the same; a server
that answers garbage starting with `HTTP` passed nanny's check but fails
keepalived's.

## Example
```
send = "GET / HTTP/1.0\\r\\n\\r\\n"
expect = "HTTP"
```
""")

CHECK_NOT_REPRODUCED = convert_code("LVS711", "check-not-reproduced", WARNING, "--checks native: a send/expect or program check became a plain TCP connect", """\
## What it reports
With `--checks native`, a check that keepalived's own checkers cannot
express (any `send`/`expect` other than a plain HTTP GET, `use_regex`,
`send_program`, UDP checks) converted to `TCP_CHECK`, which only connects.

## Why it matters
A server that accepts connections but answers wrongly stays in the pool.
The default `--checks exact` runs `lvscf-probe`, which reproduces nanny's
check byte for byte.

## Example
```
send = "HELO lvs\\r\\n"
expect = "250"
```
""")

PROBE = convert_code("LVS712", "probe-required", INFO, "health checks call lvscf-probe, which must be installed on the directors", """\
## What it reports
The file contains `MISC_CHECK`s that run `lvscf-probe` (nanny's check
semantics: send/expect, `use_regex`, `send_program`, UDP).

## Why it matters
keepalived runs the probe as root (`script_user root`, with
`enable_script_security`), so it must be installed at the path given with
`--probe` (default `/usr/local/bin/lvscf-probe`) on both directors, in a
directory only root can write.  `pip install lvscf` as root provides it;
the probe uses only Python's standard library.

## Example
```
send = "HELO lvs\\r\\n"
expect = "250"
```
""")

SCRIPTS = convert_code("LVS713", "director-scripts", INFO, "active_cmd / inactive_cmd run as keepalived notify scripts", """\
## What it reports
`active_cmd` and `inactive_cmd`, converted to `notify_master` and
`notify_backup` + `notify_fault` of the VRRP instance.

## Why it matters
Both run as root, as they did under pulse.  keepalived runs a script
without `#!` through a shell (pulse never used a shell); and it runs
`notify_backup` at start-up on the backup, as pulse ran `inactive_cmd`.

## Example
```
active_cmd = /usr/local/sbin/lvs-up
```
""")

HEARTBEAT = convert_code("LVS714", "heartbeat-replaced-by-vrrp", INFO, "pulse's UDP heartbeat becomes VRRP: other packets, other fail-over timing", """\
## What it reports
Director fail-over by pulse heartbeats (`backup_active = 1`).

## Why it matters
pulse sent UDP heartbeats to `heartbeat_port` every `keepalive` seconds and
failed over after `deadtime` seconds of silence.  keepalived sends VRRP
adverts (IP protocol 112, unicast between `primary` and `backup` here) every
`advert_int` = `keepalive` seconds and fails over after about
3 × `advert_int` seconds.  Firewalls between the directors must pass VRRP.

## Example
```
keepalive = 6
deadtime = 18
```
""")

PRIVATE_HEARTBEAT = convert_code("LVS715", "private-heartbeat-not-reproduced", WARNING, "the second (private) heartbeat channel is not converted", """\
## What it reports
`primary_private` / `backup_private`: pulse heartbeated over a second
network as well.

## Why it matters
The VRRP instance runs over one interface only; losing it fails over even
when the private network is fine.  A second VRRP instance, or
`unicast_peer` on the private network, can be added by hand.

## Example
```
primary_private = 192.168.100.1
backup_private = 192.168.100.2
```
""")

SINGLE_DIRECTOR = convert_code("LVS716", "single-director", INFO, "no backup director: the VRRP instance has no peer", """\
## What it reports
`backup_active = 0` (or no `backup` address).

## Why it matters
pulse ran a lone master that activated itself after `deadtime` seconds.
keepalived's instance becomes MASTER after its own start-up delay (about
3 × `advert_int`).  No file for a backup node can be generated.

## Example
```
backup_active = 0
```
""")

VRRP_INTERFACE = convert_code("LVS717", "vrrp-interface-assumed", INFO, "the VRRP interface is assumed to be the first virtual address's device", """\
## What it reports
Which interface the VRRP instance runs on.

## Why it matters
pulse heartbeated over whichever interface held the `primary` address; lvs.cf
does not name it.  lvscf uses the device of the first virtual address (or
`--interface`).  keepalived refuses an interface that does not exist.

## Example
```
address = 192.168.1.250 eth0:1    # VRRP on eth0
```
""")

CLASSFUL_MASK = convert_code("LVS718", "classful-netmask", INFO, "no netmask given: the address gets the classful prefix ifconfig gave it", """\
## What it reports
A virtual address or `nat_router` without `vip_nmask` / `nat_nmask`.

## Why it matters
pulse ran `ifconfig DEV IP up` without a netmask, so the kernel got the
classful mask (/8, /16 or /24).  keepalived's `virtual_ipaddress` would use
/32 unless told; lvscf writes the classful prefix explicitly.

## Example
```
address = 10.0.0.1 eth0:1    # becomes 10.0.0.1/8
```
""")

BIG_WEIGHT = convert_code("LVS719", "weight-beyond-ipvsadm", WARNING, "a weight above 65535: Piranha's ipvsadm failed on it, keepalived installs it", """\
## What it reports
A real server weight greater than 65535.

## Why it matters
ipvsadm rejects weights above 65535.  nanny added the server at
`weight >> 5` and doubled that every 20 s, so its `ipvsadm -e` failed once
the ramp passed 65535 (at the first add for weights of 2^21 and more); nanny
then exited and, with `hard_shutdown = 1`, lvsd shut the whole LVS down.
keepalived installs the server with that weight.  Choose the weight you mean.

## Example
```
weight = 100000
```
""")

CLIENT_MONITOR = convert_code("LVS720", "custom-monitor-not-run", WARNING, "a custom client_monitor program is not run by keepalived", """\
## What it reports
A virtual whose `client_monitor` is not `/usr/sbin/nanny`.

## Why it matters
lvsd ran that program instead of nanny for every real server; the converted
checks reproduce nanny, not the custom program.

## Example
```
client_monitor = /usr/local/sbin/my-nanny
```
""")

PROGRAM_TIMEOUT = convert_code("LVS721", "program-timeout-differs", INFO, "a send_program that never exits fails the check instead of freezing it", """\
## What it reports
A virtual with `send_program`, converted to a `MISC_CHECK` that runs it
through `lvscf-probe`.

## Why it matters
nanny's time limit for the program never fired: a program that hung froze
that server's checks for good, and the server kept whatever state it had.
keepalived kills the probe after `misc_timeout` seconds and marks the server
down.  (A program that writes more than 64 KiB blocks in both.)

## Example
```
send_program = "/usr/local/bin/check-db %h"
```
""")

LINK_FAILOVER = convert_code("LVS722", "link-failover-differs", INFO, "keepalived fails over when the VRRP interface loses link, even without monitor_links", """\
## What it reports
Two-director clusters with `monitor_links = 0`.

## Why it matters
pulse ignored link state unless `monitor_links` was set; keepalived's
instance always goes to FAULT (and the backup takes over) when its
interface loses link.

## Example
```
monitor_links = 0
```
""")

VRRP_MULTICAST = convert_code("LVS723", "vrrp-multicast", WARNING, "primary or backup is a host name or unset: VRRP uses multicast instead of unicast", """\
## What it reports
`primary` or `backup` written as a host name, or not set (0.0.0.0), in a
cluster with a backup director.

## Why it matters
pulse heartbeated by unicast between the two addresses.  keepalived's
`unicast_src_ip`/`unicast_peer` need literal addresses, and keepalived
rejects one without the other, so neither is written: the instance uses
VRRP multicast (224.0.0.18) on the interface instead, which the network must
carry between the directors.

## Example
```
primary = lvs1.example.com
```
""")

PROGRAM_AS_ROOT = convert_code("LVS724", "send-program-runs-as-root", INFO, "keepalived runs the send_program as root, through lvscf-probe", """\
## What it reports
A virtual with `send_program`, converted to a `MISC_CHECK` that runs it
through `lvscf-probe`: a warning when the program is not an absolute path.

## Why it matters
keepalived runs the probe as root (`script_user root`), and the probe runs
the program, so the program now runs as root under keepalived, for every
real server at every check.  keepalived's `enable_script_security` checks
only the probe's own path, so the probe applies the same rules to the
program before it runs it: an absolute path, and the program and every
directory above it owned by root and not writable by anyone else (a group
other than root, or everyone; a sticky directory such as `/tmp` excepted),
links resolved.  Otherwise it refuses, logs why (stderr and syslog) and the
check fails.  nanny also ran programs as root, but looked a bare name up in
`PATH` and ran whatever it found: such a program now fails every check.

## Example
```
send_program = "check-db %h"       # refused: write /usr/local/bin/check-db
```
""")

REGEX_COST = convert_code("LVS725", "costly-regex-not-converted", ERROR, "an expect regex lvscf-probe would match at too high a cost", """\
## What it reports
A `use_regex` check whose `expect` can exhaust the director (the checker's
LVS521: more than 1000 nodes once counted repetitions are written out, a
back-reference inside a repetition or to a group inside one, back-references
with more than one variable-length repetition, groups nested more than 100
deep).

## Why it matters
keepalived starts one `lvscf-probe` per real server at every check, with no
memory limit of its own.  The probe would stop each match at its limit and
fail the check, so such a check takes the servers out of the pool and keeps
the director busy; nanny would have spent seconds and gigabytes per check.
lvscf writes no file: simplify the expression.

## Example
```
use_regex = 1
expect = "((a{1,100}){1,100}){1,100}"
```
""")

ALL = (UNSAFE_VALUE, HOST_NAME, FOS_NOT_CONVERTED, EMPTY_VIRTUAL, DUPLICATE_SERVICE, DUPLICATE_REAL, REENTRY,
       SLOW_START, LOAD_MONITOR, CHECK_APPROXIMATED, CHECK_NOT_REPRODUCED, PROBE, SCRIPTS, HEARTBEAT,
       PRIVATE_HEARTBEAT, SINGLE_DIRECTOR, VRRP_INTERFACE, CLASSFUL_MASK, BIG_WEIGHT, CLIENT_MONITOR,
       PROGRAM_TIMEOUT, LINK_FAILOVER, VRRP_MULTICAST, PROGRAM_AS_ROOT,
       REGEX_COST)

# -- what the IPVS table shared with the ipvsadm converter decides, and the empty file ---------------

NOTHING_TO_CONVERT = convert_code("LVS730", "nothing-to-convert", WARNING, "no virtual is active: the keepalived.conf has no virtual server and no VRRP instance", """\
## What it reports
An lvs.cf with `service = lvs` and no active virtual block: every virtual
has `active = 0`, or there is none (a stock sample with every statement
commented out is one).

## Why it matters
pulse exits at start ("no active lvs services defined"), so Piranha ran
nothing.  The converted keepalived.conf holds only `global_defs`: keepalived
starts, runs no VRRP instance and programs no IPVS service, which is rarely
what a migration wants.  The file is still written (it is what the lvs.cf
says), but not silently.

## Example
```
virtual www {
     active = 0
     ...
}
```
""")

SERVER_REJECTED = convert_code("LVS731", "real-server-never-added", ERROR, "nanny's ipvsadm -a fails for an active real server: not converted (or left out when hard_shutdown = 0)", """\
## What it reports
An active real server of an active virtual that the kernel or ipvsadm
refuses as an IPVS destination: an address that is not unicast (0.0.0.0,
which Piranha reads for an unset or unreadable address, a multicast or a
broadcast address), a port outside 0-65535, or a second server that becomes
the same destination as an earlier one (DR and TUN force the virtual's port).
It is the same decision, in the same words, as the ipvsadm converter's
LVS617 and LVS618: both converters take it from one function.

## Why it matters
nanny's `ipvsadm -a` fails and nanny exits.  With `hard_shutdown = 1` (the
default) lvsd then shuts the whole LVS down, so Piranha never ran this
cluster: the conversion is refused (an error), because a keepalived.conf
would program a table the kernel refuses (keepalived -t does not notice).
With `hard_shutdown = 0` lvsd carried on without the server, and so does
the keepalived.conf: the server is left out (a warning).

## Example
```
server web1 {
     address = {{ rs.ip }}
     active = 1
}
```
""")

VIP_UNSET = convert_code("LVS732", "virtual-server-on-unset-vip", WARNING, "an active virtual without an address becomes a virtual server on 0.0.0.0", """\
## What it reports
An active virtual without `fwmark` whose `address` is missing or unreadable
(a template placeholder, for one), which Piranha reads as 0.0.0.0.

## Why it matters
lvsd created the IPVS service 0.0.0.0:PORT, and so does keepalived from
`virtual_server 0.0.0.0 PORT`: a service no client ever reaches, with no
address to bring up on the director.  The ipvsadm converter reports the same
service as LVS619.

## Example
```
virtual www {
     active = 1
     port = 80
     ...
}
```
""")

ALL += (NOTHING_TO_CONVERT, SERVER_REJECTED, VIP_UNSET)
