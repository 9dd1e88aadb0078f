"""Pathological inputs: time and memory must grow linearly with the input.

    python benchmarks/bench_pathological.py                      # every shape at 2,500 to 20,000
    python benchmarks/bench_pathological.py --shapes nested,quotes --sizes 10000,20000,40000

Each shape is generated at doubling sizes (lines, or words for the one-line shapes) and
run as `lvscf check --format full` runs it (load, every rule, the full rendering), in a
fresh process, best of --repeat.  The table shows the CPU time of that process (less
disturbed than wall time on a busy machine) per line (or word), peak memory, and the
growth from the previous size: for a linear cost, time x2 and memory (above the
interpreter's own) x2 at each doubling.  A quadratic cost shows as x4.  Sizes must stay
within what lvscf reads (1,500,000 lines, 32 MiB): larger inputs are refused at once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# shape -> (what one unit is, Python expression of the text for n units)
SHAPES = {
    "nested": ("line", '"".join(f"virtual v{i} {{\\n" for i in range(n))'),  # blocks never closed
    "closers": ("line", '"}\\n" * n'),  # a closing brace that closes nothing, on every line
    "quotes": ("word", '"\\" " * n + "\\n"'),  # one line of lone quotes
    "words": ("word", '"serial_no = " + "x " * n + "\\n"'),  # one line of many words
    "dirs": ("word", '"virtual v {\\n     dirs = [ " + "d " * n + "]\\n}\\n"'),
    "servers": ("line", '"virtual v {\\n" + "".join(f"     server s{i} {{\\n" for i in range(n))'),
    "errors": ("line", '"virtual v {\\n" + "     bogus = 1\\n" * n + "}\\n"'),  # unknown keywords
    "foreign": ("line", '"x {\\n" * n'),  # keepalived-style blocks, never closed
    "openers": ("line", '"virtual v\\n" * n'),  # openers without their brace
    "crlf": ("line", '"serial_no = 1\\r\\nbogus = 1\\r\\n" * (n // 2)'),
    "glued": ("line", '"serial_no = 1\\n" * n + "\\r\\n"'),  # one CR at the end glues every line
    "suppressions": ("line",  # a suppression above every bad line
                     '"virtual v {\\n" + "     # lvscf: disable=LVS005\\n     bogus = 1\\n" * (n // 2) + "}\\n"'),
    "blank": ("line", '"serial_no = 1\\n" + "\\n" * n'),
    "comments": ("line", '"#\\n" * n + "serial_no = 1\\n"'),
    "gui": ("line", "generate(virtuals_for(n, 6), 6)"),  # a valid file in the GUI's layout
}

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
from generate import generate, virtuals_for
import lvscf, lvscf.validate
from lvscf.report.text import full
n = int(sys.argv[1])
text = {expr}
lvscf.validate.check(lvscf.loads("virtual v {{\\n}}\\n"))  # import and build everything first
best = None
for _ in range(int(sys.argv[2])):
    t0 = time.process_time()
    result = lvscf.loads(text, "lvs.cf")
    out = full(lvscf.validate.check(result), lambda d: result.source)
    seconds = time.process_time() - t0
    best = seconds if best is None else min(best, seconds)
    del result, out
print(json.dumps({{"seconds": best, "bytes": len(text.encode("utf-8", "surrogateescape")),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

BASELINE = """
import resource
import lvscf, lvscf.validate
from lvscf.report.text import full
lvscf.validate.check(lvscf.loads("virtual v {\\n}\\n"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def measure(shape: str, n: int, repeat: int) -> dict:
    code = CHILD.format(here=str(HERE), expr=SHAPES[shape][1])
    out = subprocess.run([sys.executable, "-c", code, str(n), str(repeat)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    parser.add_argument("--sizes", default="12500,25000,50000,100000", help="comma-separated, doubling")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = float(subprocess.run([sys.executable, "-c", BASELINE], capture_output=True, text=True, check=True,
                                cwd=ROOT).stdout)
    print(f"interpreter with lvscf loaded: {base:.0f} MB")
    print(f"{'shape':<12} {'size':>8} {'bytes':>10} {'time':>9} {'per unit':>11} {'x time':>7} "
          f"{'peak':>8} {'x mem':>6} {'mem/byte':>9}")
    for shape in args.shapes.split(","):
        unit = SHAPES[shape][0]
        previous = None
        for n in sizes:
            m = measure(shape, n, args.repeat)
            above = max(m["peak_mb"] - base, 0.01)
            growth = mem = ""
            if previous is not None:
                growth = f"{m['seconds'] / previous['seconds']:.2f}"
                mem = f"{above / max(previous['peak_mb'] - base, 0.01):.2f}"
            print(f"{shape:<12} {n:>8} {m['bytes']:>10} {m['seconds']:>8.3f}s {m['seconds'] / n * 1e6:>7.1f} us/"
                  f"{unit[0]} {growth:>7} {m['peak_mb']:>6.0f}MB {mem:>6} {above * 2**20 / m['bytes']:>9.1f}")
            previous = m


if __name__ == "__main__":
    main()
