"""The public corpus (../shared/corpus/lvscf/public): every published lvs.cf, with the
result Piranha's parser gives it (lvs-cf-format.md §11)."""

from __future__ import annotations

from collections import Counter

import pytest

import lvscf
from conftest import corpus_files
from lvscf.source import encode

# file -> (line, Piranha's message) of the first error Piranha reports; absent: accepted.
REJECTED = {
    "piranha-0.8.6-srpm-empty-default-lvs.cf": (0, "Empty configuration"),
    "rdo-openstack-mysql-dr-2015-nbsp.cf": (1, "unknown command"),
    "proxyos-gui-history-2014-04-13-lvs.cf": (20, "unknown command"),
    "proxyos-webgui-keepalived-syntax-NOT-piranha.cf": (2, "unknown command"),
    "gaojf-annotated-dr-INVALID-inline-comments.cf": (1, "unexpected arguments"),
    "cn-2021-keepalived-article-INVALID-inline-comments.cf": (3, "unexpected arguments"),
    "miniascape-dr-web-ftp-fwmark.cf.j2": (2, "unexpected arguments"),
}
FILES = corpus_files()


def test_the_corpus_is_complete():
    names = {p.name for p in FILES}
    assert set(REJECTED) <= names
    assert len(names) == 22


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_round_trips_byte_for_byte(path):
    data = path.read_bytes()
    assert encode(lvscf.dumps(lvscf.loads(data))) == data


@pytest.mark.parametrize("path", [p for p in FILES if p.name not in REJECTED], ids=lambda p: p.name)
def test_accepted_files_have_no_errors(path):
    result = lvscf.load(path)
    assert [d for d in result.diagnostics if d.severity is lvscf.Severity.ERROR] == []


@pytest.mark.parametrize("path", [p for p in FILES if p.name in REJECTED], ids=lambda p: p.name)
def test_rejected_files_error_at_piranhas_line(path):
    line, message = REJECTED[path.name]
    result = lvscf.load(path)
    first = min((d for d in result.diagnostics if d.severity is lvscf.Severity.ERROR), key=lambda d: d.line)
    assert first.piranha == f"pulse: error parsing lvs.cf at line {line}: {message}"


@pytest.mark.parametrize("path", [p for p in FILES if p.name not in REJECTED], ids=lambda p: p.name)
def test_canonical_format_is_idempotent_and_keeps_the_model(path):
    result = lvscf.load(path)
    formatted = lvscf.dumps(result, canonical=True)
    again = lvscf.loads(formatted)
    assert again.config == result.config
    assert lvscf.dumps(again, canonical=True) == formatted
    assert Counter(_comments(formatted)) == Counter(_comments(result.document.text))


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_sample_values_as_piranha_reads_them():
    config = lvscf.load(next(p for p in FILES if p.name == "piranha-0.8.6-sample.cf")).config
    server1 = config.virtuals[0]
    assert server1.port == 80  # `port = http`
    assert str(server1.pmask) == "0.0.0.0"  # 255.255.255.255 means "no mask"
    assert config.backup_active is True  # the last of the two backup_active lines
    assert [f.name for f in config.failovers] == ["web1", "ftp"]
    assert config.failovers[0].start_cmd == "/etc/rc.d/init.d/httpd start"


def test_sip_recipe_fwmark_udp_service():
    config = lvscf.load(next(p for p in FILES if p.name == "tigerlinux-sip-lb-serial70.cf")).config
    sip = config.virtuals[1]
    assert (sip.fwmark, sip.protocol.value, sip.persistent, sip.port) == (3, "udp", 400, 5060)
    assert sip.send_program.startswith("/") and "%h" in sip.send_program
    newer = lvscf.load(next(p for p in FILES if p.name == "tigerlinux-sip-lb-serial76.cf")).config
    assert (newer.tcp_timeout, newer.syncdaemon, newer.virtuals[1].persistent) == (10, True, 0)
