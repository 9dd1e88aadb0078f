"""The typed model: Piranha's defaults, derived values and run-time semantics (§4-§5)."""

from __future__ import annotations

from ipaddress import IPv4Address

import attrs
import pytest

import lvscf
from conftest import load_text
from lvscf.keywords import KEYWORDS, Context, keywords_in
from lvscf.model.config import Config, Server, ServiceBlock


def test_parser_defaults_not_gui_defaults():
    config = load_text("virtual web {\n     server a {\n     }\n}\n").config
    assert (config.service.value, config.network.value, config.keepalive, config.deadtime) == ("lvs", "nat", 2, 5)
    assert (config.heartbeat_port, config.rsh_command, config.hard_shutdown, config.ipvsadm) == \
        (539, "rsh", True, "/sbin/ipvsadm")
    virtual = config.virtuals[0]
    assert (virtual.active, virtual.port, virtual.protocol.value, virtual.scheduler.value) == (False, 80, "tcp", "wlc")
    assert (virtual.timeout, virtual.reentry, virtual.client_monitor) == (10, 180, "/usr/sbin/nanny")
    assert (virtual.load_monitor, virtual.send, virtual.address) == (None, None, None)
    server = virtual.servers[0]
    assert (server.active, server.weight, server.port, server.address) == (False, 1, 80, IPv4Address(0))


def test_every_keyword_is_a_model_field():
    for context, cls in ((Context.TOP, Config), (Context.SERVICE, ServiceBlock), (Context.SERVER, Server)):
        fields = {f.name for f in attrs.fields(cls)}
        names = {k for k, kw in keywords_in(context).items() if kw.shape.name != "BLOCK"}
        assert names <= fields, names - fields
    assert len([k for k in KEYWORDS if Context.TOP in k.contexts and k.shape.name != "BLOCK"]) == 31


def test_server_port_is_the_virtual_port_parsed_so_far():
    text = ("virtual web {\n     port = 8080\n     server a {\n     }\n     port = 9090\n"
            "     server b {\n     }\n}\n")
    virtual = load_text(text).config.virtuals[0]
    assert virtual.port == 9090
    assert [s.port for s in virtual.servers] == [8080, 9090]


def test_server_port_takes_the_virtuals_service_name_port():
    virtual = load_text("virtual web {\n     port = https\n     server a {\n     }\n}\n").config.virtuals[0]
    assert virtual.servers[0].port == 443


def test_primary_private_defaults_to_primary_and_overwrites_backup_private():
    config = load_text("primary = 10.0.0.1\nbackup = 10.0.0.2\nbackup_private = 192.168.1.2\n").config
    assert config.primary_private == IPv4Address("10.0.0.1")
    assert config.backup_private == IPv4Address("10.0.0.2")  # the explicit value is overwritten


def test_explicit_primary_private_keeps_backup_private():
    config = load_text("primary = 10.0.0.1\nprimary_private = 192.168.1.1\nbackup_private = 192.168.1.2\n").config
    assert (str(config.primary_private), str(config.backup_private)) == ("192.168.1.1", "192.168.1.2")


def test_without_primary_nothing_is_derived():
    assert load_text("backup = 10.0.0.2\n").config.primary_private == IPv4Address(0)


def test_numbers_as_piranha_reads_them():
    config = load_text("keepalive = 010\nvirtual web {\n     port = 0x50\n     fwmark = 4294967296\n}\n").config
    assert config.keepalive == 8
    assert (config.virtuals[0].port, config.virtuals[0].fwmark) == (80, 0)


def test_host_names_stay_names():
    config = load_text("primary = lvs1.example.com\n").config
    assert config.primary == lvscf.HostName("lvs1.example.com")
    assert config.primary_private == lvscf.HostName("lvs1.example.com")


def test_shorthand_addresses_are_read_like_inet_aton():
    assert load_text("backup = 10.1\n").config.backup == IPv4Address("10.0.0.1")


def test_pmask_invalid_is_silently_ignored_and_all_ones_means_none():
    virtual = load_text("virtual web {\n     pmask = 255.255.255.0\n     pmask = bogus\n}\n").config.virtuals[0]
    assert virtual.pmask == IPv4Address("255.255.255.0")
    assert load_text("virtual w {\n     pmask = 255.255.255.255\n}\n").config.virtuals[0].pmask == IPv4Address(0)


def test_address_with_device():
    virtual = load_text("virtual web {\n     address = 192.168.0.41 eth0:1\n}\n").config.virtuals[0]
    assert virtual.address == lvscf.DeviceAddress(IPv4Address("192.168.0.41"), "eth0:1")


@pytest.mark.parametrize("line, field, value", [
    ('send = "GET / HTTP/1.0\\r\\n\\r\\n"', "send", "GET / HTTP/1.0\\r\\n\\r\\n"),
    ("send = 'quit'", "send", "'quit'"),
    ('send_program = "/bin/check %h"', "send_program", "/bin/check %h"),
    ('start_cmd = "/etc/init.d/httpd start"', "start_cmd", "/etc/init.d/httpd start"),
    ('load_monitor = "ruptime"', "load_monitor", "ruptime"),
])
def test_strings_as_the_daemons_receive_them(line, field, value):
    virtual = load_text(f"virtual web {{\n     {line}\n}}\n").config.virtuals[0]
    assert getattr(virtual, field) == value


def test_a_rejected_value_leaves_the_field_as_it_was():
    virtual = load_text("virtual web {\n     timeout = 5\n     timeout = soon\n}\n").config.virtuals[0]
    assert virtual.timeout == 5


def test_origin_points_at_the_exact_token():
    result = load_text("virtual web {\n     server a {\n         weight = 3\n     }\n}\n")
    server = result.config.virtuals[0].servers[0]
    setting = server.origin.setting("weight")
    assert result.source.position(setting.value.start) == (3, 19)
    assert server.origin.setting("port") is None


def test_origin_is_ignored_by_equality():
    a = load_text("keepalive = 3\n").config
    b = load_text("# same model\nkeepalive   =   3\n").config
    assert a == b and a.origin != b.origin
