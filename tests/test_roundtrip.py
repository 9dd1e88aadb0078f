"""Writing lvs.cf again: lossless, minimal edits, canonical, and models that read back equal."""

from __future__ import annotations

import difflib
from ipaddress import IPv4Address

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import lvscf
from conftest import EXAMPLES, corpus_files, load_text
from strategies import configs

SAMPLE = next(p for p in corpus_files() if p.name == "piranha-0.8.6-sample.cf")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_document_round_trip_keeps_odd_whitespace_quoting_and_comments():
    text = "  # indented comment\n\nserial_no\t=   010  \nvirtual 'web' {\n\tsend = 'x y'   \n} \n\n"
    assert lvscf.dumps(lvscf.loads(text)) == text


def test_unedited_model_writes_the_file_unchanged():
    text = SAMPLE.read_text()
    assert lvscf.dumps(lvscf.loads(text).config) == text


def test_editing_a_weight_changes_only_that_token():
    text = SAMPLE.read_text()
    config = lvscf.loads(text).config
    virtual = config.virtuals[0]
    server = attrs.evolve(virtual.servers[1], weight=7)
    edited = attrs.evolve(config, virtuals=(attrs.evolve(virtual, servers=(virtual.servers[0], server)),
                                            *config.virtuals[1:]))
    out = lvscf.dumps(edited)
    assert changed_lines(text, out) == ["-\t\tweight = 1", "+\t\tweight = 7"]
    assert lvscf.loads(out).config == edited


def test_setting_a_new_key_adds_one_line_in_the_blocks_style():
    config = lvscf.load(EXAMPLES / "lvs-nat-tutorial.cf").config
    virtual = attrs.evolve(config.virtuals[0], persistent=300)
    text = (EXAMPLES / "lvs-nat-tutorial.cf").read_text()
    out = lvscf.dumps(attrs.evolve(config, virtuals=(virtual,)))
    assert changed_lines(text, out) == ["+     persistent = 300"]


def test_unsetting_a_value_removes_every_line_of_it():
    config = lvscf.loads("keepalive = 3\nsyncd_iface = eth1\nactive_cmd = /bin/a\nactive_cmd = /bin/b\n").config
    out = lvscf.dumps(attrs.evolve(config, active_cmd=None))
    assert out == "keepalive = 3\nsyncd_iface = eth1\n"


def test_adding_and_removing_servers():
    config = lvscf.load(EXAMPLES / "lvs-nat-tutorial.cf").config
    virtual = config.virtuals[0]
    new = lvscf.Server("web3", IPv4Address("10.0.0.4"), True, 2, 80)
    edited = attrs.evolve(config, virtuals=(attrs.evolve(virtual, servers=(virtual.servers[1], new)),))
    out = lvscf.dumps(edited)
    assert lvscf.loads(out).config == edited
    assert "web1" not in out and "server web3 {" in out


def test_changing_the_virtual_port_keeps_servers_on_their_port():
    text = "virtual web {\n     port = 80\n     server a {\n         address = 10.0.0.2\n     }\n}\n"
    config = lvscf.loads(text).config
    edited = attrs.evolve(config, virtuals=(attrs.evolve(config.virtuals[0], port=8080),))
    out = lvscf.dumps(edited)
    assert lvscf.loads(out).config == edited
    assert "port = 8080" in out and "         port = 80\n" in out


def test_changing_primary_keeps_the_derived_private_addresses_as_in_the_model():
    config = lvscf.loads("primary = 10.0.0.1\nbackup = 10.0.0.2\n").config
    edited = attrs.evolve(config, primary=IPv4Address("10.0.0.9"))
    out = lvscf.dumps(edited)
    assert lvscf.loads(out).config == edited


def test_unrepresentable_values_raise_lvscf_errors():
    config = lvscf.loads("virtual web {\n}\n").config
    bad = attrs.evolve(config, virtuals=(attrs.evolve(config.virtuals[0], send='a "b" c\'d e\''),))
    with pytest.raises(lvscf.UnrepresentableError):
        lvscf.dumps(bad)
    with pytest.raises(lvscf.UnrepresentableError):
        lvscf.dumps(attrs.evolve(config, keepalive=2**40))


def test_reordering_blocks_is_refused_by_the_lossless_writer_but_canonical_writes_it():
    config = lvscf.loads("virtual a {\n}\nvirtual b {\n}\n").config
    swapped = attrs.evolve(config, virtuals=config.virtuals[::-1])
    with pytest.raises(lvscf.UnrepresentableError):
        lvscf.dumps(swapped)
    assert lvscf.loads(lvscf.dumps(attrs.evolve(swapped, origin=None))).config == swapped


def test_canonical_layout_is_the_guis():
    text = ("# header\n\nvirtual web {\n\tport = http\n  active = 1\n\tsend = quit\n\tserver a {\n"
            "\t\tweight = 2\n\t\taddress = 10.0.0.2\n\t}\n}\nprimary = 10.0.0.1\nserial_no = 4\n")
    assert lvscf.dumps(lvscf.loads(text), canonical=True) == (
        "# header\n\nserial_no = 4\nprimary = 10.0.0.1\nvirtual web {\n     active = 1\n     port = http\n"
        '     send = "quit"\n     server a {\n         address = 10.0.0.2\n         weight = 2\n     }\n}\n')


def test_canonical_keeps_the_effective_duplicate_and_all_comments():
    text = "# one\nkeepalive = 1\n# two\nkeepalive = 2\n"
    assert lvscf.dumps(lvscf.loads(text), canonical=True) == "# one\n# two\nkeepalive = 2\n"


def test_canonical_writes_a_server_port_that_would_otherwise_move():
    text = "virtual web {\n     server a {\n     }\n     port = 8080\n}\n"
    out = lvscf.dumps(lvscf.loads(text), canonical=True)
    assert lvscf.loads(out).config == lvscf.loads(text).config
    assert "         port = 80\n" in out


def test_canonical_refuses_files_with_syntax_errors():
    with pytest.raises(lvscf.UnrepresentableError):
        lvscf.dumps(lvscf.loads("port=80\n"), canonical=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_generated_models_write_and_read_back_equal(config):
    text = lvscf.dumps(config)
    result = lvscf.loads(text)
    assert [d for d in result.diagnostics if d.severity is lvscf.Severity.ERROR] == [], text
    assert result.config == config
    # and the canonical writer agrees with itself
    assert lvscf.dumps(result, canonical=True) == lvscf.dumps(lvscf.loads(lvscf.dumps(result, canonical=True)),
                                                             canonical=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_generated_models_survive_an_edit_of_their_own_file(config):
    loaded = lvscf.loads(lvscf.dumps(config))
    edited = attrs.evolve(loaded.config, keepalive=loaded.config.keepalive + 1,
                          virtuals=tuple(attrs.evolve(v, timeout=v.timeout + 1) for v in loaded.config.virtuals))
    assert lvscf.loads(lvscf.dumps(edited)).config == edited


def test_empty_model():
    assert lvscf.dumps(lvscf.Config()) == ""
    assert load_text("").config == lvscf.Config()


def test_canonical_dump_of_an_edited_model_applies_the_edit():
    result = lvscf.loads("# keep me\nkeepalive = 3\nserial_no = 1\n")
    out = lvscf.dumps(attrs.evolve(result.config, keepalive=4), canonical=True)
    assert out == "serial_no = 1\n# keep me\nkeepalive = 4\n"


def test_equal_servers_are_matched_by_identity_not_value():
    text = "virtual v {\n     server a {\n     }\n     server b {\n         weight = 2\n     }\n" \
           "     server a {\n     }\n}\n"
    config = lvscf.loads(text).config
    virtual = config.virtuals[0]
    edited = attrs.evolve(config, virtuals=(attrs.evolve(virtual, timeout=3),))
    assert lvscf.loads(lvscf.dumps(edited)).config == edited
