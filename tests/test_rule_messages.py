"""What rule messages say, where the words matter: users act on them.

tests/test_rules.py proves where each rule fires; these tests pin what a
finding tells the user in the cases where a wrong word sends them the wrong way,
and the cases around a fixture where a rule must stay silent.
"""

from __future__ import annotations

import pytest

import lvscf
from lvscf.validate import check


def findings(text: str, code: str) -> list[lvscf.Diagnostic]:
    return [d for d in check(lvscf.loads(text, "test.cf")) if d.code == code]


def one(text: str, code: str) -> lvscf.Diagnostic:
    found = findings(text, code)
    assert len(found) == 1, [f"{d.line}:{d.column} {d.code} {d.message}" for d in found]
    return found[0]


def nat_cluster(nat_router: str, vip: str = "192.168.0.41 eth0:1") -> str:
    return f"""primary = 192.168.0.10
service = lvs
network = nat
nat_router = {nat_router}
nat_nmask = 255.255.255.0
virtual www {{
     active = 1
     address = {vip}
     vip_nmask = 255.255.255.0
     port = 80
     server web1 {{
         address = 192.168.0.2
         active = 1
     }}
}}
"""


# -- LVS204: one-armed NAT --------------------------------------------------------------------


def test_lvs204_nat_router_that_is_the_vip_on_its_device_is_a_one_armed_nat():
    found = one(nat_cluster("192.168.0.41 eth0:1"), "LVS204")
    assert "eth0:1 and on eth0:1" not in found.message
    assert "public" not in found.message
    assert "one-armed NAT" in found.message
    assert "same device eth0:1" in found.message
    assert "ICMP redirects" in found.message
    # the advice for one interface: redirects off on the director, or a subnet of their own on an alias
    assert "net.ipv4.conf.all.send_redirects = 0" in found.hint
    assert "net.ipv4.conf.eth0.send_redirects = 0" in found.hint
    assert "`nat_router = 10.0.0.254 eth0:2`" in found.hint


def test_lvs204_example_gateway_is_not_on_the_vip_network_nor_on_a_vip_alias():
    text = nat_cluster("10.0.0.254 eth0:2", vip="10.0.0.41 eth0:2")
    found = one(text, "LVS204")
    assert "`nat_router = 172.16.0.254 eth0:3`" in found.hint


def test_lvs204_nat_router_in_the_vip_subnet_on_the_same_interface_is_a_one_armed_nat():
    found = one(nat_cluster("192.168.0.254 eth0:2"), "LVS204")
    assert "one-armed NAT" in found.message
    assert "public" not in found.message
    assert found.message.count("192.168.0.0/24") == 1
    assert "net.ipv4.conf.eth0.send_redirects = 0" in found.hint


def test_lvs204_vip_as_nat_router_on_two_aliases_of_one_interface():
    found = one(nat_cluster("192.168.0.41 eth0:2"), "LVS204")
    assert "twice on eth0 (eth0:2 and eth0:1)" in found.message
    assert "one-armed NAT" in found.message


def test_lvs204_vip_as_nat_router_on_another_interface_names_both_devices():
    found = one(nat_cluster("192.168.0.41 eth1:1"), "LVS204")
    assert "on eth1:1 and on eth0:1" in found.message
    assert "one-armed" not in found.message
    assert "private network" in found.hint


# -- LVS116: heartbeat with an unreadable backup_active --------------------------------------


def heartbeat_file(backup_active_line: str, heartbeat: int = 1) -> str:
    return f"""primary = 192.168.0.11
service = lvs
{backup_active_line}
backup = 192.168.0.12
heartbeat = {heartbeat}
network = direct
virtual www {{
     active = 1
     address = 192.168.0.40 eth0:1
     server web1 {{
         address = 192.168.0.21
         active = 1
     }}
}}
"""


@pytest.mark.parametrize("line", [
    "backup_active = 1 # pair",  # a trailing comment: Piranha rejects the line
    "backup_active = yes",       # integer expected
    "backup_active = 2",         # boolean expected
    "backup_active =",           # no value
    'backup_active = "1',        # a quote that is not closed
])
def test_lvs116_says_an_unreadable_backup_active_is_unreadable(line):
    found = one(heartbeat_file(line), "LVS116")
    assert "not set" not in found.message
    assert "backup_active = 0" not in found.message
    assert "`backup_active` line (line 3) is unreadable" in found.message
    assert [r.line for r in found.related] == [3]


def test_lvs116_still_says_not_set_when_backup_active_is_missing():
    found = one(heartbeat_file("# no backup_active"), "LVS116")
    assert "`backup_active` is not set (0)" in found.message


def test_lvs116_still_names_a_readable_backup_active():
    found = one(heartbeat_file("backup_active = 0"), "LVS116")
    assert "with `backup_active = 0` no heartbeats are sent at all" in found.message


# -- LVS419: the sync daemon on eth0, where the cluster has no address -------------------------


def sync_cluster(*, sync: str = "syncdaemon = 1", vip: str = "192.168.10.40 eth1:1",
                 vip_nmask: str = "255.255.255.0", primary: str = "192.168.10.11", backup: str = "192.168.10.12",
                 extra: str = "") -> str:
    return f"""primary = {primary}
service = lvs
backup_active = 1
backup = {backup}
network = direct
{sync}
{extra}
virtual www {{
     active = 1
     address = {vip}
     vip_nmask = {vip_nmask}
     port = 80
     send = "GET / HTTP/1.0\\r\\n\\r\\n"
     expect = "HTTP"
     server web1 {{
         address = 192.168.10.21
         active = 1
     }}
}}
"""


def test_lvs419_says_where_the_daemon_runs_and_what_breaks():
    found = one(sync_cluster(), "LVS419")
    assert found.severity is lvscf.Severity.WARNING
    assert "runs the sync daemon on eth0" in found.message
    assert "the VIP is on eth1" in found.message
    assert "after a failover" in found.message
    assert "`syncd_iface = eth1`" in found.hint


def test_lvs419_locates_the_directors_by_the_classful_mask_without_vip_nmask():
    # pulse plumbs the VIP without a netmask: ifconfig gives 192.168.10.40 its class C /24
    assert len(findings(sync_cluster(vip_nmask="0.0.0.0"), "LVS419")) == 1


def test_lvs419_suggests_the_private_heartbeat_interface():
    extra = "primary_private = 10.20.0.11\nbackup_private = 10.20.0.12\nnat_router = 10.20.0.254 eth2:1"
    found = one(sync_cluster(extra=extra), "LVS419")
    assert "`syncd_iface = eth2`" in found.hint
    assert "private heartbeat" in found.hint


@pytest.mark.parametrize("changes", [
    {"sync": "syncdaemon = 1\nsyncd_iface = eth1"},              # written: the fixed revision
    {"sync": "syncdaemon = 1\nsyncd_iface = eth0"},              # a deliberate eth0 (a sync network)
    {"sync": "syncdaemon = 0"},
    {"vip": "192.168.10.40 eth0:1"},                             # the cluster is on eth0
    {"primary": "172.16.0.11", "backup": "172.16.0.12"},         # primary may be on eth0
    {"vip_nmask": "255.255.255.255"},                            # no subnet: primary's interface is unknown
    {"backup": "0.0.0.0"},                                       # no director pair, nothing to synchronise
    {"extra": "primary_private = 10.20.0.11\nbackup_private = 10.20.0.12"},  # private network may be eth0
    {"sync": "syncdaemon = 1\nsyncd_iface = eth1 # sync"},       # unreadable: its value is unknown
])
def test_lvs419_is_silent_when_eth0_may_be_used_or_the_interface_is_chosen(changes):
    assert findings(sync_cluster(**changes), "LVS419") == []


# -- LVS508: a send_program that cannot tell the real servers apart ----------------------------


def program_virtual(program: str, servers: tuple[tuple[str, int], ...]) -> str:
    blocks = "".join(f"""     server s{i} {{
         address = {address}
         port = {port}
         active = 1
     }}
""" for i, (address, port) in enumerate(servers))
    return f"""primary = 10.0.0.1
service = lvs
network = direct
virtual db {{
     active = 1
     address = 192.168.0.41 eth0:1
     port = 3306
     send_program = "{program}"
     expect = "OK"
     timeout = 6
     reentry = 18
{blocks}}}
"""


TWO_SERVERS = (("10.0.0.41", 3306), ("10.0.0.42", 3306))


def test_lvs508_a_program_without_h_for_several_servers_is_a_warning_that_says_what_happens():
    found = one(program_virtual("/usr/local/bin/check_db 3306", TWO_SERVERS), "LVS508")
    assert found.severity is lvscf.Severity.WARNING
    assert "has no %h" in found.message
    assert "identical check for each of its 2 real servers" in found.message
    assert "a real server that is down stays in the pool" in found.message
    assert "every server is removed at once" in found.message
    assert "%h" in found.hint


def test_lvs508_a_glued_h_is_not_replaced_so_the_check_is_the_same_for_every_server():
    found = one(program_virtual("/usr/local/bin/check_db --host=%h", TWO_SERVERS), "LVS508")
    assert found.severity is lvscf.Severity.WARNING
    assert "only inside a longer word" in found.message


def test_lvs508_servers_sharing_an_address_need_p():
    servers = (("10.0.0.41", 3306), ("10.0.0.41", 3307))
    found = one(program_virtual("/usr/local/bin/check_db %h", servers), "LVS508")
    assert found.severity is lvscf.Severity.WARNING
    assert "no %p" in found.message and "share the address 10.0.0.41" in found.message
    # with %p the two checks differ
    assert one(program_virtual("/usr/local/bin/check_db %h %p", servers), "LVS508").severity is lvscf.Severity.INFO


@pytest.mark.parametrize("program, servers", [
    ("/usr/local/bin/check_db %h", TWO_SERVERS),              # each server its own check
    ("/usr/local/bin/check_db 3306", TWO_SERVERS[:1]),        # one server: nothing to tell apart
    ("/usr/local/bin/check_db %p", (("10.0.0.41", 3306), ("10.0.0.42", 3307))),  # the ports differ
])
def test_lvs508_stays_info_when_the_checks_differ_or_there_is_one_server(program, servers):
    found = one(program_virtual(program, servers), "LVS508")
    assert found.severity is lvscf.Severity.INFO
    assert "counts a non-zero exit" in found.message
