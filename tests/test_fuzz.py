"""Arbitrary and mutated input: the API raises nothing but lvscf's own errors, the CLI never
prints a traceback, and every byte survives the lossless round trip."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import lvscf
from conftest import corpus_files
from lvscf.cli import app
from lvscf.source import encode

SEEDS = [p.read_bytes() for p in corpus_files()]
# Bytes that matter to the tokenizer, mixed into mutations more often than chance would.
INTERESTING = st.sampled_from([b" ", b"\t", b"\n", b"\r", b"\r\n", b'"', b"'", b"#", b"=", b"{", b"}", b"[", b"]",
                               b"\0", b"\xc2\xa0", b"\xff", b"virtual x {\n", b"server y {\n", b"}\n", b"port = 80\n"])


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(INTERESTING | st.binary(min_size=1, max_size=4))
        if action == "insert":
            data[pos:pos] = chunk
        elif action == "delete":
            del data[pos:pos + len(chunk)]
        else:
            data[pos:pos + len(chunk)] = chunk
    return bytes(data)


def exercise(data: bytes) -> None:
    result = lvscf.loads(data, "fuzz.cf")
    assert encode(lvscf.dumps(result)) == data
    assert encode(lvscf.dumps(result.config)) == data
    for d in result.diagnostics:
        assert d.line >= 1 and d.column >= 1 and (d.end_line, d.end_column) >= (d.line, d.column)
        assert d.message and d.code.startswith("LVS")
    try:
        formatted = lvscf.dumps(result, canonical=True)
    except lvscf.LvscfError:
        return
    assert lvscf.loads(formatted).config == result.config


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus_files(data):
    exercise(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data):
    exercise(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(" \t\n\r\"'#={}[]ab0") + ["virtual", "server", "port", "address", "dirs"]),
                max_size=80))
def test_random_token_soup(pieces):
    exercise(encode("".join(pieces)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_cli_never_raises(data):
    runner = CliRunner()
    for args in (["convert", "--to", "json", "-"], ["convert", "--to", "lvs", "--force", "-"], ["fmt", "-"]):
        result = runner.invoke(app, args, input=data)
        assert result.exit_code in (0, 1), (args, result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_cli_process_on_binary_junk_prints_no_traceback(tmp_path):
    junk = tmp_path / "junk.cf"
    junk.write_bytes(bytes(range(256)) * 4 + b'\n"\0{')
    for args in (["convert", "--to", "json", str(junk)], ["fmt", "--check", str(junk)]):
        proc = subprocess.run([sys.executable, "-m", "lvscf", *args], capture_output=True, timeout=60)
        assert proc.returncode in (0, 1)
        assert b"Traceback" not in proc.stderr and proc.stderr
