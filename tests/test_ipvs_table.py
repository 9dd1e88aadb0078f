"""One decision for both converters: which virtuals and real servers become IPVS entries (lvscf.model.ipvs).

The ipvsadm rules and the keepalived.conf of one lvs.cf must describe the same
IPVS table, and refuse or leave out the same entries for the same reason.  Before
the decision was shared, a template whose addresses Piranha reads as 0.0.0.0 was
refused by `--to ipvsadm --force` (the kernel refuses 0.0.0.0) and written by
`--to keepalived --force`.
"""

from __future__ import annotations

import re

from ipaddress import IPv4Address

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import lvscf
from lvscf.emit.ipvsadm import ipvsadm
from lvscf.emit.keepalived import keepalived
from lvscf.emit.keepalived.syntax import reread
from lvscf.model.config import Config, DeviceAddress, HostName, Network, Protocol, Server, Virtual
from lvscf.model.ipvs import Why, ipvs_table
from test_cli import run

# ERB placeholders: Piranha reads each address as 0.0.0.0 (and reports the extra words)
TEMPLATE = """\
serial_no = 1
primary = <%= @primary %>
service = lvs
backup_active = 0
network = nat
nat_router = <%= @nat %> eth1:1
virtual web {
     active = 1
     address = <%= @vip %> eth0:1
     port = 80
     timeout = 6
     server web1 {
         address = <%= @rip %>
         active = 1
         weight = 1
     }
}
"""
REASON = ('server "web1" of virtual "web": the kernel refuses 0.0.0.0, which is not a unicast address: nanny exits '
          "and lvsd shuts the LVS down (hard_shutdown = 1)")


def load(text: str):
    return lvscf.loads(text.encode(), "t.cf").config


def test_an_unset_real_server_address_is_refused_by_both_converters_for_the_same_reason(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(TEMPLATE)
    found = {}
    for target, code in [("ipvsadm", "LVS617"), ("keepalived", "LVS731")]:
        exit_code, out, err = run("convert", "--to", target, "--force", str(path))
        assert (exit_code, out) == (1, ""), (target, err)
        (line,) = [line for line in err.splitlines() if f" {code} " in line]
        assert line.startswith(f"{path}:12:6: {code} "), line  # the server block (no address line Piranha read)
        assert f"not converted to {target}" in err
        found[target] = line.split(f" {code} ", 1)[1]
    assert REASON.replace("0.0.0.0,", "0.0.0.0 (no address is written),") in found["ipvsadm"]
    assert REASON.replace("0.0.0.0,", "0.0.0.0 (no address is written),") in found["keepalived"]


def test_with_hard_shutdown_off_both_leave_the_server_out():
    text = TEMPLATE.replace("backup_active = 0\n", "backup_active = 0\nhard_shutdown = 0\n").replace(
        "     server web1 {", "     server web0 {\n         address = 10.0.0.5\n         active = 1\n     }\n"
                             "     server web1 {")
    config = load(text)
    rules, conf = ipvsadm(config), keepalived(config)
    assert not rules.has_errors and not conf.has_errors
    assert [line for line in rules.text.splitlines() if line.startswith("-a")] == [
        "-a -t 0.0.0.0:80 -r 10.0.0.5:80 -m -w 1"]
    assert re.findall(r"real_server (\S+)", conf.text) == ["10.0.0.5"]
    for c, code in [(rules, "LVS617"), (conf, "LVS731")]:
        (d,) = [d for d in c.diagnostics if d.code == code]
        assert d.severity.name == "WARNING" and "lvsd carries on without the server (hard_shutdown = 0)" in d.message
    # and both say the service has no address (it is 0.0.0.0:80, which no client reaches)
    assert {d.code for d in rules.diagnostics} >= {"LVS619"} and {d.code for d in conf.diagnostics} >= {"LVS732"}


REPLACED = """\
primary = 10.0.0.1
virtual any {
     active = 1
     address = 10.0.0.100 eth0:1
     port = 0
     server a {
         address = 10.0.1.1
         active = 1
     }
}
virtual any_persistent {
     active = 1
     address = 10.0.0.100 eth0:1
     port = 0
     persistent = 300
     server b {
         address = 10.0.1.2
         active = 1
     }
}
"""


def test_the_one_difference_a_rejected_virtual_holds_its_service_only_for_keepalived():
    config = load(REPLACED)
    # lvsd: ipvsadm -A for "any" fails (port 0 without persistence), so "any_persistent" creates the service
    lvsd = ipvs_table(config, rejected_holds_service=False)
    assert [s.virtual.name for s in lvsd.services] == ["any_persistent"]
    assert [(x.block.name, x.why) for x in lvsd.left_out] == [("any", Why.ZERO_PORT)]
    assert "-A -t 10.0.0.100:0 -s wlc -p 300" in ipvsadm(config).text
    # keepalived.conf: "any" refuses the file at its port line, and the second is not silently its stand-in
    held = ipvs_table(config, rejected_holds_service=True)
    assert held.services == () and [(x.block.name, x.why) for x in held.left_out] == [
        ("any", Why.ZERO_PORT), ("any_persistent", Why.DUPLICATE_SERVICE)]
    conf = keepalived(config)
    assert conf.text == "" and [(d.code, d.line) for d in conf.diagnostics if d.severity.name == "ERROR"] == [
        ("LVS701", 5)]
    assert "LVS705" in {d.code for d in conf.diagnostics}


def test_a_monitor_lvsd_never_starts_is_left_out_by_both():
    # a fwmark virtual on the same VIP and port as another: lvsd keys monitors by VIP, protocol, virtual
    # port, address and port, so the second virtual's server 10.0.1.1:80 gets no monitor
    text = REPLACED.replace("port = 0\n     server a", "port = 80\n     server a").replace(
        "     port = 0\n     persistent = 300\n     server b {\n         address = 10.0.1.2",
        "     port = 80\n     fwmark = 5\n     server b {\n         address = 10.0.1.1")
    config = load(text)
    assert [line for line in ipvsadm(config).text.splitlines() if line.startswith("-a")] == [
        "-a -t 10.0.0.100:80 -r 10.0.1.1:80 -m -w 1"]
    conf = keepalived(config)
    assert "LVS616" in {d.code for d in ipvsadm(config).diagnostics}
    assert "LVS706" in {d.code for d in conf.diagnostics}
    assert "virtual_server fwmark 5" not in conf.text  # its only server was left out (LVS704)


def _keepalived_destinations(text: str) -> set[str]:
    """The ``-a`` lines keepalived would program for a keepalived.conf, in ipvsadm-save form."""
    out, service, flag = set(), None, "-t"
    for statement in reread(text):
        if statement[0] == "virtual_server":
            service = ("-f", statement[2]) if statement[1] == "fwmark" else (None, f"{statement[1]}:{statement[2]}")
            flag = "-t"
        elif statement[0] == "protocol":
            flag = "-u" if statement[1] == "UDP" else "-t"
        elif statement[0] == "real_server" and service is not None:
            svc = f"-f {service[1]}" if service[0] else f"{flag} {service[1]}"
            port = statement[2] if len(statement) > 3 else "0"
            out.add(f"{svc} -r {statement[1]}:{port}")
    return out


# mostly what converts, sometimes what ipvsadm or the kernel refuses
_ADDRESSES = st.sampled_from([*(IPv4Address(f"10.0.1.{i}") for i in (1, 2, 3, 1, 2, 3)), IPv4Address("0.0.0.0"),
                              IPv4Address("224.0.0.5"), HostName("rs.example.com")])


@st.composite
def _virtuals(draw, index: int) -> Virtual:
    port = draw(st.sampled_from([80, 80, 443, 443, 0, 70000]))
    servers = tuple(Server(name=f"s{i}", address=draw(_ADDRESSES), active=draw(st.sampled_from([True, True, False])),
                           weight=draw(st.sampled_from([1, 0, 5])),
                           port=draw(st.sampled_from([port, port, port, 80, 8080, 70000])))
                    for i in range(draw(st.integers(0, 4))))
    vip = draw(st.sampled_from([None, "10.0.0.100", "10.0.0.101", "10.0.0.100", "10.0.0.101", "vip.example.com"]))
    address = None if vip is None else DeviceAddress(
        HostName(vip) if vip[0].isalpha() else IPv4Address(vip), f"eth0:{index + 1}")
    return Virtual(name=f"v{index}", active=draw(st.sampled_from([True, True, False])), address=address, port=port,
                   protocol=draw(st.sampled_from(Protocol)), fwmark=draw(st.sampled_from([0, 0, 0, 5, 6, -1])),
                   persistent=draw(st.sampled_from([0, 0, 300, 3000000])), timeout=6, reentry=6, servers=servers)


@st.composite
def _clusters(draw) -> Config:
    virtuals = tuple(draw(_virtuals(i)) for i in range(draw(st.integers(0, 3))))
    return Config(primary=IPv4Address("10.0.0.1"), network=draw(st.sampled_from(Network)),
                  hard_shutdown=draw(st.booleans()), virtuals=virtuals)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_clusters())
def test_whenever_keepalived_converts_it_programs_the_ipvsadm_destinations(config):
    conf = keepalived(config)
    rules = ipvsadm(config, header=False)
    expected = {" ".join(line.split()[1:5]) for line in rules.text.splitlines() if line.startswith("-a ")}
    if conf.has_errors:
        # keepalived.conf refuses only what Piranha never ran in full (LVS701/LVS702/LVS731), never an entry
        # the ipvsadm rules hold without a reason
        assert rules.has_errors or {d.code for d in conf.diagnostics if d.severity.name == "ERROR"} & {
            "LVS701", "LVS702"}, [(d.code, d.message) for d in conf.diagnostics]
        return
    event("keepalived converted" + (" with real servers" if expected else ""))
    assert not rules.has_errors, [(d.code, d.message) for d in rules.diagnostics if d.severity.name == "ERROR"]
    assert _keepalived_destinations(conf.text) == expected
