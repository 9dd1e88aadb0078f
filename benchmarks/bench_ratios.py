"""The speed figures users feel, as ratios taken in one run (issue "Speed where users feel it").

    python benchmarks/bench_ratios.py                  # installs lvscf into a temporary venv first
    python benchmarks/bench_ratios.py --venv DIR       # reuse a venv that has `pip install .` of this tree
    python benchmarks/bench_ratios.py --pairs 21 --lines 105000 --big-lines 1050000
    python benchmarks/bench_ratios.py --piranha PATH   # also against Piranha's own parser (a binary
                                                       # you built, run as `PATH FILE`)

These shared machines vary 2-3x in absolute speed from one session to the next, so
every figure is a ratio of medians of paired runs, A B A B ..., taken in one run of
this script: lvscf against `python -c "import lark, attrs"` (the floor of the
mandated dependencies), against `python -S -c pass` (the interpreter alone) and
against `keepalived -t` on the keepalived.conf lvscf writes for the same cluster.

lvscf is measured as a user has it: `pip install .` into a fresh venv, so the
bytecode is compiled at install time (in an editable install with
PYTHONDONTWRITEBYTECODE=1, as on these machines, every module is recompiled on every
run instead).  `keepalived -t` runs inside a network namespace that has the
interfaces the file names (so it needs root and iproute2; without them that figure is
left out and the script says so).

The last part splits a small `check` into interpreter start, imports (by top-level
package, from `python -X importtime`) and the rest.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, virtuals_for  # noqa: E402

EXAMPLE = ROOT / "examples" / "lvs-nat-tutorial.cf"
_IFACES = re.compile(r"(?m)(?:^\s*interface|\bdev|^\s*lvs_sync_daemon)\s+(\S+)")


def wall_and_rss(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one child process (its own rusage, via wait4).

    A figure is only worth having for a run that did the whole job, so any exit status
    but 0 and 1 (lvscf's "problems found", the probe's "down") stops the benchmark;
    `keepalived -t` exits 5 on a mere warning, which would make its time meaningless.
    """
    t0 = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - t0
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(command)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def paired(commands: dict[str, Sequence[str]], pairs: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time of each command, run interleaved A B C A B C ... so drift hits all alike."""
    for command in commands.values():  # warm the page cache and any bytecode
        wall_and_rss(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(pairs):
        for name, command in commands.items():
            times[name].append(wall_and_rss(command, env)[0])
    return {name: statistics.median(values) for name, values in times.items()}


def install(venv: Path) -> Path:
    """A user's install: `pip install .` of this tree into a fresh venv."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], check=True)
    return venv / "bin"


class HttpOnce:
    """A loopback server answering every connection with an HTTP status line, for the probe."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
                except OSError:
                    pass


class Namespace:
    """A network namespace with the interfaces a keepalived.conf names, for `keepalived -t`."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.name = f"lvscf-bench-{os.getpid()}"
        subprocess.run(["ip", "netns", "add", self.name], check=True, capture_output=True)
        names = sorted({n.split(":")[0] for text in texts for n in _IFACES.findall(text)})
        for i, name in enumerate(names):
            subprocess.run(["ip", "-n", self.name, "link", "add", name, "type", "veth", "peer", "name", f"bp{i}"],
                           check=True, capture_output=True)
            subprocess.run(["ip", "-n", self.name, "link", "set", name, "up"], check=True, capture_output=True)

    def wrap(self, command: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *command]

    def close(self) -> None:
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


def keepalived_binary() -> str | None:
    found = shutil.which("keepalived") or "/usr/sbin/keepalived"
    usable = os.path.exists(found) and os.geteuid() == 0 and shutil.which("ip")
    return found if usable else None


def ratio_line(label: str, value: float, target: str = "") -> None:
    print(f"  {label:<64} {value:6.2f}x" + (f"   (target {target})" if target else ""))


def cold_start(bin_dir: Path, pairs: int) -> None:
    python = str(bin_dir / "python")
    lvscf = str(bin_dir / "lvscf")
    floor = [python, "-c", "import lark, attrs"]
    bare = [python, "-S", "-c", "pass"]
    commands = {
        "check": [lvscf, "check", str(EXAMPLE)],
        "version": [lvscf, "--version"],
        "help": [lvscf, "--help"],
        "rules": [lvscf, "rules"],
        "rule": [lvscf, "rule", "LVS304"],
        "floor": floor,
        "bare": bare,
    }
    medians = paired(commands, pairs)
    print(f"\ncold start, medians of {pairs} interleaved runs:")
    ratio_line("`lvscf check` (44-line tutorial) / `python -c 'import lark, attrs'`",
               medians["check"] / medians["floor"], "<= 1.2x")
    ratio_line("`lvscf check` (44-line tutorial) / `python -S -c pass`", medians["check"] / medians["bare"])
    for name in ("version", "help", "rules", "rule"):
        ratio_line(f"`lvscf {name}` / `python -c 'import lark, attrs'`", medians[name] / medians["floor"])
    for name, module in (("--version", "lark"), ("rules", "lark"), ("--help", "lark")):
        loaded = subprocess.run([python, "-X", "importtime", "-m", "lvscf", *name.split()],
                                capture_output=True, text=True).stderr
        imported = re.search(rf"\|\s+{module}$", loaded, re.M) is not None
        print(f"  `lvscf {name}` imports {module}: {'yes' if imported else 'no'}")


def probe(bin_dir: Path, pairs: int) -> None:
    server = HttpOnce()
    probe_path = str(bin_dir / "lvscf-probe")
    python = str(bin_dir / "python")
    with tempfile.TemporaryDirectory() as state:
        check = [probe_path, "-h", "127.0.0.1", "-p", "80", "-r", str(server.port), "-t", "6", "-a", "15",
                 "--send=GET%20/%20HTTP/1.0%5Cr%5Cn%5Cr%5Cn", "--expect=HTTP", "--no-ping", "--state-dir", state]
        medians = paired({"probe": check, "bare": [python, "-S", "-c", "pass"],
                          "site": [python, "-c", "pass"]}, pairs)
        cpu = _cpu_seconds(check, 9)
    print(f"\nlvscf-probe, one HTTP check against a loopback server, medians of {pairs} interleaved runs:")
    ratio_line("one check / `python -S -c pass`", medians["probe"] / medians["bare"], "<= 2x")
    ratio_line("one check / `python -c pass`", medians["probe"] / medians["site"])
    # keepalived starts one probe per real server every delay_loop (6 s by default): 10 a minute.
    print(f"  CPU per real server per minute at delay_loop 6: {cpu * 10 * 1000:.0f} ms "
          f"({cpu * 10 / 60 * 100:.2f}% of one core)")


def _cpu_seconds(command: Sequence[str], runs: int) -> float:
    values = []
    for _ in range(runs):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        values.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(values)


def throughput(bin_dir: Path, pairs: int, lines: int, big_lines: int, servers: int, piranha: str | None) -> None:
    lvscf = str(bin_dir / "lvscf")
    keepalived = keepalived_binary()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for count in (lines, big_lines):
            path = Path(tmp, f"{count}.cf")
            path.write_text(generate(virtuals_for(count, servers), servers), encoding="utf-8")
            conf = Path(tmp, f"{count}.conf")
            subprocess.run([lvscf, "convert", "--to", "keepalived", "--checks", "native", "-q", "-o", str(conf),
                            str(path)], check=True)
            files[count] = (path, conf)
        path, conf = files[lines]
        commands: dict[str, Sequence[str]] = {
            "check": [lvscf, "check", "--format", "json", str(path)],
            "convert": [lvscf, "convert", "--to", "keepalived", "-q", "-o", str(Path(tmp, "out.conf")), str(path)],
            "fmt": [lvscf, "fmt", "--check", str(path)],
        }
        namespace = Namespace([conf.read_text(), files[big_lines][1].read_text()]) if keepalived else None
        try:
            if namespace and keepalived:
                commands["keepalived"] = namespace.wrap([keepalived, "-t", "-f", str(conf)])
            if piranha:
                commands["piranha"] = [piranha, str(path)]
            medians = paired(commands, max(3, pairs // 3))
            print(f"\nthroughput on {lines:,} lines ({virtuals_for(lines, servers)} virtuals x {servers} servers), "
                  f"medians of {max(3, pairs // 3)} interleaved runs:")
            if "keepalived" in medians:
                ratio_line("`lvscf check --format json` / `keepalived -t` on the converted file",
                           medians["check"] / medians["keepalived"], "<= 7x")
            else:
                print("  keepalived -t: left out (needs keepalived, iproute2 and root)")
            if "piranha" in medians:
                ratio_line("`lvscf check --format json` / Piranha's own parser", medians["check"] / medians["piranha"],
                           "< 1x")
            ratio_line("`lvscf convert --to keepalived` / `lvscf check`", medians["convert"] / medians["check"],
                       "<= 1.3x")
            ratio_line("`lvscf fmt --check` / `lvscf check`", medians["fmt"] / medians["check"], "<= 1.3x")
            big, big_conf = files[big_lines]
            _, rss = wall_and_rss([lvscf, "check", "--format", "json", str(big)])
            print(f"\npeak memory on {big_lines:,} lines:")
            if namespace and keepalived:
                _, krss = wall_and_rss(namespace.wrap([keepalived, "-t", "-f", str(big_conf)]))
                # `ip netns exec` execs keepalived in place, so this rusage is keepalived's own
                ratio_line("`lvscf check` peak RSS / `keepalived -t` peak RSS", rss / krss, "<= 3x")
            print(f"  lvscf check: {rss * 1024 * 1024 / big.read_text().count(chr(10)):.0f} bytes a line")
            small_t = statistics.median(wall_and_rss(commands["check"])[0] for _ in range(3))
            big_t = statistics.median(wall_and_rss([lvscf, "check", "--format", "json", str(big)])[0] for _ in range(3))
            ratio_line(f"time growth, {big_lines // lines}x the lines", big_t / small_t,
                       f"about {big_lines // lines}x: linear")
        finally:
            if namespace:
                namespace.close()


def profile_split(bin_dir: Path, runs: int) -> None:
    """Where a small `check` spends its time: start-up, imports by package, the rest."""
    python = str(bin_dir / "python")
    totals: dict[str, list[float]] = {}
    walls, bares = [], []
    for _ in range(runs):
        bares.append(wall_and_rss([python, "-S", "-c", "pass"])[0])
        t0 = time.perf_counter()
        stderr = subprocess.run([python, "-X", "importtime", "-m", "lvscf", "check", str(EXAMPLE)],
                                capture_output=True, text=True).stderr
        walls.append(time.perf_counter() - t0)
        by_package: dict[str, float] = {}
        for match in re.finditer(r"^import time:\s+(\d+) \|\s+\d+ \|(\s*)(\S+)$", stderr, re.M):
            self_us, _, module = match.groups()
            top = module.split(".")[0]
            by_package[top] = by_package.get(top, 0.0) + int(self_us) / 1e6
        for top, seconds in by_package.items():
            totals.setdefault(top, []).append(seconds)
    wall = statistics.median(walls)
    print(f"\nprofile of a small `lvscf check` (-X importtime, medians of {runs} runs; importtime itself adds cost):")
    print(f"  interpreter start (python -S -c pass) {statistics.median(bares) / wall * 100:5.1f}%")
    imports = 0.0
    for top, values in sorted(totals.items(), key=lambda item: -statistics.median(item[1]))[:8]:
        share = statistics.median(values)
        imports += share
        print(f"  import {top:<30} {share / wall * 100:5.1f}%")
    print(f"  everything else                      {max(0.0, 1 - imports / wall - statistics.median(bares) / wall) * 100:5.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, help="a venv with `pip install .` of this tree (default: make one)")
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument("--lines", type=int, default=105_000)
    parser.add_argument("--big-lines", type=int, default=1_050_000)
    parser.add_argument("--servers", type=int, default=12)
    parser.add_argument("--piranha", help="Piranha's parser, run as `PIRANHA FILE` (you build it yourself)")
    parser.add_argument("--only", choices=("start", "probe", "throughput", "profile"), action="append")
    args = parser.parse_args()
    parts: dict[str, Callable[[Path], None]] = {
        "start": lambda b: cold_start(b, args.pairs),
        "probe": lambda b: probe(b, args.pairs),
        "throughput": lambda b: throughput(b, args.pairs, args.lines, args.big_lines, args.servers, args.piranha),
        "profile": lambda b: profile_split(b, 11),
    }
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = args.venv / "bin" if args.venv else install(Path(tmp, "venv"))
        version = subprocess.run([str(bin_dir / "python"), "-c", "import platform, lark, lvscf; "
                                  "print(platform.python_version(), lark.__version__, lvscf.__version__)"],
                                 capture_output=True, text=True, check=True).stdout.split()
        print(f"lvscf {version[2]} (pip install .), Python {version[0]}, lark {version[1]}, {os.cpu_count()} CPUs")
        for name in args.only or parts:
            parts[name](bin_dir)


if __name__ == "__main__":
    main()
