"""Arbitrary and mutated input: the API raises nothing but lvscf's own errors, the CLI never
prints a traceback, and every byte survives the lossless round trip."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, example, given, settings
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


# Values that once reached Python limits or str.format: block names with braces (`server a{0} {`),
# integers of thousands of digits (Python refuses to convert more than 4300 decimal digits).
NAMES = st.text("{}0a%!r:", min_size=1, max_size=6).map(lambda n: n if " " not in n else f'"{n}"')
LONG_NUMBERS = st.builds(lambda sign, digit, count: sign + digit * count, st.sampled_from(["", "-", "+", "0x", "0"]),
                         st.sampled_from("01789f"), st.integers(1, 6000))
_NUMERIC = ["serial_no", "keepalive", "heartbeat_port", "tcp_timeout", "backup_active", "primary"]


@st.composite
def hostile_values(draw) -> str:
    number = draw(LONG_NUMBERS)
    top = draw(st.sampled_from(_NUMERIC))
    virtual = draw(st.sampled_from(["port", "timeout", "persistent", "pmask", "fwmark", "vip_nmask", "active"]))
    server = draw(st.sampled_from(["weight", "port", "active", "address"]))
    names = [draw(NAMES) for _ in range(3)]
    active = draw(st.sampled_from("01"))
    return (f"primary = 10.0.0.1\n{top} = {number}\nvirtual {names[0]} {{\n     active = {active}\n"
            f"     address = 192.168.0.41 eth0:1\n     {virtual} = {draw(LONG_NUMBERS)}\n"
            f"     server {names[1]} {{\n         address = 10.0.0.2\n         {server} = {number}\n     }}\n"
            f"     server {names[2]} {{\n         active = 0\n     }}\n}}\nvirtual {names[2]} {{\n}}\n")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_values())
@example("serial_no = " + "9" * 4301 + "\n")
@example("virtual web {\n     active = 1\n     server a{0} {\n     }\n     server \"a } b\" {\n     }\n}\n")
def test_check_and_convert_never_raise_on_hostile_values(text):
    from lvscf.emit.ipvsadm import ipvsadm
    from lvscf.emit.keepalived import keepalived
    from lvscf.validate import check

    result = lvscf.loads(text, "fuzz.cf")
    for d in check(result):
        assert d.message and d.code.startswith("LVS")
    ipvsadm(result.config)
    keepalived(result.config)
    exercise(encode(text))


def test_every_keyword_survives_numbers_of_thousands_of_digits():
    from lvscf.emit.ipvsadm import ipvsadm
    from lvscf.emit.keepalived import keepalived
    from lvscf.keywords import Context, keywords_in
    from lvscf.validate import check

    n = 4301
    values = ["9" * n, "0" * n + "1", "0x" + "f" * n, "0" + "7" * n, "/" + "9" * n, "0" * n + "1.0.0.1"]
    slots = {Context.TOP: "{}", Context.SERVICE: "virtual web {{\n     active = 1\n     {}}}\n",
             Context.SERVER: "virtual web {{\n     active = 1\n     server a {{\n         {}     }}\n}}\n"}
    for context, slot in slots.items():
        for key in keywords_in(context):
            if key in ("virtual", "failover", "server"):
                continue
            for value in values:
                line = f"{key} = {value} eth0:1\n" if key in ("address", "nat_router") and context is not \
                    Context.SERVER else f"{key} = {value}\n"
                result = lvscf.loads("primary = 10.0.0.1\n" + slot.format(line))
                check(result)
                ipvsadm(result.config)
                keepalived(result.config)


def test_piranhas_strtol_clamps_a_number_of_any_length():
    # strtol gives LONG_MAX (LONG_MIN) and the C int keeps its low 32 bits: -1 (0).
    assert lvscf.loads("serial_no = " + "9" * 4301 + "\n").config.serial_no == -1
    assert lvscf.loads("serial_no = -" + "9" * 4301 + "\n").config.serial_no == 0
    assert lvscf.loads("serial_no = 0x" + "f" * 5000 + "\n").config.serial_no == -1
    assert lvscf.loads("serial_no = " + "0" * 5000 + "12\n").config.serial_no == 10


def test_cli_process_on_binary_junk_prints_no_traceback(tmp_path):
    junk = tmp_path / "junk.cf"
    junk.write_bytes(bytes(range(256)) * 4 + b'\n"\0{')
    for args in (["convert", "--to", "json", str(junk)], ["fmt", "--check", str(junk)]):
        proc = subprocess.run([sys.executable, "-m", "lvscf", *args], capture_output=True, timeout=60)
        assert proc.returncode in (0, 1)
        assert b"Traceback" not in proc.stderr and proc.stderr
