"""What keepalived programs into a real kernel from our keepalived.conf equals our ipvsadm rules.

The two converters are written independently from Piranha's behaviour; if both
are right, keepalived running a converted keepalived.conf must build the very
IPVS table that the ipvsadm conversion of the same lvs.cf describes (the table
lvsd and nanny leave in steady state, every real server healthy).

The project's VM (tests/vm) boots Linux 6.1 with this machine's keepalived, runs
it on the config, and reads the kernel's table (``ipvsadm-save -n``) once it
holds what keepalived should have programmed (or after a minute), then again a
second later: keepalived must still be running then.  In the VM no
real server answers, so the health checks (and ``alpha``, which holds servers
back until their first good check) are taken out of the config first: keepalived
then adds every real server at once, which is the steady state.  The VRRP
instance is taken out too (its addresses are not part of the IPVS table).  All
corpus virtual servers whose IPVS services do not collide go into one config, so
the test needs one boot (about 15 s under TCG emulation).  It fails, never skips,
when the VM cannot run.
"""

from __future__ import annotations

import pytest

import lvscf
import vm
from conftest import EXAMPLES, corpus_files
from lvscf.emit.ipvsadm import ipvsadm
from lvscf.emit.keepalived import keepalived
from lvscf.emit.keepalived.syntax import reread

#: In the VM: keepalived's config test, then keepalived itself until the kernel's table (sorted)
#: equals the expected one or 60 s have passed, and the table once more a second later.
RUN_KEEPALIVED = r"""
conf=/etc/keepalived/keepalived.conf
cp "$VM_IN/keepalived.conf" "$conf"
sort "$VM_IN/expected" > /tmp/expected
keepalived -t -l -D -f "$conf" > "$VM_OUT/config-test.log" 2>&1
echo $? > "$VM_OUT/config-test.rc"
keepalived -n -l -D -f "$conf" > /tmp/keepalived.log 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && kill -0 $pid 2> /dev/null; do
    ipvsadm -S -n | sort > /tmp/table
    cmp -s /tmp/table /tmp/expected && break
    sleep 0.2
    i=$((i + 1))
done
echo "$((i / 5))" > "$VM_OUT/seconds-to-table"
sleep 1
ipvsadm -S -n > "$VM_OUT/table"
kill -0 $pid 2> /dev/null && echo running > "$VM_OUT/state" || echo exited > "$VM_OUT/state"
kill -TERM $pid
wait $pid
echo $? > "$VM_OUT/exit-status"
cp /tmp/keepalived.log "$VM_OUT/keepalived.log"
"""
_CHECKERS = {"MISC_CHECK", "TCP_CHECK", "HTTP_GET"}


def _virtual_servers(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(service identity, block text without checkers and alpha) for each virtual_server block."""
    blocks: list[tuple[tuple[str, ...], str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("virtual_server "):
            i += 1
            continue
        head = lines[i].split()
        kept, depth, skip = [lines[i]], 1, 0
        protocol = "TCP"
        i += 1
        while depth:
            line, word = lines[i], lines[i].split()[0] if lines[i].split() else ""
            opens, closes = line.rstrip().endswith("{"), line.strip() == "}"
            if skip:
                skip += opens - closes
            elif word in _CHECKERS:
                skip = 1
            elif word != "alpha":
                kept.append(line)
                if word == "protocol":
                    protocol = line.split()[1]
            depth += opens - closes
            i += 1
        identity = ("fwmark", head[2]) if head[1] == "fwmark" else (head[1], protocol, head[2])
        blocks.append((identity, "\n".join(kept)))
    return blocks


@pytest.mark.vm
def test_keepalived_builds_the_table_the_ipvsadm_conversion_describes():
    seen: set[tuple[str, ...]] = set()
    blocks: list[str] = []
    expected: set[str] = set()
    used = []
    for path in [EXAMPLES / "lvs-nat-tutorial.cf", *corpus_files()]:
        config = lvscf.loads(path.read_bytes(), path.name).config
        conf = keepalived(config)
        if conf.has_errors:
            continue
        services = _virtual_servers(conf.text)
        if not services or any(identity in seen for identity, _ in services):
            continue
        seen.update(identity for identity, _ in services)
        blocks += [block for _, block in services]
        rules = ipvsadm(config, header=False).text
        expected |= {line for line in rules.splitlines() if line and not line.startswith("#")}
        used.append(path.name)
    assert len(used) >= 8, used
    text = "global_defs {\n    router_id lvscf_vm_test\n    lvs_flush\n}\n\n" + "\n\n".join(blocks) + "\n"
    reread(text)  # still well formed after taking blocks out
    result = vm.boot(RUN_KEEPALIVED, files={"keepalived.conf": text, "expected": "\n".join(sorted(expected)) + "\n"},
                     keepalived=True, timeout=300)
    print("\n" + result.summary())
    assert result.rc == 0, result.describe()
    log = result.text("keepalived.log")[-3000:]
    assert result.text("config-test.rc").strip() == "0", result.text("config-test.log")
    assert result.text("state").strip() == "running", log
    kernel = {line.strip() for line in result.text("table").splitlines() if line.strip()}
    assert kernel == expected, {"only keepalived": sorted(kernel - expected),
                                "only ipvsadm": sorted(expected - kernel), "files": used, "log": log}
