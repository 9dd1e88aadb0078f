"""The tutorial's LVS-NAT cluster on a real kernel: four machines as network namespaces in the VM.

client 192.168.0.2 asks the director's virtual address 192.168.0.41 for /proverbs.html; the
director (eth0 192.168.0.41, eth1 10.0.0.1) forwards with IPVS NAT, round robin, to the real
servers 10.0.0.2 and 10.0.0.3, whose default route is the director.  The table is the one
``lvscf convert --to ipvsadm examples/lvs-nat-tutorial.cf`` writes, run inside the VM with the
checkout's lvscf.  One boot; the lab itself is tests/vm/lab/cluster.sh, which the director
tests of issue 8 build on.  The test fails (never skips) when the VM cannot run.
"""

from __future__ import annotations

import json
import re

import pytest

import lvscf
import vm
from conftest import ROOT
from lvscf.emit.ipvsadm import ipvsadm

pytestmark = pytest.mark.vm

LAB = ROOT / "tests" / "vm" / "lab"
PROVERBS = {"rs1": "A stitch in time saves nine", "rs2": "Look before you leap"}
VIP_URL = "http://192.168.0.41/proverbs.html"

SCRIPT = r"""
set -u
. "$VM_IN/cluster.sh"
out=$VM_OUT
lab_up > "$out/lab-up.log" 2>&1 || { echo "lab_up failed"; cat "$out/lab-up.log"; exit 10; }
for ns in rs1 rs2; do mkdir -p "/srv/$ns"; done
echo "A stitch in time saves nine" > /srv/rs1/proverbs.html
echo "Look before you leap" > /srv/rs2/proverbs.html
lab_serve rs1
lab_serve rs2
lab_wait_http director http://10.0.0.2/proverbs.html 90 || exit 11
lab_wait_http director http://10.0.0.3/proverbs.html 90 || exit 11

# controls, before the director has a service: the VIP refuses, the real servers are out of reach
on client python3 fetch.py 1 http://192.168.0.41/proverbs.html http://10.0.0.2/proverbs.html > "$out/before.jsonl"

lvscf convert --to ipvsadm -q "$LVSCF_ROOT/examples/lvs-nat-tutorial.cf" > "$out/rules" 2> "$out/convert.err" ||
    { echo "lvscf convert failed"; cat "$out/convert.err"; exit 12; }
on director ipvsadm-restore < "$out/rules" > "$out/restore.out" 2>&1
echo $? > "$out/restore.rc"
on director ipvsadm-save -n > "$out/saved"
ipvsadm-save -n > "$out/saved-vm"

on client python3 fetch.py 6 http://192.168.0.41/proverbs.html > "$out/through-vip.jsonl"
on director ipvsadm -L -n -c > "$out/connections"
cp /tmp/rs1-http.log /tmp/rs2-http.log "$out/"
"""


@pytest.fixture(scope="module")
def lab() -> vm.Result:
    result = vm.boot(SCRIPT, files={"cluster.sh": LAB / "cluster.sh", "fetch.py": LAB / "fetch.py"}, lvscf=True,
                     timeout=300, env={"LVSCF_ROOT": str(ROOT)})
    print("\n" + result.summary())
    assert result.rc == 0, result.describe()
    return result


def _jsonl(result: vm.Result, name: str) -> list[dict]:
    return [json.loads(line) for line in result.text(name).splitlines()]


def test_the_director_loads_lvscfs_conversion(lab):
    expected = ipvsadm(lvscf.load(ROOT / "examples" / "lvs-nat-tutorial.cf").config).text
    rules = [line for line in expected.splitlines() if line and not line.startswith("#")]
    assert [line for line in lab.text("rules").splitlines() if not line.startswith("#")] == rules
    assert lab.text("restore.rc").strip() == "0" and lab.text("restore.out") == ""
    assert lab.text("saved").splitlines() == rules == [
        "-A -t 192.168.0.41:80 -s rr",
        "-a -t 192.168.0.41:80 -r 10.0.0.2:80 -m -w 1",
        "-a -t 192.168.0.41:80 -r 10.0.0.3:80 -m -w 1"]
    assert lab.text("saved-vm") == "", "the service belongs to the director's namespace only"


def test_without_the_service_the_vip_refuses_and_the_real_servers_are_unreachable(lab):
    vip, direct = _jsonl(lab, "before.jsonl")
    assert "refused" in vip.get("error", "").lower(), vip
    assert "unreachable" in direct.get("error", "").lower(), direct


def test_requests_to_the_vip_alternate_between_the_two_real_servers(lab):
    replies = _jsonl(lab, "through-vip.jsonl")
    assert all(r.get("status") == 200 for r in replies), replies
    bodies = [r["body"] for r in replies]
    assert set(bodies) == set(PROVERBS.values()), bodies
    assert all(a != b for a, b in zip(bodies, bodies[1:])), f"round robin alternates: {bodies}"
    # the kernel's connection table: client -> VIP -> real server, three each
    conns = re.findall(r"^TCP\s+\S+\s+\S+\s+192\.168\.0\.2:\d+\s+192\.168\.0\.41:80\s+(10\.0\.0\.\d):80$",
                       lab.text("connections"), re.M)
    assert sorted(conns) == ["10.0.0.2"] * 3 + ["10.0.0.3"] * 3, lab.text("connections")


def test_the_real_servers_see_the_clients_own_address(lab):
    """NAT rewrites only the destination: each real server's log shows 192.168.0.2, which a proxy
    or source NAT would have hidden."""
    for ns in PROVERBS:
        clients = re.findall(r"^(\S+) - - \[.*\] \"GET /proverbs.html", lab.text(f"{ns}-http.log"), re.M)
        assert clients.count("192.168.0.2") == 3, (ns, clients)
        assert set(clients) <= {"192.168.0.2", "10.0.0.1"}, clients  # 10.0.0.1: the director's readiness probes
