"""Booting the VM: qemu's command line, KVM or TCG, the watchdogs, and the report it sends back.

The VM has no network device (``-nic none``: nothing leaves it), no disk, and two serial ports:
the kernel console (ttyS0) and the report channel (ttyS1), each a plain file on the host.

KVM is used when a probe boot under it works (once per host and kernel; the verdict is cached).
Some hosts offer a /dev/kvm that cannot run a stock kernel: a nested, paravirtualised one aborts
on a CPU feature MSR, or never reaches the kernel's first message; such hosts get TCG.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import tarfile
import time
from pathlib import Path

from . import host
from .errors import VmError

#: The kernel command line.  ``quiet loglevel=3``: the console (slow under emulation) gets only
#: errors; ``panic=-1`` with ``-no-reboot``: a guest that dies makes qemu exit at once;
#: ``mitigations=off``: nothing to protect, and TCG pays for every barrier; i8042.*: the pc
#: machine's keyboard controller has nothing behind it, skip probing it.
CMDLINE = ("console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off i8042.noaux i8042.nokbd i8042.nopnp "
           "cryptomgr.notests")
#: Seconds from qemu's start to the guest's first report line before the boot counts as stalled
#: (a TCG guest very rarely hangs in early boot; it normally reports within 2-5 s, more on a
#: loaded machine).
BOOT_WATCHDOG = float(os.environ.get("LVSCF_VM_BOOT_WATCHDOG", "60"))
BOOT_TRIES = 3
#: Seconds allowed after the script's limit for the guest to pack and send its report.
REPORT_ALLOWANCE = 60


def command(kern: dict, initrd: Path, workdir: Path, mem: int, accel: dict, cpus: int) -> list[str]:
    image = Path(kern["dir"]) / kern["image"]
    if accel["accel"] == "kvm":
        acc = ["-accel", "kvm", "-cpu", accel.get("cpu", "host")]
    else:
        acc = ["-accel", "tcg"]
    return ["qemu-system-x86_64", "-M", "pc", *acc, "-m", str(mem), "-smp", str(cpus),
            "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none", "-no-reboot", "-nic", "none",
            "-kernel", str(image), "-initrd", str(initrd), "-append", CMDLINE,
            "-serial", f"file:{workdir / 'console.log'}",
            "-chardev", f"file,id=report,path={workdir / 'report'}", "-device", "isa-serial,chardev=report"]


class Boot:
    """One qemu run: what came back and how long it took."""

    def __init__(self) -> None:
        self.report: bytes = b""
        self.console = ""
        self.qemu_output = ""
        self.returncode: int | None = None
        self.booted_after: float | None = None  # seconds from qemu's start to the guest's first line
        self.wall = 0.0
        self.tries = 0
        self.killed: str | None = None  # why the harness killed qemu


def run(cmd: list[str], workdir: Path, limit: float, watchdog: float | None = None, tries: int = BOOT_TRIES) -> Boot:
    """Runs qemu until it exits; a guest silent for ``watchdog`` seconds (BOOT_WATCHDOG) is booted
    again (up to ``tries`` times), one past ``limit`` seconds after booting is killed."""
    watchdog = BOOT_WATCHDOG if watchdog is None else watchdog
    boot = Boot()
    start = time.monotonic()
    for attempt in range(1, tries + 1):
        boot.tries = attempt
        report = workdir / "report"
        report.write_bytes(b"")
        (workdir / "console.log").write_bytes(b"")
        t0 = time.monotonic()
        with open(workdir / "qemu.out", "wb") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        boot.killed = None
        booted = None
        while proc.poll() is None:
            time.sleep(0.05)
            now = time.monotonic()
            if booted is None:
                if report.stat().st_size:
                    booted = now
                    boot.booted_after = now - t0
                elif now - t0 > watchdog:
                    boot.killed = "stall"
            elif now - booted > limit + REPORT_ALLOWANCE:
                boot.killed = "timeout"
            if boot.killed:
                _kill(proc)
                break
        boot.returncode = proc.wait()
        boot.qemu_output = (workdir / "qemu.out").read_text(errors="replace")
        if boot.killed != "stall":
            break
    boot.wall = time.monotonic() - start
    boot.report = (workdir / "report").read_bytes()
    boot.console = (workdir / "console.log").read_bytes().decode(errors="replace").replace("\r", "")
    return boot


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def unpack_report(report: bytes) -> dict[str, bytes] | None:
    """The files of the guest's report (a tar of /vm/out), or None when it did not arrive whole."""
    marker = report.find(b"lvscf-vm report ")
    if marker < 0:
        return None
    line_end = report.index(b"\n", marker)
    _, _, size, digest = report[marker:line_end].decode().split()
    body = report[line_end + 1:line_end + 1 + int(size)]
    if len(body) != int(size) or hashlib.sha256(body).hexdigest() != digest:
        return None
    files = {}
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        for member in tar:
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[member.name.removeprefix("./")] = extracted.read()
    return files


# -- the accelerator -----------------------------------------------------------------------------------------------


def choose_accel(cache: Path, kern: dict, probe) -> dict:
    """{"accel": "kvm", "cpu": ...} or {"accel": "tcg", "why": ...}.  LVSCF_VM_ACCEL=kvm|tcg
    forces one; auto (the default) probes KVM once per host and kernel.  ``probe(accel)`` boots
    a trivial job and returns (worked, seconds, qemu's output)."""
    forced = os.environ.get("LVSCF_VM_ACCEL", "auto")
    if forced == "tcg":
        return {"accel": "tcg", "why": "LVSCF_VM_ACCEL=tcg"}
    if forced == "kvm":
        return {"accel": "kvm", "cpu": os.environ.get("LVSCF_VM_KVM_CPU", "host")}
    if forced != "auto":
        raise VmError(f"LVSCF_VM_ACCEL={forced}: expected auto, kvm or tcg")
    if not host.kvm_usable():
        return {"accel": "tcg", "why": "/dev/kvm is missing or not writable"}
    key = hashlib.sha256(f"{host.host_identity()} {kern['key']}".encode()).hexdigest()[:16]
    verdict_path = cache / f"accel-{key}.json"
    if verdict_path.is_file():
        return json.loads(verdict_path.read_text())
    tried = []
    verdict = None
    # -cpu host is the fast choice; hosts that cannot pass IA32_ARCH_CAPABILITIES through abort
    # on it at once, and may boot with that one feature masked
    for cpu in ("host", "host,-arch-capabilities"):
        worked, seconds, output = probe({"accel": "kvm", "cpu": cpu})
        if worked:
            verdict = {"accel": "kvm", "cpu": cpu, "probe_seconds": round(seconds, 2)}
            break
        tried.append(f"-cpu {cpu}: {'no report within ' + str(round(seconds)) + ' s' if not output else output}")
    if verdict is None:
        verdict = {"accel": "tcg", "why": "KVM probe boots failed: " + "; ".join(tried)}
    verdict_path.write_text(json.dumps(verdict))
    return verdict
