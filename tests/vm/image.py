"""The VM's root file system: cached initramfs pieces, rebuilt when what went into them changes.

Pieces (each a newc archive in the cache, named by a hash of everything that went into it: the
harness's own source, the package versions, and the size and mtime of every host file copied):

* ``kernel``: the kernel image and the module subset (tests/vm/kernel.py).
* ``base``: /init, busybox (static) with its applets, bash as /bin/sh, GNU grep, iproute2
  (ip, ss, bridge), ipvsadm with ipvsadm-save/-restore, ldconfig, the modules, /etc basics.
* ``keepalived``: /usr/sbin/keepalived and its libraries.
* ``python``: this machine's python3 (the real binary, not a venv or pyenv shim), its shared
  libraries and standard library (without tests, IDLE, Tk), at their own absolute paths, with
  /usr/bin/python3 pointing at it.
* ``lvscf``: the checkout's lvscf/, grammars/ and examples/ at their own absolute path, the
  installed distributions lvscf needs at run time in /vm/site, and /usr/local/bin/lvscf and
  /usr/local/bin/lvscf-probe (root-owned, as keepalived's script security requires).

Binaries and libraries keep their host paths, and each real tool is also reachable as /bin/NAME
and /sbin/NAME, so whatever PATH a script sets (ipvsadm-restore sets its own) finds this
machine's tool, never a busybox applet of the same name.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from contextlib import contextmanager
from pathlib import Path

from . import cpio, host, kernel
from .errors import VmError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the checkout
#: Bump to rebuild every piece after a change in how they are built that the hashed sources
#: below would not show.
FORMAT = 1


def cache_dir() -> Path:
    """LVSCF_VM_CACHE, else /var/cache/lvscf-vm for root, else ~/.cache/lvscf-vm."""
    given = os.environ.get("LVSCF_VM_CACHE")
    if given:
        return Path(given)
    if os.geteuid() == 0:
        return Path("/var/cache/lvscf-vm")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lvscf-vm"


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _source_digest(*names: str) -> str:
    return _digest(FORMAT, *[(n, hashlib.sha256((HERE / n).read_bytes()).hexdigest()) for n in names])


@contextmanager
def locked(cache: Path):
    """One builder at a time per cache (concurrent test runs share it)."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class Piece:
    """A built piece: its archive file and what the cache knows about it."""

    def __init__(self, path: Path, meta: dict) -> None:
        self.path = path
        self.meta = meta

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _cached(cache: Path, kind: str, key: str, build) -> Piece:
    """The piece ``kind`` for ``key``, built by ``build(archive) -> meta`` when absent; older
    pieces of the same kind are removed."""
    path = cache / "pieces" / f"{kind}-{key}.cpio"
    meta_path = path.with_suffix(".json")
    if path.is_file() and meta_path.is_file():
        return Piece(path, json.loads(meta_path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    archive = cpio.Archive()
    meta = build(archive)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        archive.write(out)
    meta_path.write_text(json.dumps(meta, indent=1))
    tmp.rename(path)
    for old in path.parent.glob(f"{kind}-*"):
        if not old.name.startswith(f"{kind}-{key}."):
            old.unlink()
    return Piece(path, meta)


# -- kernel --------------------------------------------------------------------------------------------------------


def ensure_kernel(cache: Path) -> dict:
    """The unpacked kernel (downloaded and taken apart on first use)."""
    deb = kernel.download(cache / "debs")
    key = _digest(deb.name, deb.stat().st_size, kernel.MODULES, kernel.OPTIONAL_MODULES,
                  _source_digest("kernel.py"))
    dest = cache / "kernel" / f"{deb.stem}-{key}"
    meta_path = dest / "meta.json"
    if not meta_path.is_file():
        facts = kernel.unpack(deb, dest)
        facts["key"] = key
        facts["dir"] = str(dest)
        meta_path.write_text(json.dumps(facts, indent=1))
        for old in dest.parent.iterdir():
            if old != dest:
                shutil.rmtree(old, ignore_errors=True)
    return json.loads(meta_path.read_text())


# -- base ----------------------------------------------------------------------------------------------------------

_ETC = {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                   "keepalived_script:x:998:998::/nonexistent:/usr/sbin/nologin\n",
    "/etc/group": "root:x:0:\nnogroup:x:65534:\nkeepalived_script:x:998:\n",
    "/etc/nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\n"
                          "protocols: files\nservices: files\n",
    "/etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    "/etc/hostname": "lvscf-vm\n",
    "/etc/ld.so.conf": "include /etc/ld.so.conf.d/*.conf\n",
}


def _add_program(archive: cpio.Archive, path: str, libs: set[str]) -> None:
    """A host program at its own path, plus /bin/NAME and /sbin/NAME pointing at it."""
    archive.copy(path, path)
    name = os.path.basename(path)
    for alias in (f"/bin/{name}", f"/sbin/{name}"):
        if alias != path:
            archive.symlink(alias, path)
    libs.update(host.libraries(path))


def _add_libraries(archive: cpio.Archive, libs, piece: str) -> None:
    for lib in sorted(libs):
        if lib not in archive:
            archive.copy(lib, lib, mode=0o755)
    dirs = sorted({os.path.dirname(lib) for lib in libs})
    archive.file(f"/etc/ld.so.conf.d/{piece}.conf", ("\n".join(dirs) + "\n").encode())


def _tools() -> dict[str, str]:
    paths = host.ensure("busybox", "ipvsadm", "ip", "services")
    for name in ("bash", "grep", "ldconfig", "ss", "bridge"):
        found = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if not found:
            raise VmError(f"{name} is missing on this machine (it is part of every Debian system)")
        paths[name] = os.path.realpath(found)
    paths["ip"] = os.path.realpath(paths["ip"])
    paths["ipvsadm"] = os.path.realpath(paths["ipvsadm"])
    for script in ("ipvsadm-save", "ipvsadm-restore"):
        paths[script] = os.path.join(os.path.dirname(paths["ipvsadm"]), script)
        if not os.path.isfile(paths[script]):
            raise VmError(f"{paths[script]} is missing (package ipvsadm)")
    return paths


def base_piece(cache: Path, kern: dict) -> Piece:
    tools = _tools()
    etc = [p for p in ("/etc/services", "/etc/protocols") if os.path.exists(p)]
    host_files = sorted(set(tools.values()) | set(etc))
    key = _digest(_source_digest("image.py", "init.sh", "cpio.py"), kern["key"], host.stamp(host_files),
                  {p: host.package_version(p) for p in ("busybox-static", "bash", "grep", "iproute2", "ipvsadm",
                                                        "libc6", "libc-bin")})

    def build(archive: cpio.Archive) -> dict:
        for d in ("/proc", "/sys", "/dev", "/run", "/root", "/vm/in", "/vm/out", "/etc/keepalived", "/usr/local/bin",
                  "/usr/local/sbin", "/var/lib", "/var/log"):
            archive.dir(d)
        archive.dir("/tmp", 0o1777)
        archive.dir("/var/tmp", 0o1777)
        archive.symlink("/var/run", "/run")
        archive.file("/init", (HERE / "init.sh").read_bytes(), 0o755)
        for path, text in _ETC.items():
            archive.file(path, text.encode())
        for extra in etc:
            archive.copy(extra, extra)
        archive.copy(tools["busybox"], "/bin/busybox", 0o755)
        libs: set[str] = set()
        real = {}
        for name in ("bash", "grep", "ldconfig", "ip", "ss", "bridge", "ipvsadm", "ipvsadm-save", "ipvsadm-restore"):
            _add_program(archive, tools[name], libs)
            real[name] = tools[name]
        archive.symlink("/bin/sh", real["bash"])
        _add_libraries(archive, libs, "base")
        applets = subprocess.run([tools["busybox"], "--list"], capture_output=True, text=True, check=True).stdout.split()
        for applet in applets:
            if applet not in real and applet != "sh" and f"/bin/{applet}" not in archive:
                archive.symlink(f"/bin/{applet}", "/bin/busybox")
        # the kernel modules, and the list /init loads at boot
        moddir = Path(kern["dir"]) / "modules"
        archive.tree(moddir, "/lib/modules")
        lines = [f"{m} numdummies=0" if m == "dummy" else m for m in kern["optional"] + kern["boot"]]
        archive.file("/vm/modules", ("\n".join(lines) + "\n").encode())
        return {"kernel": kern["release"], "tools": real,
                "versions": {p: host.package_version(p) for p in ("busybox-static", "ipvsadm", "iproute2")}}

    return _cached(cache, "base", key, build)


# -- keepalived ----------------------------------------------------------------------------------------------------


def keepalived_piece(cache: Path) -> Piece:
    binary = host.ensure("keepalived")["keepalived"]
    libs = host.libraries(binary)
    key = _digest(_source_digest("image.py", "cpio.py"), host.stamp([binary, *libs]),
                  host.package_version("keepalived"))

    def build(archive: cpio.Archive) -> dict:
        held: set[str] = set()
        _add_program(archive, binary, held)
        _add_libraries(archive, held, "keepalived")
        return {"version": host.package_version("keepalived")}

    return _cached(cache, "keepalived", key, build)


# -- python --------------------------------------------------------------------------------------------------------

#: Parts of the standard library no test uses in the VM: they only make every boot slower.
_STDLIB_SKIP = re.compile(r"(?:^|/)(?:test|tests|idle_test)(?:/|$)|^(?:idlelib|tkinter|turtledemo|ensurepip|lib2to3|"
                          r"site-packages|pydoc_data|__phello__|config-[^/]*)(?:/|$)|\.opt-[12]\.pyc$|^turtle\.py$")


def python_interpreter() -> tuple[str, str, str]:
    """(real executable, standard library, lib-dynload) of the Python running the harness: the
    binary behind any venv or pyenv shim."""
    exe = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    stdlib = sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix, "base": sys.base_prefix})
    platstdlib = sysconfig.get_path("platstdlib", vars={"installed_platbase": sys.base_exec_prefix,
                                                         "platbase": sys.base_exec_prefix})
    dynload = os.path.join(platstdlib, "lib-dynload")
    if not os.path.isfile(os.path.join(stdlib, "os.py")):
        raise VmError(f"no standard library at {stdlib} for {exe}")
    return exe, stdlib, dynload


def _stdlib_files(stdlib: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(stdlib):
        rel = os.path.relpath(dirpath, stdlib)
        rel = "" if rel == "." else rel + "/"
        dirnames[:] = sorted(d for d in dirnames if not _STDLIB_SKIP.search(rel + d))
        out.extend(rel + f for f in sorted(filenames) if not _STDLIB_SKIP.search(rel + f))
    return out


def python_piece(cache: Path) -> Piece:
    exe, stdlib, dynload = python_interpreter()
    files = _stdlib_files(stdlib)
    extensions = [os.path.join(stdlib, f) for f in files if f.endswith(".so")]
    if not dynload.startswith(stdlib + os.sep) and os.path.isdir(dynload):
        extensions += [os.path.join(dynload, f) for f in sorted(os.listdir(dynload)) if f.endswith(".so")]
    key = _digest(_source_digest("image.py", "cpio.py"), exe, host.stamp([exe]),
                  host.stamp(os.path.join(stdlib, f) for f in files))

    def build(archive: cpio.Archive) -> dict:
        libs = set(host.libraries(exe, *extensions))
        archive.copy(exe, exe)
        for rel in files:
            full = os.path.join(stdlib, rel)
            if os.path.islink(full):
                archive.symlink(f"{stdlib}/{rel}", os.readlink(full))
            else:
                archive.copy(full, f"{stdlib}/{rel}")
        for ext in extensions:
            if ext not in archive:
                archive.copy(ext, ext)
        _add_libraries(archive, libs, "python")
        version = "%d.%d" % sys.version_info[:2]
        for link in ("/usr/bin/python3", f"/usr/bin/python{version}"):
            if link != exe:
                archive.symlink(link, exe)
        return {"executable": exe, "stdlib": stdlib, "version": sys.version.split()[0]}

    return _cached(cache, "python", key, build)


# -- lvscf ---------------------------------------------------------------------------------------------------------

_SITE = "/vm/site"


def _runtime_distributions() -> list[importlib.metadata.Distribution]:
    """lvscf's run-time requirements, recursively, as installed in the running environment (one
    whose marker is false here is not installed and is left out; extras are never followed)."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    todo = ["lvscf"]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            if name == "lvscf":
                raise VmError("lvscf is not installed in the Python running the harness: run it from the "
                              "checkout's venv (pip install -e '.[test]')") from None
            continue
        seen[name] = dist
        for req in dist.requires or []:
            if "extra" in req.partition(";")[2]:
                continue
            todo.append(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req).group(0))
    return [d for n, d in sorted(seen.items()) if n != "lvscf"]


_PYC = f".{sys.implementation.cache_tag}.pyc"


def _wanted(rel: Path) -> bool:
    """Sources and data, and the bytecode this interpreter wrote for them: compiling rich, typer
    and lvscf again on every boot would cost seconds under emulation (a stale .pyc is recompiled)."""
    return "__pycache__" not in rel.parts or rel.name.endswith(_PYC)


def _checkout_files() -> list[Path]:
    out = []
    for top in ("lvscf", "grammars", "examples"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and _wanted(path.relative_to(ROOT)):
                out.append(path)
    return out


def lvscf_piece(cache: Path) -> Piece:
    dists = _runtime_distributions()
    dist_files = []
    for dist in dists:
        for f in dist.files or []:
            full = Path(dist.locate_file(f))
            # console scripts sit outside site-packages (../../../bin): the wrappers below replace them
            if f.parts[0] != ".." and _wanted(Path(f)) and full.is_file():
                dist_files.append((f.as_posix(), full))
    checkout = _checkout_files()
    key = _digest(_source_digest("image.py", "cpio.py"), str(ROOT), host.stamp(checkout),
                  [(d.metadata["Name"], d.version) for d in dists], host.stamp(p for _, p in dist_files))

    def build(archive: cpio.Archive) -> dict:
        for path in checkout:
            archive.copy(path, str(path))
        for rel, full in dist_files:
            archive.copy(full, f"{_SITE}/{rel}")
        entry_points = importlib.metadata.distribution("lvscf").entry_points
        for ep in entry_points:
            if ep.group != "console_scripts":
                continue
            module, _, func = ep.value.partition(":")
            # -I: no PYTHONPATH, no user site; keepalived starts MISC_CHECK scripts with a bare
            # environment anyway, so the wrapper carries its own path
            archive.file(f"/usr/local/bin/{ep.name}", (
                "#!/usr/bin/python3 -I\n"
                f"import sys\nsys.path[:0] = [{str(ROOT)!r}, {_SITE!r}]\n"
                f"from {module} import {func}\nsys.exit({func}())\n").encode(), 0o755)
        return {"root": str(ROOT), "site": _SITE,
                "distributions": {d.metadata["Name"]: d.version for d in dists}}

    return _cached(cache, "lvscf", key, build)
