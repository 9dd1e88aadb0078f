"""lvs.cf → keepalived.conf: the mapping, the safety of every value, and keepalived's own verdict.

Every config converted here is also given to the real ``keepalived -t`` (inside a
network namespace with the interfaces the config names), which must accept it
without a single message: keepalived exits 5 on any warning, so a clean exit
means it read every directive as we meant it.
"""

from __future__ import annotations

import os
import re
from ipaddress import IPv4Address

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lvscf
from conftest import EXAMPLES, FIXTURES, corpus_files
from lvscf.emit.keepalived import keepalived
from lvscf.emit.keepalived.syntax import Directive, SyntaxCheckError, reread, write
from lvscf.emit.keepalived.values import Refused, command_words, device_label, interface, percent
from lvscf.report.text import concise

GOLDEN = FIXTURES / "golden" / "keepalived"
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*/*.cf"))


def convert(text: str, **options) -> lvscf.emit.conversion.Conversion:  # type: ignore[name-defined]
    return keepalived(lvscf.loads(text.encode(), "test.cf").config, **options)


def codes(conversion) -> list[str]:
    return sorted(d.code for d in conversion.diagnostics)


def statements(text: str) -> list[tuple[str, ...]]:
    return reread(text)


def block(text: str, head: str) -> list[tuple[str, ...]]:
    """The statements inside the first block whose opening statement starts with ``head``."""
    words = tuple(head.split())
    out, depth, inside = [], 0, False
    for st_ in statements(text):
        if not inside:
            if st_[: len(words)] == words and st_[-1] == "{":
                inside, depth = True, 1
            continue
        if st_ == ("}",):
            depth -= 1
            if depth == 0:
                return out
        elif st_[-1] == "{":
            depth += 1
        out.append(st_)
    raise AssertionError(f"no block {head!r}")


CLUSTER = """\
primary = 10.0.0.1
backup = 10.0.0.2
backup_active = 1
keepalive = 2
deadtime = 6
network = {network}
nat_router = 192.168.10.254 eth1:1
nat_nmask = 255.255.255.0
virtual web {{
     active = 1
     address = 10.0.0.100 eth0:1
     vip_nmask = 255.255.255.0
     port = 80
{extra}
     timeout = 5
     reentry = 5
     server a {{
         address = 192.168.10.11
         active = 1
         port = 8080
         weight = {weight}
     }}
     server b {{
         address = 192.168.10.12
         active = 1
         port = 8080
     }}
}}
"""


def cluster(network="nat", extra="", weight=1) -> str:
    return CLUSTER.format(network=network, extra=extra, weight=weight)


# -- the mapping ---------------------------------------------------------------------------------


def test_nat_virtual_server_keeps_every_setting_explicit(keepalived_t):
    c = convert(cluster(extra="     scheduler = wrr\n     persistent = 300\n     pmask = 255.255.255.0\n"
                               "     quiesce_server = 1\n     sorry_server = 192.168.10.99\n"))
    assert not c.has_errors and keepalived_t(c.text).returncode == 0
    vs = block(c.text, "virtual_server 10.0.0.100 80")
    for expected in [("protocol", "TCP"), ("lb_algo", "wrr"), ("lb_kind", "NAT"), ("delay_loop", "5"), ("alpha",),
                     ("persistence_timeout", "300"), ("persistence_granularity", "255.255.255.0"),
                     ("inhibit_on_failure",), ("sorry_server", "192.168.10.99", "80"),
                     ("real_server", "192.168.10.11", "8080", "{")]:
        assert expected in vs, expected


@pytest.mark.parametrize("network,kind", [("direct", "DR"), ("tunnel", "TUN")])
def test_dr_and_tun_reals_use_the_virtual_port_and_check_the_real_port(network, kind, keepalived_t):
    # the kernel forces the virtual's port on -g/-i destinations; nanny still checked the server's port
    c = convert(cluster(network=network))
    assert keepalived_t(c.text).returncode == 0
    vs = block(c.text, "virtual_server 10.0.0.100 80")
    assert ("lb_kind", kind) in vs and ("real_server", "192.168.10.11", "80", "{") in vs
    assert ("connect_port", "8080") in vs
    # and pulse brought up no nat_router without NAT
    assert "192.168.10.254" not in c.text


def test_fwmark_services_have_no_protocol_and_dr_reals_no_port(keepalived_t):
    for network, real in [("direct", ("real_server", "192.168.10.11", "{")),
                          ("nat", ("real_server", "192.168.10.11", "8080", "{"))]:
        c = convert(cluster(network=network, extra="     fwmark = 7\n     sorry_server = 192.168.10.99\n"))
        result = keepalived_t(c.text)
        assert result.returncode == 0, result.stderr
        vs = block(c.text, "virtual_server fwmark 7")
        assert real in vs and not any(s[0] == "protocol" for s in vs)
        sorry = ("sorry_server", "192.168.10.99") if network == "direct" else ("sorry_server", "192.168.10.99", "80")
        assert sorry in vs
        # the VIP still needs plumbing
        assert "10.0.0.100/24" in c.text


@pytest.mark.parametrize("weight,written", [(0, "1"), (-5, "1"), (7, "7"), (70000, "70000")])
def test_weights_are_what_nanny_used(weight, written):
    c = convert(cluster(weight=weight))
    assert ("weight", written) in block(c.text, "real_server 192.168.10.11 8080")
    assert ("LVS719" in codes(c)) == (weight > 65535)


def test_inactive_blocks_are_left_out_and_duplicates_reported():
    text = cluster() + """\
virtual off {
     active = 0
     address = 10.0.0.101 eth0:2
     server x {
         address = 192.168.10.30
         active = 1
     }
}
virtual again {
     active = 1
     address = 10.0.0.100 eth0:1
     port = 80
     server y {
         address = 192.168.10.31
         active = 1
     }
}
"""
    c = convert(text)
    assert "10.0.0.101" not in c.text and "192.168.10.31" not in c.text
    assert "LVS705" in codes(c)


def test_duplicate_dr_destinations_are_reported():
    text = cluster(network="direct").replace("192.168.10.12", "192.168.10.11")
    c = convert(text)
    assert "LVS706" in codes(c) and c.text.count("real_server 192.168.10.11 80 {") == 1


def test_vrrp_is_non_preemptive_with_the_primary_preferred(keepalived_t):
    primary, backup = convert(cluster()), convert(cluster(), node="backup")
    results = keepalived_t.many([primary.text, backup.text])
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    for c, prio, me, peer in [(primary, "150", "10.0.0.1", "10.0.0.2"), (backup, "100", "10.0.0.2", "10.0.0.1")]:
        vi = block(c.text, "vrrp_instance VI_1")
        assert ("state", "BACKUP") in vi and ("nopreempt",) in vi and ("priority", prio) in vi
        assert ("advert_int", "2") in vi and ("unicast_src_ip", me) in vi and (peer,) in vi
        assert ("virtual_router_id", "51") in vi and ("interface", "eth0") in vi
    addresses = block(primary.text, "virtual_ipaddress")
    assert addresses == [("10.0.0.100/24", "brd", "10.0.0.255", "dev", "eth0", "label", "eth0:1"),
                         ("192.168.10.254/24", "brd", "192.168.10.255", "dev", "eth1", "label", "eth1:1")]


def test_no_backup_file_for_a_single_director():
    c = convert(cluster().replace("backup_active = 1", "backup_active = 0"), node="backup")
    assert c.text == "" and [d.code for d in c.diagnostics if d.severity.name == "ERROR"] == ["LVS716"]


def test_classful_prefix_when_no_netmask(keepalived_t):
    c = convert(cluster().replace("     vip_nmask = 255.255.255.0\n", ""))
    assert ("10.0.0.100/8", "brd", "10.255.255.255", "dev", "eth0", "label", "eth0:1") in block(
        c.text, "virtual_ipaddress")
    assert "LVS718" in codes(c) and keepalived_t(c.text).returncode == 0


def test_globals_timeouts_sync_daemon_and_scripts(keepalived_t):
    text = ("tcp_timeout = 900\nudp_timeout = 60\nsyncdaemon = 1\nsyncd_iface = eth2\nsyncd_id = 258\n"
            "active_cmd = \"/usr/local/sbin/up --vip=10.0.0.100\"\ninactive_cmd = /usr/local/sbin/down\n") + cluster()
    c = convert(text)
    result = keepalived_t(c.text)
    assert result.returncode == 0, result.stderr
    g = block(c.text, "global_defs")
    assert ("lvs_timeouts", "tcp", "900", "udp", "60") in g
    assert ("lvs_sync_daemon", "eth2", "VI_1", "id", "2") in g  # pulse passed syncd_id & 255
    assert ("enable_script_security",) in g and ("script_user", "root") in g and ("lvs_flush",) in g
    vi = block(c.text, "vrrp_instance VI_1")
    assert ("notify_master", "/usr/local/sbin/up --vip=10.0.0.100") in vi
    assert ("notify_backup", "/usr/local/sbin/down") in vi and ("notify_fault", "/usr/local/sbin/down") in vi


# -- the health checks -----------------------------------------------------------------------


def checker_of(text: str) -> list[tuple[str, ...]]:
    return block(text, "real_server 192.168.10.11")


def test_connect_only_check_is_tcp_check_when_reentry_needs_one_success():
    c = convert(cluster().replace("     port = 80\n", "     port = 81\n"))
    assert ("TCP_CHECK", "{") in checker_of(c.text) and ("connect_port", "8080") in checker_of(c.text)
    assert ("connect_timeout", "5") in checker_of(c.text) and ("retry", "0") in checker_of(c.text)


def test_implicit_http_check_on_port_80_becomes_http_get():
    c = convert(cluster())
    chk = checker_of(c.text)
    assert ("HTTP_GET", "{") in chk and ("path", "/") in chk and ("status_code", "100-599") in chk
    assert "LVS710" in codes(c)


def test_reentry_above_one_check_runs_the_probe_with_nanny_count():
    c = convert(cluster().replace("reentry = 5", "reentry = 180"))
    (path,) = [s for s in checker_of(c.text) if s[0] == "misc_path"]
    assert path[1].startswith("/usr/local/bin/lvscf-probe -h 192.168.10.11 -p 80 -r 8080 -t 5 -a 180")
    assert "LVS707" not in codes(c)
    native = convert(cluster().replace("reentry = 5", "reentry = 180"), checks_mode="native")
    assert ("HTTP_GET", "{") in checker_of(native.text) and "LVS707" in codes(native)


@pytest.mark.parametrize("extra", [
    '     send = "HELO x\\r\\n"\n     expect = "220"\n',
    '     send = "GET / HTTP/1.0\\r\\n\\r\\n"\n     expect = "HTTP/1.1 200"\n',
    '     expect = "^HTTP"\n     use_regex = 1\n',
    '     protocol = udp\n     send = "ping"\n     expect = "pong"\n',
    '     send_program = "/usr/local/bin/chk %h %p"\n     expect = "OK"\n',
])
def test_checks_keepalived_cannot_express_run_the_probe(extra, keepalived_t):
    c = convert(cluster(extra=extra))
    assert keepalived_t(c.text).returncode == 0
    (path,) = [s for s in checker_of(c.text) if s[0] == "misc_path"]
    words = path[1].split(" ")
    assert all(re.fullmatch(r"[A-Za-z0-9_./:=,@%+-]+", w) for w in words), words
    native = convert(cluster(extra=extra), checks_mode="native")
    assert ("TCP_CHECK", "{") in checker_of(native.text) and "LVS711" in codes(native)


def test_probe_arguments_decode_to_what_nanny_received():
    from urllib.parse import unquote_to_bytes

    c = convert(cluster(extra='     send = "a b%c\\r\\n"\n     expect = "\'x\'"\n'))
    (path,) = [s for s in checker_of(c.text) if s[0] == "misc_path"]
    options = dict(w.split("=", 1) for w in path[1].split(" ") if w.startswith("--"))
    assert unquote_to_bytes(options["--send"]) == b"a b%c\\r\\n"
    assert unquote_to_bytes(options["--expect"]) == b"'x'"


# -- safety: nothing from lvs.cf can change keepalived's reading -------------------------------------


HOSTILE = ['x"y', "x{y", "x}y", "x#y", "x!y", "$_BANG", "${X}", "include /etc/passwd", "@id x", "~SEQ(a,1,2)",
           "a\\b", "x'y", "x" * 2000, "\x01", "caf\xe9"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_are_refused_or_harmless(value, keepalived_t):
    """Every string field of lvs.cf that reaches keepalived.conf, with a hostile value."""
    base = lvscf.loads(cluster(extra='     send = "x"\n     expect = "y"\n').encode(), "t.cf").config
    virtual = base.virtuals[0]
    variants = {
        "names": attrs.evolve(base, virtuals=(attrs.evolve(virtual, name=value, servers=tuple(
            attrs.evolve(s, name=value) for s in virtual.servers)),)),
        "send": attrs.evolve(base, virtuals=(attrs.evolve(virtual, send=value),)),
        "expect": attrs.evolve(base, virtuals=(attrs.evolve(virtual, expect=value, use_regex=True),)),
        "send_program": attrs.evolve(base, virtuals=(attrs.evolve(virtual, send_program=value),)),
        "device": attrs.evolve(base, virtuals=(attrs.evolve(virtual, address=lvscf.DeviceAddress(
            IPv4Address("10.0.0.100"), value)),)),
        "nat_router": attrs.evolve(base, nat_router=lvscf.DeviceAddress(IPv4Address("192.168.10.254"), value)),
        "syncd_iface": attrs.evolve(base, syncdaemon=True, syncd_iface=value),
        "active_cmd": attrs.evolve(base, active_cmd="/bin/x " + value),
        "inactive_cmd": attrs.evolve(base, inactive_cmd=value),
        "client_monitor": attrs.evolve(base, virtuals=(attrs.evolve(virtual, client_monitor=value),)),
        "load_monitor": attrs.evolve(base, virtuals=(attrs.evolve(virtual, load_monitor=value),)),
    }
    written = []
    for field, config in variants.items():
        c = keepalived(config)
        if c.has_errors:
            assert c.text == "", field
            # an expect regex may also be too costly to match (LVS725)
            refusals = {"LVS701", "LVS702"} | ({"LVS725"} if field == "expect" else set())
            assert {d.code for d in c.diagnostics if d.severity.name == "ERROR"} <= refusals, field
            continue
        # accepted: the value reaches the file only in a form that reads back as what we meant
        assert statements(c.text)  # write() has already proved text == tree
        assert sum(1 for s in statements(c.text) if s[0] == "virtual_server") == 1, field
        written.append(c.text)
    results = keepalived_t.many(written)
    assert [r.returncode for r in results] == [0] * len(written), [r.stderr for r in results]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(codec="latin-1"), max_size=60), st.sampled_from(
    ["name", "send", "expect", "send_program", "device", "active_cmd", "syncd_iface"]))
def test_any_value_is_refused_or_reads_back_exactly(value, field):
    base = lvscf.loads(cluster(extra='     send = "x"\n     expect = "y"\n').encode(), "t.cf").config
    virtual = base.virtuals[0]
    if field == "device":
        config = attrs.evolve(base, virtuals=(attrs.evolve(virtual, address=lvscf.DeviceAddress(
            IPv4Address("10.0.0.100"), value)),))
    elif field in ("active_cmd", "syncd_iface"):
        config = attrs.evolve(base, **{field: value}, syncdaemon=True)
    else:
        config = attrs.evolve(base, virtuals=(attrs.evolve(virtual, **{field: value}),))
    c = keepalived(config)  # SyntaxCheckError would mean a value slipped through unvalidated
    assert c.has_errors == (c.text == "")


def test_the_writer_refuses_a_tree_keepalived_would_misread():
    for hostile in ["a#b", "a}b", "a$b", "a!b", "x" * 1200, 'a"b']:
        with pytest.raises(SyntaxCheckError):
            write([Directive("lb_algo", (hostile,))])
    with pytest.raises(SyntaxCheckError):
        write([Directive("include", ("/etc/x",))])
    with pytest.raises(SyntaxCheckError):
        write([Directive("lb_algo", ("",))])


def test_reread_follows_keepalived_reader():
    text = 'a "b c" d # x\nreal_server 1.2.3.4 80 {\n  weight 1 } frob 2\n'
    assert reread(text) == [("a", "b c", "d"), ("real_server", "1.2.3.4", "80", "{"), ("weight", "1", "}"),
                            ("frob", "2")]


def test_value_validators():
    assert interface("eth0", "x") == "eth0"
    assert device_label("eth0:1", "x") == ("eth0", "eth0:1")
    for bad in ["eth0 x", "e" * 16, "eth$", ""]:
        with pytest.raises(Refused):
            interface(bad, "x")
    with pytest.raises(Refused):
        device_label("eth0:" + "1" * 12, "x")  # a label longer than 15 characters
    with pytest.raises(Refused):
        command_words(["relative/path"], "x")
    assert percent("a b%\r\n\xff") == "a%20b%25%0D%0A%C3%BF" or percent("a b%\r\n\xff") == "a%20b%25%0D%0A%FF"


# -- keepalived -t on everything we can convert -------------------------------------------------


def _outputs(paths, node: str, mode: str):
    out = []
    for path in paths:
        c = keepalived(lvscf.loads(path.read_bytes(), path.name).config, node=node, checks_mode=mode)
        out.append((path, c))
    return out


@pytest.mark.parametrize("node,mode", [("primary", "exact"), ("backup", "exact"), ("primary", "native")])
def test_every_corpus_conversion_passes_keepalived_t(node, mode, keepalived_t):
    converted = _outputs(corpus_files(), node, mode)
    written = [(p, c) for p, c in converted if not c.has_errors]
    for path, c in converted:
        if c.has_errors:  # only a backup file for a single director is refused
            assert node == "backup" and [d.code for d in c.diagnostics if d.severity.name == "ERROR"] == ["LVS716"]
    assert len(written) >= (11 if node == "backup" else 20)
    results = keepalived_t.many([c.text for _, c in written])
    bad = [(p.name, r.returncode, r.stderr) for (p, _), r in zip(written, results) if r.returncode or r.stderr]
    assert not bad, bad


def test_every_rule_fixture_conversion_passes_keepalived_t_or_is_refused(keepalived_t):
    converted = _outputs(RULE_FIXTURES, "primary", "exact")
    written = [(p, c) for p, c in converted if not c.has_errors]
    for path, c in converted:
        if c.has_errors:
            assert c.text == ""
            # a value keepalived.conf cannot hold, a host name, or a real server nanny's ipvsadm -a fails for
            assert {d.code for d in c.diagnostics if d.severity.name == "ERROR"} <= {"LVS701", "LVS702", "LVS725", "LVS731"}, path
    results = keepalived_t.many([c.text for _, c in written])
    bad = [(str(p.relative_to(FIXTURES)), r.returncode, r.stderr) for (p, _), r in zip(written, results)
           if r.returncode or r.stderr]
    assert not bad, bad


# -- reviewed snapshots ----------------------------------------------------------------------


GOLDEN_INPUTS = [EXAMPLES / "lvs-nat-tutorial.cf", *corpus_files()]


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.name)
def test_conversion_matches_the_reviewed_snapshot(path):
    """tests/fixtures/golden/keepalived/: NAME.primary.conf, NAME.backup.conf and NAME.report.txt
    (rewrite with LVSCF_UPDATE_GOLDENS=1 and review the diff; notes in REVIEW.md there)."""
    config = lvscf.loads(path.read_bytes(), path.name).config
    outputs = {}
    report = []
    for node in ("primary", "backup"):
        c = keepalived(config, node=node)
        outputs[f"{path.name}.{node}.conf"] = c.text
        report.append(f"## --node {node}\n" + concise(c.diagnostics))
    outputs[f"{path.name}.report.txt"] = "\n".join(report)
    for name, text in outputs.items():
        golden = GOLDEN / name
        if os.environ.get("LVSCF_UPDATE_GOLDENS"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == text, name


def test_what_is_not_reproduced_is_also_a_comment_in_the_file():
    text = cluster(weight=50, extra="     load_monitor = uptime\n").replace("reentry = 5", "reentry = 60")
    native = convert(text, checks_mode="native").text
    vs = native[native.index("virtual_server"):]
    for code in ("LVS707", "LVS708", "LVS709"):
        assert f"({code})" in vs.split("real_server")[0], code
    exact = convert(text).text
    assert "# nanny's health check, run by lvscf-probe (a failed server returns after 12 good checks" in exact
    assert "(LVS707)" not in exact


def test_host_name_vip_of_a_fwmark_virtual_is_refused_not_dropped():
    c = convert(cluster(extra="     fwmark = 7\n").replace("address = 10.0.0.100 eth0:1", "address = vip.example.com eth0:1"))
    assert c.text == "" and [(d.code, d.line) for d in c.diagnostics if d.severity.name == "ERROR"] == [("LVS702", 11)]


def test_an_out_of_range_virtual_port_is_refused_at_the_port_line():
    c = convert(cluster().replace("     port = 80\n", "     port = 70000\n"))
    assert [(d.code, d.line) for d in c.diagnostics if d.severity.name == "ERROR"] == [("LVS701", 13)]


# -- every number within what keepalived 2.2.7 accepts (issue 10, item 4) ---------------------------


def refusals(c) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in c.diagnostics if d.severity.name == "ERROR"]


def line_of(text: str, start: str) -> int:
    """The number of the line of ``text`` that starts (after blanks) with ``start``."""
    (number,) = [i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start)]
    return number


TCP_ONLY = cluster().replace("     port = 80\n", "     port = 81\n").replace("reentry = 5", "reentry = 1")
PROBE_CHECK = cluster(extra='     send = "HELO x\\r\\n"\n     expect = "220"\n')


@pytest.mark.parametrize("text,checker,limit", [(PROBE_CHECK, "misc_timeout", 2146), (TCP_ONLY, "connect_timeout", 4294)],
                         ids=["probe", "tcp-check"])
def test_the_largest_timeout_keepalived_accepts_is_written_and_one_more_is_refused(text, checker, limit, keepalived_t):
    at_limit = convert(text.replace("timeout = 5", f"timeout = {limit}"))
    above = convert(text.replace("timeout = 5", f"timeout = {limit + 1}"))
    assert not at_limit.has_errors and checker in at_limit.text
    assert refusals(above) == [("LVS701", line_of(text, "timeout ="))] and above.text == ""
    (message,) = [d.message for d in above.diagnostics if d.code == "LVS701"]
    assert f"timeout = {limit + 1} gives {checker} {2 * limit + 4 if checker == 'misc_timeout' else limit + 1}" in message
    # and keepalived itself draws the line there: the written file passes, one more fails
    over = at_limit.text.replace(f"{checker} {2 * limit + 2 if checker == 'misc_timeout' else limit}",
                                 f"{checker} {2 * limit + 3 if checker == 'misc_timeout' else limit + 1}")
    assert over != at_limit.text
    results = keepalived_t.many([at_limit.text, over])
    assert results[0].returncode == 0 and results[0].stderr == "", results[0].stderr
    assert results[1].returncode != 0 and "invalid" in results[1].stderr.lower(), results[1].stderr


def test_issue_timeouts_2147_and_4295_are_refused_at_the_timeout_line():
    # the two values of the report: misc_timeout 4296 and connect_timeout 4295 were written
    assert refusals(convert(PROBE_CHECK.replace("timeout = 5", "timeout = 2147"))) == [
        ("LVS701", line_of(PROBE_CHECK, "timeout ="))]
    assert refusals(convert(TCP_ONLY.replace("timeout = 5", "timeout = 4295"))) == [
        ("LVS701", line_of(TCP_ONLY, "timeout ="))]


@pytest.mark.parametrize("key,good,bad", [("tcp_timeout", 2678400, 2678401), ("keepalive", 255, 256)],
                         ids=["lvs_timeouts", "advert_int"])
def test_global_numbers_at_keepalived_limits(key, good, bad, keepalived_t):
    text = cluster().replace("keepalive = 2\n", "keepalive = 2\ntcp_timeout = 900\n")
    ok = convert(text.replace(f"{key} = {2 if key == 'keepalive' else 900}\n", f"{key} = {good}\n"))
    assert not ok.has_errors and f" {good}" in ok.text and keepalived_t(ok.text).returncode == 0
    assert refusals(convert(text.replace(f"{key} = {2 if key == 'keepalive' else 900}\n", f"{key} = {bad}\n"))) == [
        ("LVS701", line_of(text, f"{key} ="))]


def test_persistence_and_sorry_server_port_at_keepalived_limits(keepalived_t):
    ok = convert(cluster(extra="     persistent = 2678400\n"))
    assert not ok.has_errors and keepalived_t(ok.text).returncode == 0
    assert refusals(convert(cluster(extra="     persistent = 2678401\n"))) == [("LVS701", 14)]
    # a fwmark NAT virtual's sorry server is added at the virtual's port, which nothing else checks
    fw = cluster(extra="     fwmark = 7\n     sorry_server = 192.168.10.99\n").replace("port = 80\n", "port = 70000\n")
    assert refusals(convert(fw)) == [("LVS701", 13)]


def test_weight_above_keepalived_limit_is_refused():
    # lvs.cf holds a C int, so only a model built by hand can carry 2**31; the writer still checks it
    base = lvscf.loads(cluster().encode(), "t.cf").config
    virtual = base.virtuals[0]
    for weight, refused in [(2**31 - 1, False), (2**31, True)]:
        config = attrs.evolve(base, virtuals=(attrs.evolve(virtual, servers=(
            attrs.evolve(virtual.servers[0], weight=weight), *virtual.servers[1:])),))
        assert keepalived(config).has_errors is refused, weight


def test_every_number_written_is_one_keepalived_accepts():
    """The writer's own check (ranges.out_of_range) knows every numeric keyword the converter writes:
    each statement with a number in any conversion of the corpus and the fixtures is covered."""
    from lvscf.emit.keepalived.ranges import numbers, out_of_range

    paths = [*corpus_files(), *RULE_FIXTURES, *sorted((FIXTURES / "keepalived").glob("*/*.cf"))]
    seen = set()
    for path in paths:
        for node, mode in [("primary", "exact"), ("primary", "native")]:
            c = keepalived(lvscf.loads(path.read_bytes(), path.name).config, node=node, checks_mode=mode)
            for st_ in statements(c.text):
                words = st_[1:-1] if st_[-1] == "{" else st_[1:]
                if any(w.isdigit() for w in words):
                    covered = list(numbers(Directive(st_[0], words)))
                    assert covered, st_
                    seen.add(st_[0])
                    assert not list(out_of_range([Directive(st_[0], words)])), st_
    assert {"delay_loop", "misc_timeout", "weight", "real_server", "advert_int"} <= seen


# -- VRRP: nothing keepalived refuses (issue 10, item 5) ----------------------------------------------


@pytest.mark.parametrize("key", ["primary", "backup"])
def test_a_host_name_director_gives_multicast_vrrp_on_both_nodes(key, keepalived_t):
    text = cluster().replace(f"{key} = 10.0.0.{1 if key == 'primary' else 2}", f"{key} = lvs2.example.com")
    primary, backup = convert(text), convert(text, node="backup")
    results = keepalived_t.many([primary.text, backup.text])
    assert [(r.returncode, r.stderr) for r in results] == [(0, ""), (0, "")]
    for c in (primary, backup):
        vi = block(c.text, "vrrp_instance VI_1")
        assert not any(s[0] in ("unicast_src_ip", "unicast_peer") for s in vi), vi
        (note,) = [d for d in c.diagnostics if d.code == "LVS723"]
        assert note.line == (1 if key == "primary" else 2) and "host name lvs2.example.com" in note.message


def test_vrrp_never_runs_on_the_loopback(keepalived_t):
    on_lo = cluster().replace("address = 10.0.0.100 eth0:1", "address = 10.0.0.100 lo:1")
    # the first address is on lo: VRRP runs on the next device pulse brought up (the NAT router's)
    c = convert(on_lo)
    assert not c.has_errors and ("interface", "eth1") in block(c.text, "vrrp_instance VI_1")
    assert keepalived_t(c.text).returncode == 0
    # no other device: refused at the address, not written with `interface lo`
    only_lo = convert(on_lo.replace("network = nat", "network = direct"))
    assert refusals(only_lo) == [("LVS701", 11)] and only_lo.text == ""
    with pytest.raises(ValueError, match="loopback"):
        convert(cluster(), interface="lo")
    with pytest.raises(ValueError, match="not an interface name"):
        convert(cluster(), interface="eth0;rm")


# -- the harness creates whatever interfaces a config names (issue 12, item 6) -----------------------


def test_interfaces_of_reads_every_interface_a_config_names():
    from conftest import interfaces_of

    text = """\
global_defs {
    lvs_sync_daemon bond0.100 VI_1 id 3
}
vrrp_instance VI_1 {
    interface em1
    track_interface {
        em2
        p1p1 weight 10
    }
    virtual_ipaddress {
        10.0.0.100/24 dev bond0 label bond0:1
        10.0.0.101/24 dev lo
    }
}
virtual_server 10.0.0.100 80 {
    real_server 10.0.1.1 80 {
        TCP_CHECK {
            bind_if eno1
        }
    }
}
"""
    assert interfaces_of(text) == {"bond0.100", "em1", "em2", "p1p1", "bond0", "eno1"}


EM1_BOND0 = """\
serial_no = 3
primary = 10.20.0.11
backup = 10.20.0.12
backup_active = 1
network = nat
nat_router = 192.168.50.1 bond0:1
nat_nmask = 255.255.255.0
syncdaemon = 1
syncd_iface = bond0
virtual web {
     active = 1
     address = 10.20.0.100 em1:1
     vip_nmask = 255.255.255.0
     port = 443
     timeout = 6
     reentry = 6
     server web1 {
         address = 192.168.50.11
         active = 1
     }
}
virtual local {
     active = 1
     address = 127.0.0.2 lo:2
     port = 8080
     timeout = 6
     reentry = 6
     server web2 {
         address = 192.168.50.12
         active = 1
     }
}
"""


def test_a_cluster_on_em1_and_bond0_passes_keepalived_t(keepalived_t):
    """Device names other than eth0-eth3, and an address on lo (which every namespace has)."""
    primary, backup = convert(EM1_BOND0), convert(EM1_BOND0, node="backup")
    assert not primary.has_errors and not backup.has_errors
    results = keepalived_t.many([primary.text, backup.text])
    assert [(r.returncode, r.stderr) for r in results] == [(0, ""), (0, "")]
    assert keepalived_t.interfaces == {"em1", "bond0"}
    vi = block(primary.text, "vrrp_instance VI_1")
    assert ("interface", "em1") in vi and ("lvs_sync_daemon", "bond0", "VI_1", "id", "0") in block(
        primary.text, "global_defs")


def test_no_active_virtual_is_reported_and_brings_up_nothing():
    # pulse exits at start: not even the NAT router's address is brought up
    c = convert(cluster().replace("     active = 1\n     address = 10.0.0.100", "     active = 0\n     address = 10.0.0.100"))
    assert not c.has_errors and "vrrp_instance" not in c.text and "virtual_server" not in c.text
    (note,) = [d for d in c.diagnostics if d.code == "LVS730"]
    assert note.severity.name == "WARNING" and "Piranha ran nothing" in note.message


def test_more_than_255_addresses_are_moved_to_the_excluded_list(keepalived_t):
    # keepalived 2.2.7 puts at most 255 addresses in one advertisement and warns (-t exits 5)
    # when virtual_ipaddress holds more; the rest are still brought up with the instance's state.
    virtuals = "".join(f"virtual v{n} {{\n     active = 1\n     address = 10.{n // 250}.{n % 250}.1 eth0:{n}\n"
                       f"     port = 80\n     server s{n} {{\n         address = 192.168.1.{1 + n % 250}\n"
                       f"         active = 1\n     }}\n}}\n" for n in range(300))
    c = convert("primary = 192.168.0.10\nservice = lvs\nnetwork = direct\n" + virtuals, checks_mode="native")
    assert not c.has_errors
    advertised = block(c.text, "virtual_ipaddress")
    excluded = block(c.text, "virtual_ipaddress_excluded")
    assert len(advertised) == 255 and len(excluded) == 45
    assert advertised[0][0] == "10.0.0.1/8" and excluded[-1][0] == "10.1.49.1/8"
    run = keepalived_t(c.text)
    assert (run.returncode, run.stderr) == (0, "")
