"""The VM's kernel: Debian's stock ``linux-image-amd64``, taken apart.

From the package (downloaded with ``apt-get download``, never installed) the harness keeps the
kernel image, its config and the few modules the tests need (IPVS and its schedulers, and what a
network-namespace lab needs: veth, bridge, dummy, conntrack), with every module they depend on.
Dependencies are read from each module's own ``.modinfo`` section, so no depmod is needed; the
subset gets a ``modules.dep`` of its own for the guest's (busybox) modprobe.

Under TCG emulation decompressing the kernel costs the guest seconds on every boot, so the
uncompressed ELF image is cut out of the bzImage once here; qemu boots it directly through its
PVH entry point (when the kernel has one: ``CONFIG_PVH``).
"""

from __future__ import annotations

import lzma
import os
import re
import shutil
import struct
import subprocess
import tarfile
import zlib
from pathlib import Path

from .errors import VmError

#: The modules loaded at every boot, by name; their dependencies come along.  Schedulers the
#: kernel lacks (twos arrived in 6.7) are simply absent.
MODULES = (
    "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_lblc", "ip_vs_lblcr", "ip_vs_dh",
    "ip_vs_sh", "ip_vs_sed", "ip_vs_nq", "ip_vs_fo", "ip_vs_ovf", "ip_vs_mh", "ip_vs_twos", "ip_vs_pe_sip",
    "veth", "bridge", "dummy", "nf_conntrack",
)
#: Loaded when present: crc32c for libcrc32c (IPVS needs it) has no static dependency on it.
OPTIONAL_MODULES = ("crc32c_generic", "crc32c_intel")


def kernel_package() -> str:
    """The versioned package linux-image-amd64 depends on now (linux-image-6.1.0-NN-amd64)."""
    for attempt in range(2):
        proc = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True, text=True)
        found = re.search(r"Depends: (linux-image-\d\S*)", proc.stdout)
        if found:
            return found.group(1)
        if attempt == 0:  # a fresh machine may not have read its package lists yet
            from .host import apt_update

            apt_update()
    raise VmError("apt-cache cannot resolve linux-image-amd64 to a kernel package "
                  f"(apt-cache said: {proc.stderr.strip() or proc.stdout.strip()})")


def download(directory: Path) -> Path:
    """The kernel .deb in ``directory`` (downloaded when it is not there yet).  LVSCF_VM_KERNEL_DEB
    names a .deb to use instead (an offline machine, another kernel)."""
    given = os.environ.get("LVSCF_VM_KERNEL_DEB")
    if given:
        if not Path(given).is_file():
            raise VmError(f"LVSCF_VM_KERNEL_DEB={given}: no such file")
        return Path(given)
    package = kernel_package()
    found = sorted(directory.glob(f"{package}_*.deb"))
    if found:
        return found[-1]
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        proc = subprocess.run(["apt-get", "download", package], cwd=directory, capture_output=True, text=True)
        found = sorted(directory.glob(f"{package}_*.deb"))
        if found:
            for old in directory.glob("linux-image-*.deb"):  # a kernel the archive has moved on from
                if old != found[-1]:
                    old.unlink()
            return found[-1]
        if attempt == 0:
            from .host import apt_update

            apt_update()
    raise VmError(f"apt-get download {package} failed: {proc.stderr.strip()[-800:]}")


def unpack(deb: Path, dest: Path) -> dict:
    """Writes ``dest/vmlinuz``, ``dest/config``, maybe ``dest/vmlinux`` and ``dest/modules/`` (the
    subset, at its /lib/modules path); returns the facts the cache records."""
    work = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    everything = work / "all"
    release = None
    # dpkg-deb undoes the .deb's ar wrapping and whatever compression it uses
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            name = member.name.lstrip("./")
            if not member.isfile():
                continue
            boot = re.fullmatch(r"boot/(vmlinuz|config)-(.+)", name)
            module = re.fullmatch(r"lib/modules/([^/]+)/(kernel/.+\.ko|modules\.builtin|modules\.order)", name)
            if boot:
                target, release = work / boot.group(1), boot.group(2)
            elif module:
                target = everything / module.group(2)
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            assert extracted is not None
            with open(target, "wb") as out:
                shutil.copyfileobj(extracted, out, 1 << 20)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0 or release is None or not (work / "vmlinuz").is_file():
        raise VmError(f"{deb.name} is not a kernel package that dpkg-deb can read ({err.strip()[-500:]})")

    by_name = {}
    for path in everything.rglob("*.ko"):
        by_name[path.name[:-3].replace("-", "_")] = path
    wanted = [m for m in MODULES + OPTIONAL_MODULES if m in by_name]
    if "ip_vs" not in wanted:
        raise VmError(f"{deb.name} has no ip_vs module: this kernel cannot run the IPVS tests")
    order: list[str] = []  # dependencies before their users

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in order:
            return
        if name not in by_name:
            raise VmError(f"module {name} (needed by {' <- '.join(chain)}) is not in {deb.name}")
        for dep in module_depends(by_name[name].read_bytes()):
            visit(dep, (name, *chain))
        order.append(name)

    for name in wanted:
        visit(name, (name,))
    moddir = work / "modules" / release
    dep_lines = []
    for name in order:
        rel = by_name[name].relative_to(everything).as_posix()
        (moddir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(by_name[name], moddir / rel)
        deps = _closure(name, by_name)
        dep_lines.append(f"{rel}: " + " ".join(by_name[d].relative_to(everything).as_posix() for d in deps))
    (moddir / "modules.dep").write_text("\n".join(dep_lines) + "\n")
    for extra in ("modules.builtin", "modules.order"):
        if (everything / extra).is_file():
            shutil.copy2(everything / extra, moddir / extra)
    shutil.rmtree(everything)

    vmlinux = extract_vmlinux((work / "vmlinuz").read_bytes())
    if vmlinux is not None and has_pvh_entry(vmlinux):
        (work / "vmlinux").write_bytes(vmlinux)
    shutil.rmtree(dest, ignore_errors=True)
    work.rename(dest)
    return {"deb": deb.name, "release": release, "modules": order, "boot": [m for m in MODULES if m in by_name],
            "optional": [m for m in OPTIONAL_MODULES if m in by_name],
            "image": "vmlinux" if (dest / "vmlinux").is_file() else "vmlinuz"}


def _closure(name: str, by_name: dict[str, Path]) -> list[str]:
    """Every module ``name`` needs, the deepest first (modules.dep's order is the reverse)."""
    seen: list[str] = []

    def walk(n: str) -> None:
        for dep in module_depends(by_name[n].read_bytes()):
            if dep not in seen:
                walk(dep)
                seen.append(dep)

    walk(name)
    return list(reversed(seen))


# -- ELF -------------------------------------------------------------------------------------------------------------


def _sections(elf: bytes) -> dict[str, tuple[int, int, int]]:
    """ELF64 little-endian section name -> (type, offset, size)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not an ELF64 little-endian file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    names_off = headers[shstrndx][4]
    out = {}
    for h in headers:
        end = elf.index(b"\0", names_off + h[0])
        out[elf[names_off + h[0]:end].decode()] = (h[1], h[4], h[5])
    return out


def module_depends(ko: bytes) -> list[str]:
    """The ``depends=`` list of a kernel module's .modinfo section."""
    _, offset, size = _sections(ko)[".modinfo"]
    for item in ko[offset:offset + size].split(b"\0"):
        if item.startswith(b"depends="):
            return [d.replace("-", "_") for d in item[8:].decode().split(",") if d]
    return []


def extract_vmlinux(bzimage: bytes) -> bytes | None:
    """The ELF kernel inside a bzImage: its payload is an xz (Debian) or gzip stream."""
    for magic, open_stream in ((b"\xfd7zXZ\x00", lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ)),
                               (b"\x1f\x8b\x08", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS))):
        start = bzimage.find(magic)
        while start >= 0:
            try:
                out = open_stream().decompress(bzimage[start:])
            except (lzma.LZMAError, zlib.error):
                out = b""
            if out[:4] == b"\x7fELF":
                return out
            start = bzimage.find(magic, start + 1)
    return None


def has_pvh_entry(elf: bytes) -> bool:
    """True when the kernel has the Xen PVH entry note (type 18, XEN_ELFNOTE_PHYS32_ENTRY) that lets
    qemu boot the ELF image without a boot loader."""
    try:
        sections = _sections(elf)
    except (ValueError, struct.error):
        return False
    for kind, offset, size in sections.values():
        if kind != 7:  # SHT_NOTE
            continue
        pos = offset
        while pos + 12 <= offset + size:
            namesz, descsz, note_type = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            if name == b"Xen" and note_type == 18:
                return True
            pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False
