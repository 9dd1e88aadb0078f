"""Input size: every shape of input costs time and memory in proportion to its size, and
lvscf refuses what is larger than it reads (README, "Input size and time").

Growth is measured without a clock: the lines of lvscf's own code executed (a trace
function counts them) and the peak of the memory allocated (tracemalloc), at a size
and at twice that size.  Linear work doubles; the quadratic spots these shapes once
hit (a scan of the rest of the file per line) grew fourfold.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lvscf
import lvscf.validate
from lvscf.api import MAX_BYTES, MAX_LINES
from lvscf.cli import app
from lvscf.report.text import full

PACKAGE = str(Path(lvscf.__file__).resolve().parent)

# The pathological shapes of benchmarks/bench_pathological.py, n lines (or words).
SHAPES = {
    "nested": lambda n: "".join(f"virtual v{i} {{\n" for i in range(n)),
    "closers": lambda n: "}\n" * n,
    "servers": lambda n: "virtual v {\n" + "".join(f"     server s{i} {{\n" for i in range(n)),
    "errors": lambda n: "virtual v {\n" + "     bogus = 1\n" * n + "}\n",
    "foreign": lambda n: "x {\n" * n,
    "openers": lambda n: "virtual v\n" * n,
    "quotes": lambda n: '" ' * (50 * n) + "\n",
    "dirs": lambda n: "virtual v {\n     dirs = [ " + "d " * (50 * n) + "]\n}\n",
    "crlf": lambda n: "serial_no = 1\r\nbogus = 1\r\n" * (n // 2),
    "glued": lambda n: "serial_no = 1\n" * n + "\r\n",
    "suppressions": lambda n: "virtual v {\n" + "     # lvscf: disable=LVS005\n     bogus = 1\n" * n + "}\n",
    "directives-first": lambda n: "# lvscf: disable=all\n" * n + "bogus = 1\n" * n,
}


def check_full(text: str) -> str:
    """What `lvscf check --format full` computes."""
    result = lvscf.loads(text, "lvs.cf")
    return full(lvscf.validate.check(result), lambda d: result.source)


def lines_executed(text: str) -> int:
    """Lines of lvscf (and of this module, for the test of the measure itself) executed."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):
        name = frame.f_code.co_filename
        return local if name.startswith(PACKAGE) or name == __file__ else None

    sys.settrace(tracer)
    try:
        check_full(text)
    finally:
        sys.settrace(None)
    return count


def peak_memory(text: str) -> int:
    tracemalloc.start()
    try:
        check_full(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module", autouse=True)
def warm():
    check_full("virtual v {\n     active = 1\n     bogus = 1\n}\n")  # imports and caches first


@pytest.mark.parametrize("shape", SHAPES)
def test_work_grows_linearly(shape):
    make = SHAPES[shape]
    small, large = lines_executed(make(300)), lines_executed(make(600))
    assert large / small < 2.3, (small, large)


@pytest.mark.parametrize("shape", SHAPES)
def test_memory_grows_linearly(shape):
    make = SHAPES[shape]
    small, large = peak_memory(make(1000)), peak_memory(make(2000))
    assert large / small < 2.3, (small, large)


def test_the_growth_measure_sees_a_quadratic_scan(monkeypatch):
    # The scan that _collapse_foreign_blocks once made from every `x {` line to the end.
    from lvscf.parse import syntax_errors

    original = syntax_errors._Walker._collapse_foreign_blocks

    def scanning(self, items):
        for i in range(len(items)):
            for _ in items[i + 1:]:
                pass
        return original(self, items)

    monkeypatch.setattr(syntax_errors._Walker, "_collapse_foreign_blocks", scanning)
    small, large = lines_executed(SHAPES["foreign"](300)), lines_executed(SHAPES["foreign"](600))
    assert large / small > 2.3  # what test_work_grows_linearly allows


def test_diagnostics_of_one_code_are_capped_and_the_last_says_how_many_more():
    diagnostics = lvscf.validate.check(lvscf.loads("}\n" * 250))
    assert len(diagnostics) == 100 and {d.code for d in diagnostics} == {"LVS016"}
    assert [d.line for d in diagnostics] == list(range(1, 101))
    assert diagnostics[-1].message == ("`}` closes no block (and 150 more LVS016 after it in this file: lvscf "
                                       "reports the first 100 diagnostics of each code in a file)")
    assert "more" not in diagnostics[-2].message


def test_rule_findings_are_capped_too():
    servers = "".join(f"     server s{i} {{\n         address = 10.0.0.{i % 250 + 1}\n     }}\n" for i in range(150))
    text = f"primary = 10.0.0.1\nvirtual v {{\n     active = 1\n     address = 10.1.0.1 eth0:1\n{servers}}}\n"
    inactive = [d for d in lvscf.validate.check(lvscf.loads(text)) if d.code == "LVS310"]
    assert len(inactive) == 100 and "(and 50 more LVS310 after it" in inactive[-1].message


def test_unused_suppressions_are_capped():
    text = "serial_no = 1\n" + "# lvscf: disable=LVS005\nserial_no = 1\n" * 150
    unused = [d for d in lvscf.validate.check(lvscf.loads(text)) if d.code == "LVS901"]
    assert len(unused) == 100 and "(and 50 more LVS901" in unused[-1].message


def test_suppressions_keep_their_meaning():
    text = ("serial_no = 1\n# lvscf: disable=LVS005\nbogus = 1\nbogus = 2\n"
            "# lvscf: disable=unknown-keyword\n# lvscf: disable=LVS005\nvirtual v {\n     bogus = 3\n}\n"
            "# lvscf: disable=LVS016\n")
    found = [(d.code, d.line) for d in lvscf.validate.check(lvscf.loads(text)) if d.code in ("LVS005", "LVS901")]
    assert found == [("LVS005", 4), ("LVS901", 10)]


@pytest.mark.parametrize("text", ["\n" * MAX_LINES, "x" * (MAX_BYTES - 1) + "\n"])
def test_a_file_at_the_limits_is_read(text):
    assert all(d.code != "LVS021" for d in lvscf.loads(text).diagnostics)


@pytest.mark.parametrize("data, why", [
    (b"\n" * (MAX_LINES + 1), "1,500,001 lines"),
    (b"}\r\n" * (MAX_LINES + 1), "1,500,001 lines"),
    (b"x" * (MAX_BYTES + 1), "33,554,433 bytes"),
    ("x" * (MAX_BYTES + 1), "33,554,433 characters"),
])
def test_a_larger_file_is_not_read(data, why):
    result = lvscf.loads(data, "big.cf")
    [diagnostic] = lvscf.validate.check(result)
    assert diagnostic.code == "LVS021" and diagnostic.severity is lvscf.Severity.ERROR
    assert why in diagnostic.message and "it read nothing of it" in diagnostic.message
    assert result.config == lvscf.loads("").config
    assert lvscf.dumps(result) == (data if isinstance(data, str) else data.decode())  # nothing is lost
    with pytest.raises(lvscf.UnrepresentableError):
        lvscf.dumps(result, canonical=True)


def test_a_file_larger_than_the_limit_is_not_read_into_memory(tmp_path):
    path = tmp_path / "big.cf"
    path.write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(lvscf.InputError, match="too large"):
        lvscf.load(path)
    with open(path, "rb") as handle, pytest.raises(lvscf.InputError, match="too large"):
        lvscf.load(handle)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "too large: lvscf reads files of up to 32 MiB" in result.stderr


@pytest.mark.parametrize("args", [["check", "-"], ["convert", "--to", "json", "-"], ["fmt", "-"]])
def test_commands_refuse_a_file_with_too_many_lines(args):
    result = CliRunner().invoke(app, args, input=b"}\n" * (MAX_LINES + 1))
    assert result.exit_code == 1 and "LVS021" in result.stderr + result.stdout
