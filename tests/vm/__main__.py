"""The harness from the command line, for trying things in the VM by hand:

    .venv/bin/python tests/vm [--lvscf] [--python] [--keepalived] [--timeout S] [--out DIR]
                              [--file NAME=PATH ...] SCRIPT      run SCRIPT (a file, or - for stdin)
    .venv/bin/python tests/vm build [--lvscf] [--python] [--keepalived]   build the cache, print it

The script's stdout and stderr are printed, the files it wrote to $VM_OUT go to --out, and the
exit status is the script's (2: the VM failed).  See tests/vm/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python tests/vm`: make the package importable by its name
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import vm  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/vm", description="Run a script in lvscf's test VM.")
    parser.add_argument("script", help="the /bin/sh script to run (- for stdin), or `build`")
    parser.add_argument("--python", action="store_true", help="this machine's python3 in the VM")
    parser.add_argument("--lvscf", action="store_true", help="the checkout's lvscf (and python3) in the VM")
    parser.add_argument("--keepalived", action="store_true", help="this machine's keepalived in the VM")
    parser.add_argument("--timeout", type=float, default=300, help="the script's limit in seconds (300)")
    parser.add_argument("--file", action="append", default=[], metavar="NAME=PATH",
                        help="a host file or directory, as $VM_IN/NAME (or at NAME when absolute)")
    parser.add_argument("--out", type=Path, help="write the files the script left in $VM_OUT here")
    args = parser.parse_args(argv)
    try:
        if args.script == "build":
            ready = vm.prepare(python=args.python, keepalived=args.keepalived, lvscf=args.lvscf)
            print(json.dumps({"cache": ready["cache"], "kernel": ready["kernel"]["release"],
                              "image": ready["kernel"]["image"], "accel": ready["accel"], "built": ready["built"],
                              "pieces": {p.path.name: p.size for p in ready["pieces"]}}, indent=1))
            return 0
        script = sys.stdin.read() if args.script == "-" else Path(args.script).read_text()
        files = {}
        for spec in args.file:
            name, sep, path = spec.partition("=")
            if not sep:
                parser.error(f"--file {spec}: expected NAME=PATH")
            files[name] = Path(path)
        result = vm.boot(script, files, python=args.python, lvscf=args.lvscf, keepalived=args.keepalived,
                         timeout=args.timeout)
    except vm.VmError as exc:
        print(f"tests/vm: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if args.out:
        for name, data in result.files.items():
            target = args.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    print(result.summary() + (" (the script ran past its limit)" if result.timed_out else ""), file=sys.stderr)
    return result.rc


if __name__ == "__main__":
    sys.exit(main())
