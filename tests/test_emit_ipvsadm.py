"""The ipvsadm converter (lvscf.emit.ipvsadm): the steady-state IPVS table Piranha programs.

Unit tests for each rule of lvs-cf-format.md §7.3 as ipvsadm-save -n prints it
(FINDINGS.md of tools/ipvs-vm), every migration-report code, ipvsadm's sort
order, and reviewed golden files for the tutorial and every corpus file Piranha
accepts (tests/fixtures/convert/<name>.ipvsadm and <name>.ipvsadm.report).
Rewrite the goldens after a deliberate change with
`LVSCF_UPDATE_GOLDENS=1 python -m pytest tests/test_emit_ipvsadm.py` and review
the diff.  tests/test_ipvs_vm.py restores every conversion into a real kernel.
"""

from __future__ import annotations

import itertools
import os
import re
from ipaddress import IPv4Address

import pytest
from hypothesis import HealthCheck, given, settings

import lvscf
from conftest import EXAMPLES, FIXTURES, corpus_files
from lvscf.emit.conversion import Conversion
from lvscf.emit.ipvsadm import CODES, ipvsadm
from lvscf.report.text import concise
from strategies import configs

GOLDEN = FIXTURES / "convert"


def convert(text: str, **options) -> Conversion:
    options.setdefault("header", False)
    return ipvsadm(lvscf.loads(text, "t.cf").config, **options)


def table(text: str, **options) -> list[str]:
    return convert(text, **options).text.splitlines()


def codes(conversion) -> list[str]:
    return [d.code for d in conversion.diagnostics]


def the(conversion, code: str):
    found = [d for d in conversion.diagnostics if d.code == code]
    assert len(found) == 1, concise(conversion.diagnostics)
    return found[0]


def virtual(body: str, name: str = "www", head: str = "") -> str:
    """A file with one virtual block (``body`` without indentation, one setting per line)."""
    inner = "".join(f"     {line}\n" for line in body.strip().splitlines())
    return f"{head}virtual {name} {{\n{inner}}}\n"


def server(name: str, address: str, *more: str) -> str:
    """A server block as lines for :func:`virtual`'s body."""
    return "\n".join([f"server {name} {{", f"     address = {address}", "     active = 1", *[f"     {m}" for m in more],
                      "}"])


WWW = "active = 1\naddress = 192.168.0.41 eth0:1\nport = 80\n"


# -- the tutorial, exactly -----------------------------------------------------------------------------------------


def test_tutorial_nat_table_exactly():
    result = lvscf.load(EXAMPLES / "lvs-nat-tutorial.cf")
    conversion = ipvsadm(result.config)
    assert conversion.text == (
        f"# lvscf {lvscf.__version__}: ipvsadm rules for {EXAMPLES / 'lvs-nat-tutorial.cf'}\n"
        "-A -t 192.168.0.41:80 -s rr\n"
        "-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1\n"
        "-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 1\n"
    )
    assert not conversion.has_errors


# -- header, flush, timeouts ---------------------------------------------------------------------------------------


def test_header_is_a_column_0_comment_naming_the_file():
    text = ipvsadm(lvscf.loads(virtual(WWW), "/etc/sysconfig/ha/lvs.cf").config).text
    assert text.startswith(f"# lvscf {lvscf.__version__}: ipvsadm rules for /etc/sysconfig/ha/lvs.cf\n")
    assert ipvsadm(lvscf.loads(virtual(WWW)).config).text.startswith(f"# lvscf {lvscf.__version__}: ipvsadm "
                                                                       f"rules\n")
    assert not convert(virtual(WWW)).text.startswith("#")


def test_header_cannot_inject_a_line_through_the_path():
    text = ipvsadm(lvscf.loads(virtual(WWW), "evil\n-C\r\u2028.cf").config).text
    assert text.splitlines()[0] == "# lvscf %s: ipvsadm rules for evil\\x0a-C\\x0d\\u2028.cf" % lvscf.__version__
    assert text.count("\n") == 2 and "-C" not in text.splitlines()[1:]


def test_flush_and_timeouts_lines_come_first_in_lvsd_order():
    text = virtual(WWW, head="tcp_timeout = 3600\ntcpfin_timeout = 60\nudp_timeout = 0\n")
    assert table(text, flush=True, timeouts=True) == ["--set 3600 60 0", "-C", "-A -t 192.168.0.41:80 -s wlc"]
    assert table(text, flush=True) == ["-C", "-A -t 192.168.0.41:80 -s wlc"]
    assert table(virtual(WWW), timeouts=True)[0] == "--set 0 0 0"  # lvsd always runs it


def test_timeouts_not_written_are_reported_once():
    conversion = convert(virtual(WWW, head="tcpfin_timeout = 60\nudp_timeout = 30\n"))
    d = the(conversion, "LVS611")
    assert (d.line, d.severity) == (1, lvscf.Severity.INFO) and "--set 0 60 30" in d.message
    assert "LVS611" not in codes(convert(virtual(WWW, head="tcp_timeout = 0\n")))
    assert "LVS611" not in codes(convert(virtual(WWW, head="tcpfin_timeout = 60\n"), timeouts=True))


@pytest.mark.parametrize("value", ["-1", "2678401"])
def test_timeouts_ipvsadm_rejects_are_never_written(value):
    conversion = convert(virtual(WWW, head=f"tcp_timeout = 10\nudp_timeout = {value}\n"), timeouts=True)
    assert not any(line.startswith("--set") for line in conversion.text.splitlines())
    d = the(conversion, "LVS622")
    assert d.line == 2 and d.severity is lvscf.Severity.WARNING
    assert "LVS611" not in codes(conversion)
    assert table(virtual(WWW, head="tcp_timeout = 2678400\n"), timeouts=True)[0] == "--set 2678400 0 0"


# -- services ------------------------------------------------------------------------------------------------------


def test_service_defaults_scheduler_always_written():
    assert table(virtual("active = 1\naddress = 10.0.0.1 eth0:1")) == ["-A -t 10.0.0.1:80 -s wlc"]


@pytest.mark.parametrize("scheduler", ["lc", "rr", "wlc", "wrr", "lblc", "lblcr", "dh", "sh"])
def test_every_scheduler(scheduler):
    assert table(virtual(WWW + f"scheduler = {scheduler}")) == [f"-A -t 192.168.0.41:80 -s {scheduler}"]


def test_udp_service_and_service_name_port():
    assert table(virtual(WWW + "protocol = udp\nport = domain")) == ["-A -u 192.168.0.41:53 -s wlc"]


def test_persistence_and_pmask():
    assert table(virtual(WWW + "persistent = 300")) == ["-A -t 192.168.0.41:80 -s wlc -p 300"]
    assert table(virtual(WWW + "persistent = 300\npmask = 255.255.255.0")) == [
        "-A -t 192.168.0.41:80 -s wlc -p 300 -M 255.255.255.0"]
    # ipvsadm-save leaves the full mask out; Piranha treats it as unset anyway
    assert table(virtual(WWW + "persistent = 300\npmask = 255.255.255.255")) == [
        "-A -t 192.168.0.41:80 -s wlc -p 300"]
    # -M only with persistence (lvsd), and a non-contiguous mask is printed as given
    assert table(virtual(WWW + "pmask = 255.255.255.0")) == ["-A -t 192.168.0.41:80 -s wlc"]
    assert table(virtual(WWW + "persistent = 1\npmask = 255.0.255.0")) == [
        "-A -t 192.168.0.41:80 -s wlc -p 1 -M 255.0.255.0"]
    assert table(virtual(WWW + "persistent = -5\npmask = 255.255.0.0")) == ["-A -t 192.168.0.41:80 -s wlc"]


def test_persistence_limit():
    assert table(virtual(WWW + "persistent = 2678400")) == ["-A -t 192.168.0.41:80 -s wlc -p 2678400"]
    conversion = convert(virtual(WWW + "persistent = 2678401\n" + server("a", "10.0.0.2")))
    assert conversion.text == ""
    d = the(conversion, "LVS614")
    assert d.line == 5 and d.severity is lvscf.Severity.WARNING and "2678401" in d.message


def test_fwmark_service_ignores_address_protocol_and_port():
    text = virtual(WWW + "fwmark = 7\nprotocol = udp\npersistent = 60\npmask = 255.255.0.0")
    assert table(text) == ["-A -f 7 -s wlc -p 60 -M 255.255.0.0"]
    d = the(convert(text), "LVS608")
    assert d.line == 5 and d.severity is lvscf.Severity.WARNING


@pytest.mark.parametrize("fwmark", ["-5", "3000000000"])  # 3000000000 is -1294967296 in Piranha's C int
def test_negative_fwmark_is_left_out(fwmark):
    text = virtual(WWW + f"fwmark = {fwmark}\n" + server("a", "10.0.0.2")) + virtual(
        "active = 1\naddress = 192.168.0.42 eth0:2", name="next")
    conversion = convert(text)
    assert conversion.text == "-A -t 192.168.0.42:80 -s wlc\n"
    assert the(conversion, "LVS614").line == 5


def test_port_zero_only_with_persistence():
    conversion = convert(virtual(WWW + "port = 0\n" + server("a", "10.0.0.2")))
    assert conversion.text == "" and the(conversion, "LVS614").line == 5  # the last `port` counts
    assert table(virtual(WWW + "port = 0\npersistent = 60\n" + server("a", "10.0.0.2"))) == [
        "-A -t 192.168.0.41:0 -s wlc -p 60", "-a -t 192.168.0.41:0 -r 10.0.0.2:0 -m -w 1"]
    # a fwmark service has no port
    assert table(virtual(WWW + "port = 0\nfwmark = 3")) == ["-A -f 3 -s wlc"]


@pytest.mark.parametrize("port", ["-1", "65536", "0x10000"])
def test_virtual_port_out_of_range_is_left_out(port):
    conversion = convert(virtual(WWW + f"port = {port}"))
    assert conversion.text == "" and the(conversion, "LVS614").line == 5


def test_inactive_virtual_is_left_out_and_noted():
    conversion = convert(virtual("address = 10.0.0.1 eth0:1", name="off") + virtual(WWW + "active = 0") +
                         virtual(WWW.replace("41", "42"), name="on"))
    assert conversion.text == "-A -t 192.168.0.42:80 -s wlc\n"
    found = [(d.line, d.column) for d in conversion.diagnostics if d.code == "LVS606"]
    assert found == [(1, 1), (8, 15)]  # no `active`: the header; else the value
    assert "LVS623" not in codes(conversion)


def test_no_active_virtual_is_an_empty_table():
    conversion = convert(virtual("address = 10.0.0.1 eth0:1") + "syncdaemon = 1\n", flush=True)
    assert conversion.text == "-C\n"
    assert sorted(codes(conversion)) == ["LVS606", "LVS623"]  # pulse exits: no sync daemon either
    assert convert("").text == "" and codes(convert("")) == ["LVS623"]


def test_host_name_virtual_address_is_an_error_and_left_out():
    conversion = convert(virtual("active = 1\naddress = www.example.com eth0:1\n" + server("a", "10.0.0.2")) +
                         virtual(WWW, name="ok"))
    assert conversion.text == "-A -t 192.168.0.41:80 -s wlc\n"
    d = the(conversion, "LVS613")
    assert (d.severity, d.line, d.column) == (lvscf.Severity.ERROR, 3, 16) and "www.example.com" in d.message
    assert conversion.has_errors


def test_host_name_virtual_address_does_not_matter_to_a_fwmark_service():
    conversion = convert(virtual("active = 1\naddress = www.example.com eth0:1\nfwmark = 5\n" +
                                 server("a", "10.0.0.2")))
    assert conversion.text == "-A -f 5 -s wlc\n-a -f 5 -r 10.0.0.2:80 -m -w 1\n"
    assert "LVS613" not in codes(conversion)


def test_unset_vip_is_written_as_lvsd_does_and_reported():
    conversion = convert(virtual("active = 1\n" + server("a", "10.0.0.2")))
    assert conversion.text == "-A -t 0.0.0.0:80 -s wlc\n-a -t 0.0.0.0:80 -r 10.0.0.2:80 -m -w 1\n"
    assert the(conversion, "LVS619").severity is lvscf.Severity.WARNING
    assert "LVS619" not in codes(convert(virtual("active = 1\naddress = 0.0.0.0 eth0:1\nfwmark = 1")))
    assert "LVS619" in codes(convert(virtual("active = 1\naddress = 0.0.0.0 eth0:1")))


# -- duplicate services --------------------------------------------------------------------------------------------


def test_duplicate_service_keeps_the_first():
    first = virtual(WWW + "scheduler = rr\n" + server("a", "10.0.0.2"), name="one")
    second = virtual(WWW + "scheduler = lc\n" + server("b", "10.0.0.3"), name="two")
    conversion = convert(first + second)
    assert conversion.text == "-A -t 192.168.0.41:80 -s rr\n-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1\n"
    d = the(conversion, "LVS615")
    assert d.line == 11 and d.related[0].line == 1 and '"one"' in d.message


def test_same_fwmark_twice_is_a_duplicate_and_the_protocol_counts_for_addresses():
    conversion = convert(virtual(WWW + "fwmark = 100", name="http") +
                         virtual(WWW + "fwmark = 100\nport = 443", name="https"))
    assert conversion.text == "-A -f 100 -s wlc\n" and "LVS615" in codes(conversion)
    both = convert(virtual(WWW, name="t") + virtual(WWW + "protocol = udp", name="u") +
                   virtual(WWW + "fwmark = 80", name="f"))
    assert both.text == "-A -t 192.168.0.41:80 -s wlc\n-A -u 192.168.0.41:80 -s wlc\n-A -f 80 -s wlc\n"
    assert "LVS615" not in codes(both)


def test_a_rejected_first_virtual_does_not_occupy_the_service():
    conversion = convert(virtual(WWW + "persistent = 9999999", name="bad") + virtual(WWW, name="good"))
    assert conversion.text == "-A -t 192.168.0.41:80 -s wlc\n"
    assert "LVS615" not in codes(conversion) and "LVS614" in codes(conversion)


def test_inactive_virtuals_do_not_occupy_the_service():
    conversion = convert(virtual(WWW + "active = 0\nscheduler = rr", name="off") + virtual(WWW, name="on"))
    assert conversion.text == "-A -t 192.168.0.41:80 -s wlc\n" and "LVS615" not in codes(conversion)


# -- real servers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("network, flag, port", [("nat", "-m", 8080), ("direct", "-g", 80), ("tunnel", "-i", 80)])
def test_forwarding_method_and_the_port_the_kernel_stores(network, flag, port):
    text = virtual(WWW + server("a", "10.0.0.2", "port = 8080"), head=f"network = {network}\n")
    tail = " --tun-type ipip" if flag == "-i" else ""
    assert table(text) == ["-A -t 192.168.0.41:80 -s wlc", f"-a -t 192.168.0.41:80 -r 10.0.0.2:{port} {flag} -w 1"
                                                           f"{tail}"]


@pytest.mark.parametrize("network, flag, port", [("nat", "-m", 8080), ("direct", "-g", 0), ("tunnel", "-i", 0)])
def test_fwmark_real_server_port_is_0_unless_nat(network, flag, port):
    text = virtual(WWW + "fwmark = 9\n" + server("a", "10.0.0.2", "port = 8080"), head=f"network = {network}\n")
    tail = " --tun-type ipip" if flag == "-i" else ""
    assert table(text) == ["-A -f 9 -s wlc", f"-a -f 9 -r 10.0.0.2:{port} {flag} -w 1{tail}"]


def test_server_port_defaults_to_the_virtual_port_before_it():
    text = virtual("active = 1\naddress = 192.168.0.41 eth0:1\nport = 8000\n" + server("a", "10.0.0.2"))
    assert table(text)[1] == "-a -t 192.168.0.41:8000 -r 10.0.0.2:8000 -m -w 1"


def test_nat_real_server_port_0_is_kept():
    assert table(virtual(WWW + server("a", "10.0.0.2", "port = 0")))[1] == "-a -t 192.168.0.41:80 -r 10.0.0.2:0 -m -w 1"


def test_weights_are_the_steady_state_ones():
    text = virtual(WWW + "\n".join([server("a", "10.0.0.2", "weight = 1"), server("b", "10.0.0.3", "weight = 100"),
                                    server("c", "10.0.0.4", "weight = 0"), server("d", "10.0.0.5", "weight = -7"),
                                    server("e", "10.0.0.6")]))
    conversion = convert(text)
    assert conversion.text.splitlines()[1:] == [
        "-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1", "-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 100",
        "-a -t 192.168.0.41:80 -r 10.0.0.4:80 -m -w 1", "-a -t 192.168.0.41:80 -r 10.0.0.5:80 -m -w 1",
        "-a -t 192.168.0.41:80 -r 10.0.0.6:80 -m -w 1"]
    slow = the(conversion, "LVS602")
    assert slow.severity is lvscf.Severity.INFO and "weight 3 " in slow.message and "up to 100" in slow.message
    raised = [d for d in conversion.diagnostics if d.code == "LVS604"]
    assert [d.line for d in raised] == [18, 23] and all(d.severity is lvscf.Severity.INFO for d in raised)


def test_weight_above_65535_is_written_and_reported():
    conversion = convert(virtual(WWW + server("a", "10.0.0.2", "weight = 65536") + "\n" +
                                 server("b", "10.0.0.3", "weight = 2147483647")))
    assert conversion.text.splitlines()[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 65536",
                                                "-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 2147483647"]
    assert [d.severity for d in conversion.diagnostics if d.code == "LVS612"] == [lvscf.Severity.WARNING] * 2
    assert "LVS612" not in codes(convert(virtual(WWW + server("a", "10.0.0.2", "weight = 65535"))))


def test_inactive_server_is_left_out_and_noted():
    text = virtual(WWW + "server off {\n     address = 10.0.0.9\n}\n" + server("on", "10.0.0.2"))
    conversion = convert(text)
    assert conversion.text.splitlines()[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1"]
    assert the(conversion, "LVS607").line == 5


def test_host_name_real_server_is_an_error_and_the_others_stay():
    conversion = convert(virtual(WWW + server("a", "web1.example.com") + "\n" + server("b", "10.0.0.3")))
    assert conversion.text.splitlines()[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 1"]
    d = the(conversion, "LVS613")
    assert (d.line, d.severity) == (6, lvscf.Severity.ERROR)


@pytest.mark.parametrize("address", ["0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.255", "255.255.255.255",
                                     "127.255.255.255"])
def test_addresses_the_kernel_refuses_are_left_out(address):
    conversion = convert(virtual(WWW + server("a", address) + "\n" + server("b", "10.0.0.3")))
    assert conversion.text.splitlines()[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 1"]
    d = the(conversion, "LVS617")
    assert (d.line, d.severity) == (6, lvscf.Severity.ERROR)


def test_server_without_address_is_0_0_0_0():
    conversion = convert(virtual(WWW + "server a {\n     active = 1\n}"))
    assert conversion.text == "-A -t 192.168.0.41:80 -s wlc\n"
    d = the(conversion, "LVS617")
    assert d.line == 5 and "no address is written" in d.message  # the server's header


@pytest.mark.parametrize("network", ["nat", "direct"])
def test_real_server_port_out_of_range_is_left_out(network):
    conversion = convert(virtual(WWW + server("a", "10.0.0.2", "port = 70000"), head=f"network = {network}\n"))
    assert conversion.text == "-A -t 192.168.0.41:80 -s wlc\n"
    assert the(conversion, "LVS617").line == 9


def test_hard_shutdown_0_makes_rejected_servers_warnings():
    text = virtual(WWW + "server a {\n     active = 1\n}", head="hard_shutdown = 0\n")
    assert the(convert(text), "LVS617").severity is lvscf.Severity.WARNING


def test_duplicate_real_server_is_written_once_with_the_first_weight():
    text = virtual(WWW + server("a", "10.0.0.2", "weight = 3") + "\n" + server("b", "10.0.0.2", "weight = 5"))
    conversion = convert(text)
    assert conversion.text.splitlines()[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 3"]
    d = the(conversion, "LVS616")
    assert d.line == 10 and d.related[0].line == 5 and d.severity is lvscf.Severity.WARNING


def test_lvsd_monitor_identity_spans_virtuals_with_the_same_vip_port_and_protocol():
    # two fwmark services on one VIP/port: lvsd's monitor list is global, so the second server gets no monitor
    text = (virtual(WWW + "fwmark = 1\n" + server("a", "10.0.0.2"), name="one") +
            virtual(WWW + "fwmark = 2\n" + server("a", "10.0.0.2") + "\n" + server("b", "10.0.0.3"), name="two"))
    conversion = convert(text)
    assert conversion.text == ("-A -f 1 -s wlc\n-a -f 1 -r 10.0.0.2:80 -m -w 1\n"
                               "-A -f 2 -s wlc\n-a -f 2 -r 10.0.0.3:80 -m -w 1\n")
    assert the(conversion, "LVS616").related[0].line == 6


@pytest.mark.parametrize("network, fwmark, severity", [("direct", "", "ERROR"), ("tunnel", "fwmark = 5\n", "ERROR"),
                                                        ("direct", "", "WARNING")])
def test_two_servers_the_kernel_stores_as_one_destination(network, fwmark, severity):
    head = f"network = {network}\n" + ("hard_shutdown = 0\n" if severity == "WARNING" else "")
    text = virtual(WWW + fwmark + server("a", "10.0.0.2", "weight = 2") + "\n" +
                   server("b", "10.0.0.2", "port = 8080", "weight = 4"), head=head)
    conversion = convert(text)
    assert len(conversion.text.splitlines()) == 2 and " -w 2" in conversion.text
    d = the(conversion, "LVS618")
    assert d.severity is lvscf.Severity[severity] and d.related


def test_nat_keeps_two_ports_of_one_address_apart():
    text = virtual(WWW + server("a", "10.0.0.2") + "\n" + server("b", "10.0.0.2", "port = 8080"))
    assert table(text)[1:] == ["-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1",
                               "-a -t 192.168.0.41:80 -r 10.0.0.2:8080 -m -w 1"]


# -- dynamic behaviour reported ------------------------------------------------------------------------------------


def test_sorry_server_is_reported_with_its_exact_line_and_not_written():
    text = virtual(WWW + "sorry_server = 10.0.0.99\n" + server("a", "10.0.0.2"), head="network = direct\n")
    conversion = convert(text)
    assert "10.0.0.99" not in conversion.text
    d = the(conversion, "LVS601")
    assert d.line == 6 and d.severity is lvscf.Severity.WARNING
    assert "`-a -t 192.168.0.41:80 -r 10.0.0.99:80 -g -w 1`" in d.message and "none of its" in d.message
    fwmark = convert(virtual(WWW + "fwmark = 4\nsorry_server = 10.0.0.99", head="network = tunnel\n"))
    assert "`-a -f 4 -r 10.0.0.99:0 -i -w 1 --tun-type ipip`" in the(fwmark, "LVS601").message
    assert "never" in the(fwmark, "LVS601").message  # no active real server: lvsd never arms it


def test_quiesce_load_monitor_and_health_checks_are_reported_for_virtuals_with_servers():
    text = virtual(WWW + "quiesce_server = 1\nload_monitor = uptime\n" + server("a", "10.0.0.2"))
    conversion = convert(text)
    assert {"LVS603", "LVS605", "LVS620"} <= set(codes(conversion))
    assert the(conversion, "LVS605").line == 1
    bare = convert(virtual(WWW + "quiesce_server = 1\nload_monitor = uptime"))
    assert not {"LVS603", "LVS605", "LVS620"} & set(codes(bare))
    assert "LVS620" not in codes(convert(virtual(WWW + "load_monitor = none\n" + server("a", "10.0.0.2"))))


def test_vip_plumbing_once_per_address_and_the_nat_router():
    text = virtual(WWW, name="a") + virtual(WWW + "port = 443", name="b") + virtual(
        WWW.replace(".41", ".42"), name="c")
    conversion = convert("network = nat\nnat_router = 10.0.0.1 eth1:1\n" + text)
    found = [d.line for d in conversion.diagnostics if d.code == "LVS609"]
    assert found == [2, 5, 16]


def test_sync_daemon_is_reported():
    d = the(convert(virtual(WWW, head="syncdaemon = 1\nsyncd_iface = eth1\nsyncd_id = 261\n")), "LVS610")
    assert "--mcast-interface eth1 --syncid 5" in d.message and d.line == 1


def test_failover_service_runs_no_table():
    text = "service = fos\n" + virtual(WWW + server("a", "10.0.0.2"))
    conversion = convert(text)
    assert conversion.text == ""
    assert codes(conversion) == ["LVS621"] and the(conversion, "LVS621").line == 1


# -- order ---------------------------------------------------------------------------------------------------------


def test_services_sort_like_ipvsadm_save():
    blocks = [("f2", "192.168.0.1", "80", "tcp", "7"), ("f1", "10.0.0.1", "80", "tcp", "3"),
              ("u", "10.0.0.1", "53", "udp", "0"), ("t1", "10.0.0.1", "443", "tcp", "0"),
              ("t2", "10.0.0.1", "80", "tcp", "0"), ("t3", "192.168.0.1", "80", "tcp", "0"),
              ("t4", "172.16.0.1", "8080", "tcp", "0")]
    expected = ["-A -t 172.16.0.1:8080 -s wlc", "-A -t 192.168.0.1:80 -s wlc", "-A -t 10.0.0.1:80 -s wlc",
                "-A -t 10.0.0.1:443 -s wlc", "-A -u 10.0.0.1:53 -s wlc", "-A -f 3 -s wlc", "-A -f 7 -s wlc"]
    for order in itertools.islice(itertools.permutations(blocks), 0, None, 97):
        text = "".join(virtual(f"active = 1\naddress = {a} eth0:1\nport = {p}\nprotocol = {proto}\nfwmark = {f}",
                               name=n) for n, a, p, proto, f in order)
        assert table(text) == expected


def test_real_servers_sort_by_wrapping_address_then_port():
    # FINDINGS.md (probe 03): 192.168.1.1 < 200.0.0.1 < 10.0.0.9 for real servers
    servers = [("a", "10.0.0.9", "80"), ("b", "200.0.0.1", "80"), ("c", "192.168.1.1", "81"),
               ("d", "192.168.1.1", "80"), ("e", "10.0.0.10", "80")]
    for order in itertools.permutations(servers):
        text = virtual(WWW + "\n".join(server(n, a, f"port = {p}") for n, a, p in order))
        assert [line.split(" -r ")[1].split()[0] for line in table(text)[1:]] == [
            "192.168.1.1:80", "192.168.1.1:81", "200.0.0.1:80", "10.0.0.9:80", "10.0.0.10:80"]


def test_order_is_deterministic_even_where_ipvsadm_order_is_not():
    # these three addresses form a cycle under ipvsadm's wrapping comparison
    addresses = ["10.0.0.1", "100.0.0.1", "192.168.1.1"]
    results = set()
    for order in itertools.permutations(addresses):
        text = "".join(virtual(f"active = 1\naddress = {a} eth0:1", name=f"v{i}") for i, a in enumerate(order))
        results.add(convert(text).text)
    assert len(results) == 1


# -- the form of every line, for any model -------------------------------------------------------------------------

_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IP = rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}"
_NUM = r"(0|[1-9]\d*)"
_SVC = rf"(-[tu] {_IP}:{_NUM}|-f [1-9]\d*)"
_LINE = re.compile(rf"^(--set {_NUM} {_NUM} {_NUM}|-C|-A {_SVC} -s (lc|rr|wlc|wrr|lblc|lblcr|dh|sh)"
                   rf"( -p [1-9]\d*( -M {_IP})?)?|-a {_SVC} -r {_IP}:{_NUM} "
                   rf"(-m -w {_NUM}|-g -w {_NUM}|-i -w {_NUM} --tun-type ipip))$")


def _check_restorable(text: str) -> None:
    """Every line in save form and in range: nothing in it can make ipvsadm-restore fail or abort."""
    services: dict[str, set] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("#"):
            assert not services and current is None, "only the header may be a comment"
            continue
        assert _LINE.match(line), line
        if line.startswith("-A"):
            svc = line.split(" -s ")[0][3:]
            assert svc not in services, f"duplicate service {line}"
            services[svc], current = set(), svc
            if svc.startswith("-f"):
                assert 1 <= int(svc[3:]) <= 2**31 - 1
            else:
                port = int(svc.rsplit(":", 1)[1])
                assert 0 <= port <= 65535 and (port or " -p " in line)
            if " -p " in line:
                assert 1 <= int(line.split(" -p ")[1].split()[0]) <= 2678400
        elif line.startswith("-a"):
            svc = line.split(" -r ")[0][3:]
            assert svc == current, "a real server line must follow its own service"
            dest = line.split(" -r ")[1].split()[0]
            address, port = dest.rsplit(":", 1)
            assert dest not in services[svc], f"duplicate destination {line}"
            services[svc].add(dest)
            assert 0 <= int(port) <= 65535
            assert not (IPv4Address(address).is_multicast or address.startswith("0.") or
                        address in ("255.255.255.255", "127.255.255.255"))
            weight = int(line.split(" -w ")[1].split()[0])
            assert 1 <= weight <= 2**31 - 1
        elif line.startswith("--set"):
            assert all(0 <= int(n) <= 2678400 for n in line.split()[1:])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_any_model_converts_to_restorable_lines(config):
    conversion = ipvsadm(config, flush=True, timeouts=True)
    assert conversion.text == "" or conversion.text.endswith("\n")
    assert "\r" not in conversion.text and " \n" not in conversion.text
    _check_restorable(conversion.text)
    assert ipvsadm(config, flush=True, timeouts=True) == conversion  # deterministic


# -- the codes -----------------------------------------------------------------------------------------------------

#: One small file per code that makes the converter report it (test_ipvs_vm.py restores these too).
TRIGGERS: dict[str, str] = {
    "LVS601": virtual(WWW + "sorry_server = 10.0.0.99\n" + server("a", "10.0.0.2")),
    "LVS602": virtual(WWW + server("a", "10.0.0.2", "weight = 64")),
    "LVS603": virtual(WWW + "quiesce_server = 1\n" + server("a", "10.0.0.2")),
    "LVS604": virtual(WWW + server("a", "10.0.0.2", "weight = 0")),
    "LVS605": virtual(WWW + server("a", "10.0.0.2")),
    "LVS606": virtual(WWW + "active = 0\n" + server("a", "10.0.0.2")) + virtual(WWW, name="on"),
    "LVS607": virtual(WWW + "server a {\n     address = 10.0.0.2\n     active = 0\n}"),
    "LVS608": virtual(WWW + "fwmark = 2\n" + server("a", "10.0.0.2", "port = 8080"), head="network = direct\n"),
    "LVS609": virtual(WWW, head="network = nat\nnat_router = 10.0.0.1 eth1:1\n"),
    "LVS610": virtual(WWW, head="syncdaemon = 1\n"),
    "LVS611": virtual(WWW, head="tcp_timeout = 3600\n"),
    "LVS612": virtual(WWW + server("a", "10.0.0.2", "weight = 100000")),
    "LVS613": virtual(WWW + server("a", "web1.example.com") + "\n" + server("b", "10.0.0.3")) + virtual(
        "active = 1\naddress = www.example.com eth0:1", name="named"),
    "LVS614": virtual(WWW + "port = 0\n" + server("a", "10.0.0.2")) + virtual(
        WWW + "fwmark = -1", name="m") + virtual(WWW + "persistent = 2678401", name="p") + virtual(
        WWW.replace(".41", ".43") + "port = 65536", name="q") + virtual(WWW.replace(".41", ".42"), name="ok"),
    "LVS615": virtual(WWW + server("a", "10.0.0.2"), name="one") + virtual(WWW + server("b", "10.0.0.3"),
                                                                          name="two"),
    "LVS616": virtual(WWW + server("a", "10.0.0.2") + "\n" + server("b", "10.0.0.2")),
    "LVS617": virtual(WWW + "server none {\n     active = 1\n}\n" + server("m", "224.0.0.5") + "\n" +
                      server("p", "10.0.0.2", "port = 65536") + "\n" + server("ok", "10.0.0.3")),
    "LVS618": virtual(WWW + server("a", "10.0.0.2") + "\n" + server("b", "10.0.0.2", "port = 8080"),
                      head="network = tunnel\n"),
    "LVS619": virtual("active = 1\n" + server("a", "10.0.0.2")),
    "LVS620": virtual(WWW + "load_monitor = ruptime\n" + server("a", "10.0.0.2")),
    "LVS621": "service = fos\n" + virtual(WWW),
    "LVS622": virtual(WWW, head="udp_timeout = 99999999\n"),
    "LVS623": virtual("address = 10.0.0.1 eth0:1"),
}


def test_every_code_has_a_trigger():
    assert sorted(TRIGGERS) == [c.code for c in CODES]


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_trigger_reports_its_code(code):
    conversion = convert(TRIGGERS[code], timeouts=code != "LVS611")
    assert code in codes(conversion), concise(conversion.diagnostics)
    rule = next(c for c in CODES if c.code == code)
    d = next(d for d in conversion.diagnostics if d.code == code)
    assert d.name == rule.name
    _check_restorable(conversion.text)


def test_codes_are_well_formed_documented_and_unique():
    from lvscf.validate import RULES

    assert [c.code for c in CODES] == [f"LVS{n}" for n in range(601, 601 + len(CODES))]
    names = [c.name for c in CODES]
    assert len(set(names)) == len(names)
    others = {r.name for r in RULES if r.code not in {c.code for c in CODES}}
    assert not set(names) & others, set(names) & others
    for c in CODES:
        assert re.match(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", c.name) and c.stage == "convert" and c.check is None
        assert c.summary and not c.summary[0].isupper() and not c.summary.endswith(".")
        for heading in ("## What it reports", "## Why it matters", "## Example"):
            assert heading in c.doc, (c.code, heading)
        assert "Use instead" in c.doc.split("## Example", 1)[1], c.code
    assert {c.severity for c in CODES if c.code in ("LVS613", "LVS617", "LVS618")} == {lvscf.Severity.ERROR}


def test_only_unconvertible_things_are_errors():
    # everything that the output reproduces faithfully is at most a warning
    for code, text in TRIGGERS.items():
        conversion = convert(text)
        if code not in ("LVS613", "LVS617", "LVS618"):
            assert not conversion.has_errors, (code, concise(conversion.diagnostics))


# -- golden files --------------------------------------------------------------------------------------------------

_REJECTED = ("INVALID", "NOT-piranha", "nbsp", "empty")


def golden_inputs():
    """The tutorial and every corpus file Piranha accepts (PROVENANCE.md: "expected result ... OK")."""
    accepted = [p for p in corpus_files() if not lvscf.loads(p.read_bytes(), p.name).has_errors]
    return [EXAMPLES / "lvs-nat-tutorial.cf", *accepted]


def test_golden_inputs_leave_out_the_files_piranha_rejects():
    inputs = {p.name for p in golden_inputs()}
    rejected = [p.name for p in corpus_files() if any(word in p.name for word in _REJECTED) or p.suffix == ".j2"]
    assert rejected and not inputs & set(rejected)
    # PROVENANCE.md: the GUI-history file has a foreign global_defs block (unknown command, line 20)
    assert "proxyos-gui-history-2014-04-13-lvs.cf" not in inputs
    assert len(inputs) == 16


@pytest.mark.parametrize("path", golden_inputs(), ids=lambda p: p.name)
def test_golden(path):
    result = lvscf.loads(path.read_bytes(), path.name)
    conversion = ipvsadm(result.config)
    text = conversion.text.replace(f"# lvscf {lvscf.__version__}:", "# lvscf VERSION:", 1)
    report = concise(conversion.diagnostics)
    rules, notes = GOLDEN / f"{path.name}.ipvsadm", GOLDEN / f"{path.name}.ipvsadm.report"
    if os.environ.get("LVSCF_UPDATE_GOLDENS"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        rules.write_text(text, encoding="utf-8")
        notes.write_text(report, encoding="utf-8")
    assert rules.read_text(encoding="utf-8") == text
    assert notes.read_text(encoding="utf-8") == report
    _check_restorable(conversion.text)
