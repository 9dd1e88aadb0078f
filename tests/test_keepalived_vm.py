"""What keepalived programs into a real kernel from our keepalived.conf equals our ipvsadm rules.

The two converters are written independently from Piranha's behaviour; if both
are right, keepalived running a converted keepalived.conf must build the very
IPVS table that the ipvsadm conversion of the same lvs.cf describes (the table
lvsd and nanny leave in steady state, every real server healthy).

``../shared/tools/ipvs-vm keepalived CONF`` boots Linux 6.1 with keepalived 2.2.7
and prints the kernel's ``ipvsadm-save -n`` while keepalived runs.  In the VM no
real server answers, so the health checks (and ``alpha``, which holds servers
back until their first good check) are taken out of the config first: keepalived
then adds every real server at once, which is the steady state.  The VRRP
instance is taken out too (its addresses are not part of the IPVS table).  All
corpus virtual servers whose IPVS services do not collide go into one config, so
the test needs one boot (about 10 s under TCG emulation).  It fails, never skips,
when the tool cannot run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import lvscf
from conftest import EXAMPLES, corpus_files
from lvscf.emit.ipvsadm import ipvsadm
from lvscf.emit.keepalived import keepalived
from lvscf.emit.keepalived.syntax import reread

TOOL = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "ipvs-vm"
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


def _kernel_view(output: str) -> list[str]:
    lines, inside = [], False
    for line in output.splitlines():
        if line.startswith("--- ipvsadm-save -n (kernel view)"):
            inside = True
        elif line.startswith("---"):
            inside = False
        elif inside and line.strip() and line.strip() != "(none)":
            lines.append(line.strip())
    return lines


def test_keepalived_builds_the_table_the_ipvsadm_conversion_describes(tmp_path):
    assert TOOL.is_file(), f"{TOOL} is missing (the shared tools must sit beside the repository)"
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
    conf = tmp_path / "combined.conf"
    conf.write_text(text)
    proc = subprocess.run([str(TOOL), "-q", "keepalived", str(conf), "3"], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    kernel = set(_kernel_view(proc.stdout))
    assert kernel == expected, {"only keepalived": sorted(kernel - expected),
                                "only ipvsadm": sorted(expected - kernel), "files": used}
