"""Diagnostic codes of the model builder (LVS1xx): values Piranha's parser rejects."""

from __future__ import annotations

from ..diagnostics import Code, Severity

E, W = Severity.ERROR, Severity.WARNING

INTEGER_EXPECTED = Code("LVS101", "integer-expected", E, "not an integer as Piranha reads integers", """\
## What it does
Flags numeric keywords whose value C's `strtol` (base 0) does not read whole.

## Why is this bad?
Piranha stops with "integer expected".  Numbers may be decimal, `0x` hex or
`0`-prefixed octal, so `08` and `09` are errors too; units (`10s`) and
fractions are not numbers.  A real server's `port` takes no service name.

## Example
`timeout = 10s`.  Use instead: `timeout = 10`.
""")

BOOLEAN_EXPECTED = Code("LVS102", "boolean-expected", E, "a 0/1 switch with another value", """\
## What it does
Flags boolean keywords (`active`, `backup_active`, `quiesce_server`, ...) set to
anything but 0 or 1.

## Why is this bad?
Piranha stops with "boolean expected" for other numbers, and with "integer
expected" for words such as `yes`, `true` or `on`.

## Example
`active = yes`.  Use instead: `active = 1`.
""")

INVALID_CHOICE = Code("LVS103", "invalid-choice", E, "a value outside the keyword's fixed set", """\
## What it does
Flags `service`, `network`, `protocol`, `scheduler` and
`reservation_conflict_action` values Piranha does not know.

## Why is this bad?
Piranha stops with "invalid argument".  Values are lower case.  Piranha knows
only the schedulers lc, rr, wlc, wrr, lblc, lblcr, dh and sh: the newer kernel
schedulers (sed, nq, fo, ovf, mh, twos) are rejected.

## Example
`scheduler = sed`.  Use instead: `scheduler = wlc` (or migrate to keepalived,
which supports sed).
""")

UNKNOWN_SERVICE_NAME = Code("LVS104", "unknown-service-name", E, "a port given as an unknown service name", """\
## What it does
Flags a `port` or `heartbeat_port` written as a name that is not a TCP service
name.

## Why is this bad?
Piranha looks the name up in the director's /etc/services and stops with
"invalid argument" when it is missing.  lvscf uses a fixed table (Debian
netbase's TCP services) so that results do not depend on the machine.

## Example
`port = web`.  Use instead: `port = 80`.
""")

INVALID_ADDRESS = Code("LVS105", "invalid-address", E, "neither an IPv4 address nor a host name", """\
## What it does
Flags address values that glibc's `inet_aton` does not read and that cannot be
host names: `10.0.0.256`, `10.0.0.1:80`, IPv6 addresses, `sorry_server` host
names.

## Why is this bad?
Piranha stops with "invalid argument" (or "invalid host name or ip address" for
`sorry_server`, which takes no host names).  Piranha is IPv4-only.

## Example
`address = 10.0.0.2:8080`.  Use instead: `address = 10.0.0.2` and `port = 8080`.
""")

INVALID_NETMASK = Code("LVS106", "invalid-netmask", E, "a netmask inet_aton does not read", """\
## What it does
Flags `vip_nmask` and `nat_nmask` values that are not dotted addresses.

## Why is this bad?
Piranha stops with "Bad subnet mask specified".  Prefix lengths (`24`, `/24`) are
not accepted: `24` would even be read as the address 0.0.0.24.

## Example
`vip_nmask = /24`.  Use instead: `vip_nmask = 255.255.255.0`.
""")

ZERO_ADDRESS = Code("LVS107", "zero-address", E, "0.0.0.0 where Piranha requires a real address", """\
## What it does
Flags `primary`, `primary_private` and `backup_private` set to 0.0.0.0.

## Why is this bad?
Piranha stops with "invalid host name or ip address".  (`backup = 0.0.0.0` is
allowed: it is the GUI's "no backup director".)

## Example
`primary = 0.0.0.0`.  Use instead: the primary director's own address.
""")

DUPLICATE_KEY = Code("LVS108", "duplicate-key", W, "a keyword set twice in one block", """\
## What it does
Flags a keyword given more than once in the same block (or twice at the top
level).

## Why is this bad?
Piranha silently uses the last value, so the first line is dead and misleading;
the Piranha GUI keeps only one of them when it rewrites the file.

## Example
```
backup_active = 1
backup_active = 0
```
Use instead: keep the one line you mean.
""")

ALL = (INTEGER_EXPECTED, BOOLEAN_EXPECTED, INVALID_CHOICE, UNKNOWN_SERVICE_NAME, INVALID_ADDRESS, INVALID_NETMASK,
       ZERO_ADDRESS, DUPLICATE_KEY)
