"""How fast lvscf reads lvs.cf: lines/s and peak memory, next to a raw Lark parse.

    python benchmarks/bench_parse.py              # 100,000-line file, plus 10,000 for growth
    python benchmarks/bench_parse.py --lines 50000 --repeat 5

Every figure is measured in a fresh process (best of --repeat runs), so peak
memory (ru_maxrss) belongs to that measurement alone.  Stages:

* lark-tree:   Lark's own LALR parse of the same grammar into a parse tree (no lvscf code);
* parse:       lvscf's syntax layer (nodes with spans, recovery, syntax diagnostics);
* load:        lvscf.loads(): parse + typed model + all diagnostics (what the target is about);
* check:       lvscf.loads() then every rule (`lvscf check` without the output);
* cold CLI:    `lvscf convert --to json` on the 44-line tutorial example, whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, virtuals_for  # noqa: E402

STAGES = {
    "lark-tree": "from lvscf.parse.grammar import build_parser\np = build_parser()\nrun = lambda t: p.parse(t)",
    "parse": "from lvscf.parse import parse\nrun = lambda t: parse(t)",
    "load": "import lvscf\nrun = lambda t: lvscf.loads(t)",
    "check": "import lvscf, lvscf.validate\nrun = lambda t: lvscf.validate.check(lvscf.loads(t))",
}

CHILD = """
import json, resource, sys, time
{setup}
text = open(sys.argv[1], encoding="utf-8").read()
run(text)  # build the parser and warm up
best = min((lambda t0: (run(text), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(int(sys.argv[2])))
print(json.dumps({{"seconds": best, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(stage: str, path: str, repeat: int) -> dict:
    code = CHILD.format(setup=STAGES[stage])
    out = subprocess.run([sys.executable, "-c", code, path, str(repeat)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return json.loads(out)


def cold_cli(repeat: int) -> float:
    """Median wall time of a whole `lvscf convert --to json` process on the tutorial.

    pip compiles a package's bytecode when it installs it, so this is measured
    with bytecode allowed, after one run that writes it (in a source checkout
    with PYTHONDONTWRITEBYTECODE=1, Python instead compiles lvscf's modules on
    every run: about 18 ms more).
    """
    example = ROOT / "examples" / "lvs-nat-tutorial.cf"
    lvscf = Path(sys.executable).with_name("lvscf")
    command = [str(lvscf)] if lvscf.exists() else [sys.executable, "-m", "lvscf"]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run = [*command, "convert", "--to", "json", str(example)]
    subprocess.run(run, capture_output=True, check=True, env=env)  # writes the bytecode
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(run, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"lvscf benchmark: Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lines in (args.lines // 10, args.lines):
            text = generate(virtuals_for(lines, args.servers), args.servers)
            path = os.path.join(tmp, f"{lines}.cf")
            Path(path).write_text(text, encoding="utf-8")
            count = text.count("\n")
            print(f"\n{count:,} lines, {len(text) / 1e6:.1f} MB ({virtuals_for(lines, args.servers)} virtuals x "
                  f"{args.servers} servers)")
            for stage in STAGES:
                r = measure(stage, path, args.repeat)
                results[(stage, lines)] = r
                print(f"  {stage:10s} {r['seconds']:7.3f} s  {count / r['seconds']:10,.0f} lines/s  "
                      f"peak {r['peak_mb']:6.1f} MB")
    small, big = args.lines // 10, args.lines
    growth = results[("load", big)]["seconds"] / results[("load", small)]["seconds"]
    print(f"\ngrowth: 10x the lines costs {growth:.1f}x the time for load (target: at most 11x)")
    ratio = results[("check", big)]["seconds"] / results[("load", big)]["seconds"]
    print(f"check: {ratio:.2f}x the time of load on {big:,} lines (target: at most 1.3x)")
    runs = max(21, args.repeat)
    print(f"cold CLI: `lvscf convert --to json` on the 44-line tutorial, median of {runs} processes: "
          f"{cold_cli(runs) * 1000:.0f} ms (target: under 100 ms)")


if __name__ == "__main__":
    main()
