"""What the harness needs from this machine, and installing it with apt-get when it is missing.

Everything in the VM except the kernel is this machine's own software (busybox-static, bash,
grep, iproute2, ipvsadm, keepalived, python3), so the tests exercise the ipvsadm and keepalived an
admin on this distribution would run.  Missing packages are installed (root, as CI runs); a
package that cannot be had is a VmError, so the tests fail rather than skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .errors import VmError

#: program -> the Debian package that provides it.  busybox must be the static build: the
#: dynamic one would need its libraries in the VM too, and busybox is what holds the VM together.
PROGRAMS = {
    "qemu": ("/usr/bin/qemu-system-x86_64", "qemu-system-x86"),
    "busybox": ("/bin/busybox", "busybox-static"),
    "ipvsadm": ("/usr/sbin/ipvsadm", "ipvsadm"),
    "ip": ("/usr/sbin/ip", "iproute2"),
    "keepalived": ("/usr/sbin/keepalived", "keepalived"),
    "services": ("/etc/services", "netbase"),
}

_log: list[str] = []  # what this process installed, for the timing line and the report


def installed() -> list[str]:
    return list(_log)


def _apt(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(["apt-get", *args], capture_output=True, text=True, env=env)


def apt_update() -> None:
    proc = _apt(["update", "-q"])
    if proc.returncode != 0:
        raise VmError(f"apt-get update failed: {proc.stderr.strip()[-800:]}")


def apt_install(packages: list[str]) -> None:
    if os.geteuid() != 0:
        raise VmError(f"the VM tests need {', '.join(packages)}: install them (apt-get install "
                      f"{' '.join(packages)}) or run the tests as root, which installs them")
    args = ["install", "-y", "-q", "--no-install-recommends", *packages]
    proc = _apt(args)
    if proc.returncode != 0:  # most often: package lists never read on a fresh machine
        apt_update()
        proc = _apt(args)
    if proc.returncode != 0:
        raise VmError(f"apt-get install {' '.join(packages)} failed: {proc.stderr.strip()[-800:]}")
    _log.extend(packages)


def _is_static(path: str) -> bool:
    """True when the ELF executable has no PT_INTERP program header (no dynamic loader)."""
    import struct

    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head[:4] != b"\x7fELF":
        return False
    phoff, = struct.unpack_from("<Q", head, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
    return all(struct.unpack_from("<I", head, phoff + i * phentsize)[0] != 3 for i in range(phnum))


def ensure(*names: str) -> dict[str, str]:
    """The paths of the named programs (keys of PROGRAMS), installing what is missing."""
    missing = [PROGRAMS[n][1] for n in names if not os.path.exists(PROGRAMS[n][0])]
    if "busybox" in names and os.path.exists(PROGRAMS["busybox"][0]) and not _is_static(PROGRAMS["busybox"][0]):
        missing.append("busybox-static")
    for tool, package in (("apt-get", "apt"), ("dpkg-deb", "dpkg"), ("ldd", "libc-bin")):
        if not shutil.which(tool):
            raise VmError(f"the VM harness needs {tool} ({package}): it runs on Debian and its derivatives")
    if missing:
        apt_install(sorted(set(missing)))
    out = {}
    for n in names:
        path = PROGRAMS[n][0]
        if not os.path.exists(path):
            raise VmError(f"{path} is still missing after apt-get install {PROGRAMS[n][1]}")
        out[n] = path
    return out


def package_version(package: str) -> str:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else "-"


_LDD = re.compile(r"^\s*(?:\S+ => )?(/\S+) \(0x", re.M)


def libraries(*programs: str) -> list[str]:
    """Every shared library (and the loader) the programs load, as ldd resolves them here."""
    found: list[str] = []
    for program in programs:
        proc = subprocess.run(["ldd", program], capture_output=True, text=True)
        if proc.returncode != 0:
            if "not a dynamic executable" in proc.stdout + proc.stderr:
                continue
            raise VmError(f"ldd {program} failed: {(proc.stdout + proc.stderr).strip()}")
        if "not found" in proc.stdout:
            raise VmError(f"{program} needs libraries this machine lacks:\n{proc.stdout}")
        for lib in _LDD.findall(proc.stdout):
            if lib not in found:
                found.append(lib)
    return found


def stamp(paths) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of each file: what the cache keys on to notice a changed binary."""
    out = []
    for p in paths:
        st = os.stat(p)
        out.append((os.fspath(p), st.st_size, st.st_mtime_ns))
    return out


def kvm_usable() -> bool:
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def host_identity() -> str:
    """What decides whether KVM works: the host kernel, the CPU model, qemu's version."""
    uname = os.uname()
    cpu = ""
    try:
        cpu = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                   "")
    except OSError:
        pass
    return f"{uname.release} {uname.version} {cpu} qemu={package_version('qemu-system-x86')}"
