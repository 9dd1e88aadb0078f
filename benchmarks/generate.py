"""Generate a large, valid lvs.cf in the Piranha GUI's layout: N virtuals of M servers each.

    python benchmarks/generate.py --virtuals 2000 --servers 6 > big.cf   # about 100,000 lines
    python benchmarks/generate.py --lines 100000 > big.cf               # N chosen for the line count

Each virtual has the 14 keys the GUI writes for a new HTTP service, each server
the GUI's 4 keys (20 + 6*M lines per virtual).  VIPs, real-server addresses and
ports are all distinct, so the file is also realistic input for `lvscf check`.
"""

from __future__ import annotations

import argparse
import sys

GLOBALS = """\
serial_no = 1
primary = 192.168.0.10
service = lvs
rsh_command = ssh
backup_active = 1
backup = 192.168.0.11
heartbeat = 1
heartbeat_port = 539
keepalive = 6
deadtime = 18
network = nat
nat_router = 10.0.0.1 eth1:1
nat_nmask = 255.0.0.0
debug_level = NONE
"""


def virtual(v: int, servers: int) -> str:
    a, b = divmod(v, 250)
    lines = [
        f"virtual web{v} {{", "     active = 1", f"     address = 192.{168 + a % 64}.{b}.{1 + a // 64} eth0:1",
        "     vip_nmask = 255.255.255.0", f"     port = {80 + v % 1000}", '     send = "GET / HTTP/1.0\\r\\n\\r\\n"',
        '     expect = "HTTP"', "     use_regex = 0", "     load_monitor = none", "     scheduler = wlc",
        "     protocol = tcp", "     timeout = 6", "     reentry = 15", "     quiesce_server = 0",
    ]
    for s in range(servers):
        n = v * servers + s
        lines += [f"     server rs{v}_{s} {{", f"         address = 10.{n // 62500 % 250}.{n // 250 % 250}.{2 + n % 250}",
                  "         active = 1", f"         weight = {1 + s % 3}", "     }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate(virtuals: int, servers: int) -> str:
    return GLOBALS + "".join(virtual(v, servers) for v in range(virtuals))


def virtuals_for(lines: int, servers: int) -> int:
    per_virtual = 15 + 5 * servers
    return max(1, (lines - GLOBALS.count("\n")) // per_virtual)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--virtuals", type=int)
    parser.add_argument("--servers", type=int, default=6)
    parser.add_argument("--lines", type=int, help="choose --virtuals for about this many lines")
    args = parser.parse_args()
    virtuals = args.virtuals or virtuals_for(args.lines or 100_000, args.servers)
    sys.stdout.write(generate(virtuals, args.servers))


if __name__ == "__main__":
    main()
