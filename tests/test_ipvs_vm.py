"""The ipvsadm converter against a real kernel: restore every conversion, save it back, compare.

Every lvs.cf the repository has (the public corpus, examples/, every rule
fixture's pass.cf and fail.cf, the converter's per-code triggers, and a seeded
set of generated files full of values ipvsadm or the kernel refuse) is converted
with ``lvscf.emit.ipvsadm.ipvsadm(flush=False, timeouts=False)``, including files
with error-level diagnostics: the converter must then leave out what it cannot
write.  All results go into the project's VM (tests/vm: Debian's Linux 6.1 under
qemu, with this machine's ipvsadm), which restores each with ``ipvsadm-restore``
in **one** boot (ipvsadm-restore flushes the table first) and keeps the kernel's
``ipvsadm-save -n``.  For every file:

* the restore succeeded (exit status 0 and nothing on stderr: ipvsadm -R skips a
  rejected line and carries on, so the status alone proves nothing), and
* the saved lines equal the converted lines as a set (comment lines ignored), and
  in the same order whenever ipvsadm's order is determined (its wrapping
  comparison is a total order on the file's services and real servers).

The test fails (never skips) when the VM cannot be built or run.  Under TCG
emulation it takes a minute or two (about 0.3 s a file), plus, on first use, the
cache build (tests/vm/README.md).
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from ipaddress import IPv4Address

import pytest

import lvscf
import vm
from conftest import EXAMPLES, FIXTURES, corpus_files
from lvscf.emit.ipvsadm import ipvsadm
from test_emit_ipvsadm import TRIGGERS


# -- inputs --------------------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:80]


def _random_config(rng: random.Random) -> str:
    """An lvs.cf with the values that trip ipvsadm and the kernel (and ordinary ones), from small pools so
    that duplicates and wrapping sort orders happen often."""
    vips = ["10.0.0.1", "10.0.0.2", "100.0.0.1", "172.16.0.1", "192.168.1.1", "200.0.0.1", "0.0.0.0",
            "vip.example.com"]
    rips = ["10.1.0.1", "10.1.0.2", "192.168.5.5", "200.1.1.1", "127.0.0.1", "0.0.0.0", "0.5.5.5", "224.1.1.1",
            "127.255.255.255", "255.255.255.255", "240.0.0.1", "rs.example.com"]
    out = [f"network = {rng.choice(['nat', 'direct', 'tunnel'])}\n"]
    if rng.random() < 0.3:
        out.append("hard_shutdown = 0\n")
    for key in ("tcp_timeout", "tcpfin_timeout", "udp_timeout"):
        if rng.random() < 0.2:
            out.append(f"{key} = {rng.choice([0, 30, 2678400, 2678401, -1])}\n")
    for v in range(rng.randint(1, 5)):
        body = [f"active = {int(rng.random() < 0.85)}"]
        vip = rng.choice(vips + [None])
        if vip is not None:
            body.append(f"address = {vip} eth0:{v}")
        body.append(f"port = {rng.choice([80, 80, 443, 53, 0, 8080, 65535, 65536, -1, 'http'])}")
        body.append(f"protocol = {rng.choice(['tcp', 'tcp', 'udp'])}")
        if rng.random() < 0.35:
            body.append(f"fwmark = {rng.choice([1, 5, 100, 2147483647, 3000000000, -3])}")
        body.append(f"scheduler = {rng.choice(['lc', 'rr', 'wlc', 'wrr', 'lblc', 'lblcr', 'dh', 'sh'])}")
        if rng.random() < 0.4:
            body.append(f"persistent = {rng.choice([1, 300, 2678400, 2678401, -1])}")
        if rng.random() < 0.4:
            body.append(f"pmask = {rng.choice(['255.255.255.0', '255.255.255.255', '0.0.0.0', '255.0.255.0'])}")
        if rng.random() < 0.2:
            body.append("sorry_server = 10.9.9.9")
        body.append(f"quiesce_server = {rng.randint(0, 1)}")
        for s in range(rng.randint(0, 5)):
            lines = [f"server rs{s} {{", f"     active = {int(rng.random() < 0.85)}"]
            if rng.random() < 0.95:
                lines.append(f"     address = {rng.choice(rips[:4] * 4 + rips)}")
            if rng.random() < 0.5:
                lines.append(f"     port = {rng.choice([80, 8080, 0, 65535, 70000, -1])}")
            if rng.random() < 0.6:
                lines.append(f"     weight = {rng.choice([0, 1, 2, 100, 65535, 65536, 2147483647, -5])}")
            body.append("\n".join(lines + ["}"]))
        inner = "".join(f"     {line}\n" for line in "\n".join(body).splitlines())
        out.append(f"virtual v{v} {{\n{inner}}}\n")
    return "".join(out)


def _virtual(name: str, address: str, *lines: str) -> str:
    return f"virtual {name} {{\n     active = 1\n     address = {address} eth0:1\n" + "".join(
        f"     {line}\n" for line in lines) + "}\n"


#: Files whose order ipvsadm determines and that a plain numeric sort gets wrong: ipvsadm compares addresses
#: by a 32-bit subtraction that wraps, so 172.16.0.1 < 192.168.0.1 < 10.0.0.1.
ORDER_CASES = {
    "order-services.cf": "".join([
        _virtual("a", "10.0.0.1", "port = 80"), _virtual("b", "172.16.0.1", "port = 8080"),
        _virtual("c", "192.168.0.1", "port = 80"), _virtual("d", "10.0.0.1", "port = 443"),
        _virtual("e", "10.0.0.1", "port = 53", "protocol = udp"), _virtual("f", "10.0.0.1", "fwmark = 7"),
        _virtual("g", "192.168.0.1", "fwmark = 3")]),
    "order-real-servers.cf": "network = nat\n" + _virtual(
        "www", "192.0.2.1", *[f"server {n} {{\n          address = {a}\n          active = 1\n          port = {p}"
                              "\n     }"
                              for n, a, p in [("a", "10.0.0.9", 80), ("b", "200.0.0.1", 80), ("c", "192.168.1.1", 81),
                                              ("d", "192.168.1.1", 80), ("e", "10.0.0.10", 80)]]),
}


def inputs() -> list[tuple[str, bytes]]:
    """(name, lvs.cf bytes) for every file the VM restores."""
    found: list[tuple[str, bytes]] = []
    for path in corpus_files():
        found.append((f"corpus-{path.name}", path.read_bytes()))
    for path in sorted(EXAMPLES.glob("*.cf")):
        found.append((f"example-{path.name}", path.read_bytes()))
    for path in sorted((FIXTURES / "rules").glob("*/*.cf")):
        found.append((f"rule-{path.parent.name}-{path.name}", path.read_bytes()))
    for name, text in ORDER_CASES.items():
        found.append((name, text.encode()))
    for code, text in sorted(TRIGGERS.items()):
        found.append((f"trigger-{code}.cf", text.encode()))
    rng = random.Random(20261125)
    for n in range(60):
        found.append((f"generated-{n:02d}.cf", _random_config(rng).encode()))
    return found


#: Also restored with flush=True and timeouts=True, to show that the -C and --set lines restore (ipvsadm-save
#: prints neither, so the comparison ignores them).
WITH_OPTIONS = ("example-lvs-nat-tutorial.cf", "corpus-tigerlinux-sip-lb-serial76.cf", "trigger-LVS622.cf")


def _conversions() -> dict[str, str]:
    """rules-file name -> converted text."""
    out = {}
    for n, (name, data) in enumerate(inputs(), 1):
        result = lvscf.loads(data, name)
        out[f"{n:03d}-{_slug(name)}.rules"] = ipvsadm(result.config, flush=False, timeouts=False).text
        if name in WITH_OPTIONS:
            out[f"{n:03d}-{_slug(name)}-flush-timeouts.rules"] = ipvsadm(result.config, flush=True, timeouts=True).text
    return out


CONVERSIONS = _conversions()

# -- the VM run ----------------------------------------------------------------------------------------------------

#: In the VM: each file through ipvsadm-restore (which flushes the table first), then the kernel's
#: table as ipvsadm-save -n prints it (ipvsadm-save is a one-line wrapper of ``ipvsadm -S -n``; calling
#: ipvsadm directly saves a bash start, a fifth of a second under emulation, per file).  A file that
#: changed the connection timeouts (--set) gets the defaults back, so no file sees another's state.
RESTORE_EACH = r"""
cd "$VM_IN/rules" || exit 2
for f in *.rules; do
    ipvsadm-restore < "$f" > "$VM_OUT/$f.stdout" 2> "$VM_OUT/$f.stderr"
    echo $? > "$VM_OUT/$f.rc"
    ipvsadm -S -n > "$VM_OUT/$f.save" 2>&1
    echo $? > "$VM_OUT/$f.save-rc"
    case " $SETS " in *" $f "*) ipvsadm --set 900 120 300 ;; esac
done
"""


class Restore:
    """One file's restore in the VM."""

    def __init__(self, files: dict[str, bytes], name: str) -> None:
        def lines(suffix: str) -> list[str]:
            return [line for line in files[name + suffix].decode().splitlines() if line]

        self.status = int(files[name + ".rc"])
        self.stdout = lines(".stdout")
        self.stderr = lines(".stderr")
        self.save_status = int(files[name + ".save-rc"])
        self.saved = lines(".save")


@pytest.fixture(scope="module")
def kernel() -> dict[str, Restore]:
    """Every conversion restored into the kernel, in one boot."""
    sets = " ".join(name for name, text in CONVERSIONS.items() if "\n--set " in text)
    result = vm.boot(RESTORE_EACH, files={f"rules/{name}": text for name, text in CONVERSIONS.items()},
                     env={"SETS": sets}, timeout=1800)
    assert result.rc == 0, result.describe()
    missing = [name for name in CONVERSIONS if name + ".save-rc" not in result.files]
    assert not missing, f"the VM did not report on {missing[:5]}...\n{result.describe()}"
    print(f"\n{len(CONVERSIONS)} files restored; {result.summary()}")
    return {name: Restore(result.files, name) for name in CONVERSIONS}


def _content(text: str) -> list[str]:
    """The lines ipvsadm-save can print back: no comments, no -C, no --set."""
    return [line for line in text.splitlines() if line and not line.startswith(("#", "-C", "--set"))]


# -- ipvsadm's order, reimplemented from libipvs (ipvs_cmp_services / ipvs_cmp_dests) ------------------------------


def _wrap(a: int, b: int) -> int:
    d = (a - b) & 0xFFFFFFFF
    return d - (1 << 32) if d >= 1 << 31 else d


def _service_key(svc: str) -> tuple[int, int, int, int]:
    if svc.startswith("-f "):
        return (int(svc[3:]), 0, 0, 0)
    address, port = svc[3:].rsplit(":", 1)
    return (0, 6 if svc.startswith("-t") else 17, int(IPv4Address(address)), int(port))


def _cmp_service(a, b) -> int:
    return _wrap(a[0], b[0]) or (a[1] - b[1]) or _wrap(a[2], b[2]) or (a[3] - b[3])


def _cmp_dest(a, b) -> int:
    return _wrap(a[0], b[0]) or (a[1] - b[1])


def _total_order(keys: list, compare) -> bool:
    """True when ``compare`` is a strict total order on ``keys`` (whatever their order): then every correct sort,
    ipvsadm's qsort included, gives the same result."""
    keys = sorted(keys, key=functools.cmp_to_key(compare))
    return all(compare(keys[i], keys[j]) < 0 < compare(keys[j], keys[i])
               for i in range(len(keys)) for j in range(i + 1, len(keys)))


def order_is_determined(lines: list[str]) -> bool:
    services, dests = [], {}
    for line in lines:
        if line.startswith("-A "):
            svc = line.split(" -s ")[0][3:]
            services.append(_service_key(svc))
            dests[svc] = []
        elif line.startswith("-a "):
            svc, rest = line[3:].split(" -r ", 1)
            address, port = rest.split()[0].rsplit(":", 1)
            dests[svc].append((int(IPv4Address(address)), int(port)))
    return _total_order(services, _cmp_service) and all(_total_order(d, _cmp_dest) for d in dests.values())


def test_order_helper_knows_the_cyclic_case():
    cyclic = ["-A -t 10.0.0.1:80 -s wlc", "-A -t 100.0.0.1:80 -s wlc", "-A -t 192.168.1.1:80 -s wlc"]
    assert not order_is_determined(cyclic)
    assert order_is_determined(["-A -t 192.168.1.1:80 -s wlc", "-A -t 10.0.0.1:80 -s wlc", "-A -f 1 -s rr"])
    assert order_is_determined(["-A -f 1 -s rr", "-A -t 10.0.0.1:80 -s wlc", "-A -t 192.168.1.1:80 -s wlc"])


# -- the checks ----------------------------------------------------------------------------------------------------


def test_order_cases_are_determined_and_not_numeric():
    for name, text in ORDER_CASES.items():
        lines = _content(ipvsadm(lvscf.loads(text, name).config).text)
        assert order_is_determined(lines), name
        services = [line for line in lines if line.startswith("-A")]
        keys = [_service_key(line.split(" -s ")[0][3:]) for line in services]
        dests = [line.split(" -r ")[1].split()[0] for line in lines if line.startswith("-a")]
        numeric_dests = [(int(IPv4Address(d.rsplit(":")[0])), int(d.rsplit(":")[1])) for d in dests]
        assert keys != sorted(keys) or numeric_dests != sorted(numeric_dests), name
        assert len(dests) in (0, 5) and len(services) in (1, 7), (name, lines)


def test_inputs_cover_the_repository():
    names = [name for name, _ in inputs()]
    assert sum(n.startswith("corpus-") for n in names) == len(corpus_files())
    assert sum(n.startswith("rule-") for n in names) == len(list((FIXTURES / "rules").glob("*/*.cf")))
    assert "example-lvs-nat-tutorial.cf" in names
    assert len(names) == len(set(names)) == len(CONVERSIONS) - len(WITH_OPTIONS)
    with_options = [text for name, text in CONVERSIONS.items() if name.endswith("-flush-timeouts.rules")]
    assert sum(text.count("\n-C\n") for text in with_options) == len(WITH_OPTIONS)
    assert sum("\n--set " in text for text in with_options) == len(WITH_OPTIONS) - 1  # LVS622: never written
    lines = sum(len(_content(text)) for text in CONVERSIONS.values())
    assert lines > 500, lines  # the kernel check must have something to chew on


@pytest.mark.vm
def test_every_restore_succeeds_and_saves_back_the_same_table(kernel):
    problems = []
    ordered = 0
    for name, text in CONVERSIONS.items():
        restore = kernel[name]
        emitted = _content(text)
        # ipvsadm -R skips a rejected line, carries on, and returns the status of its last line
        # only: a restore succeeded when the status is 0 AND nothing was written to stderr
        if restore.status != 0 or restore.stderr or restore.stdout or restore.save_status != 0:
            problems.append(f"{name}: ipvsadm-restore exit status {restore.status}, stderr {restore.stderr}, "
                            f"stdout {restore.stdout}; ipvsadm-save exit status {restore.save_status}")
            continue
        if Counter(restore.saved) != Counter(emitted):
            problems.append(f"{name}: kernel saved {sorted(set(restore.saved) - set(emitted))}, "
                            f"converter wrote {sorted(set(emitted) - set(restore.saved))}")
            continue
        if order_is_determined(emitted):
            ordered += 1
            if restore.saved != emitted:
                problems.append(f"{name}: same lines, but ipvsadm-save orders them\n" + "\n".join(restore.saved))
    assert not problems, "\n".join(problems)
    assert ordered >= len(CONVERSIONS) // 2, ordered


@pytest.mark.vm
def test_the_vm_saw_real_tables(kernel):
    """Not a vacuous pass: many files put services and real servers of every kind into the kernel."""
    saved = [line for name in CONVERSIONS for line in kernel[name].saved]
    assert sum(line.startswith("-A -t") for line in saved) > 50
    assert any(line.startswith("-A -u") for line in saved)
    assert any(line.startswith("-A -f") and " -p " in line for line in saved)
    assert any(" -M " in line for line in saved)
    for method in (" -m -w ", " -g -w ", " -i -w "):
        assert any(method in line for line in saved), method
    assert any(line.endswith(" --tun-type ipip") for line in saved)
