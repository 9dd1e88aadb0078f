"""lvscf's real-kernel test harness: run a shell script in a throw-away qemu VM with IPVS.

This machine's kernel may have no IPVS (CI runners and containers often lack it, and loading
modules into the host is not a test's business), so the tests that need the kernel's IPVS boot
Debian's stock kernel under qemu, with this machine's own ipvsadm, keepalived and python3::

    from vm import boot
    result = boot("ipvsadm-restore < rules && ipvsadm-save -n > $VM_OUT/saved",
                  files={"rules": "-A -t 10.0.0.1:80 -s rr\\n"})
    assert result.rc == 0, result.describe()
    saved = result.files["saved"]

One boot runs one script, as long as it likes (within ``timeout``): keep the VM work of a test
module in one script, since every boot costs seconds under emulation.  The VM has no network
device; inside it, network namespaces, veth pairs and bridges make a whole cluster (see
tests/test_vm_lab.py).  Everything is built on first use and cached (tests/vm/README.md); a
missing piece is installed with apt-get, and anything that cannot be had raises VmError, so the
tests fail instead of skipping.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from . import cpio, host, image, qemu
from .errors import VmError

__all__ = ["Result", "VmError", "boot", "prepare"]


class Result:
    """What one boot gave back.

    ``rc`` is the script's exit status (137 when it ran past its limit: then ``timed_out``);
    ``stdout`` and ``stderr`` its output; ``files`` what it wrote under $VM_OUT, by relative
    path; ``console`` the kernel console; ``info`` how the boot went (accelerator, times)."""

    def __init__(self, rc: int, stdout: str, stderr: str, files: dict[str, bytes], console: str, info: dict,
                 limit: float) -> None:
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.files = files
        self.console = console
        self.info = info
        self.timed_out = rc == 137 and info.get("script_seconds", 0) >= limit - 1

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8", errors="replace")

    def describe(self, tail: int = 4000) -> str:
        """The script's status and output, for an assertion message."""
        limit = " (killed: it ran past its time limit)" if self.timed_out else ""
        return (f"VM script exit status {self.rc}{limit}\n--- stdout (end):\n{self.stdout[-tail:]}\n"
                f"--- stderr (end):\n{self.stderr[-tail:]}\n--- {self.summary()}")

    def summary(self) -> str:
        i = self.info
        return (f"lvscf-vm: accel={i['accel']} boot={i['booted_after']:.1f}s script={i['script_seconds']:.1f}s "
                f"wall={i['wall']:.1f}s initrd={i['initrd_mb']:.0f}MB mem={i['mem']}M tries={i['tries']}"
                + (f" built={','.join(i['built'])}" if i["built"] else "")
                + (f" installed={','.join(i['installed'])}" if i["installed"] else ""))


def prepare(*, python: bool = False, keepalived: bool = False, lvscf: bool = False) -> dict:
    """Builds (or finds in the cache) everything a boot needs; returns the kernel facts, the
    pieces and the accelerator.  ``boot`` calls it; it is public for ``python tests/vm build``."""
    cache = image.cache_dir()
    built = []
    with image.locked(cache):
        before = {p.name for p in (cache / "pieces").glob("*.cpio")} if (cache / "pieces").is_dir() else set()
        kernel_before = set(os.listdir(cache / "kernel")) if (cache / "kernel").is_dir() else set()
        host.ensure("qemu")
        kern = image.ensure_kernel(cache)
        if Path(kern["dir"]).name not in kernel_before:
            built.append("kernel")
        pieces = [image.base_piece(cache, kern)]
        if keepalived:
            pieces.append(image.keepalived_piece(cache))
        if python or lvscf:
            pieces.append(image.python_piece(cache))
        if lvscf:
            pieces.append(image.lvscf_piece(cache))
        built += [p.path.name.split("-")[0] for p in pieces if p.path.name not in before]

        def probe(accel: dict) -> tuple[bool, float, str]:
            work = Path(tempfile.mkdtemp(prefix="lvscf-vm-probe."))
            try:
                initrd = _initrd(work, pieces[:1], _job("true\n", {}, 5))
                cmd = qemu.command(kern, initrd, work, 256, accel, 1)
                # a working KVM reports within a second or two; a broken one never does
                run = qemu.run(cmd, work, 15, watchdog=15, tries=1)
                worked = qemu.unpack_report(run.report) is not None
                output = " ".join(line for line in run.qemu_output.splitlines() if "terminating on signal" not in line)
                return worked, run.wall, output[:300]
            finally:
                shutil.rmtree(work, ignore_errors=True)

        accel = qemu.choose_accel(cache, kern, probe)
    return {"kernel": kern, "pieces": pieces, "accel": accel, "built": built, "cache": str(cache)}


def _job(script: str, files: Mapping[str, bytes | str | os.PathLike], limit: float,
         env: Mapping[str, str] | None = None) -> cpio.Archive:
    job = cpio.Archive()
    job.file("/vm/job/script", script.encode(), 0o755)
    lines = [f"LIMIT={max(1, int(limit))}"] + [f"export {k}={shlex.quote(v)}" for k, v in (env or {}).items()]
    job.file("/vm/job/env", ("\n".join(lines) + "\n").encode())
    for name, content in files.items():
        target = name if name.startswith("/") else f"/vm/in/{name}"
        if isinstance(content, (bytes, str)):
            job.file(target, content.encode() if isinstance(content, str) else content,
                     0o755 if target.endswith(".sh") else 0o644)
        elif Path(content).is_dir():
            job.tree(content, target)
        else:
            job.copy(content, target)
    return job


def _initrd(work: Path, pieces: list[image.Piece], job: cpio.Archive) -> Path:
    initrd = work / "initrd"
    with open(initrd, "wb") as out:
        for piece in pieces:
            with open(piece.path, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
        job.write(out)
    return initrd


def boot(script: str, files: Mapping[str, bytes | str | os.PathLike] | None = None, *, python: bool = False,
         keepalived: bool = False, lvscf: bool = False, timeout: float = 300, mem: int | None = None,
         cpus: int = 1, env: Mapping[str, str] | None = None) -> Result:
    """Boots the VM, runs ``script`` with /bin/sh (bash) as root in /vm/in, returns its Result.

    ``files``: name -> bytes, text, or a host file or directory; a relative name lands in /vm/in
    ($VM_IN), an absolute one at that path.  ``python``: this machine's python3 as
    /usr/bin/python3.  ``lvscf``: also the checkout's lvscf, its run-time dependencies and the
    ``lvscf`` and ``lvscf-probe`` commands in /usr/local/bin (implies ``python``).
    ``keepalived``: this machine's keepalived.  ``timeout``: the script's limit in seconds (boot
    and report come on top).  ``env``: extra environment variables for the script.

    Raises VmError when the VM cannot be built or does not report back; a failing script is not
    an error (look at ``rc``)."""
    ready = prepare(python=python, keepalived=keepalived, lvscf=lvscf)
    work = Path(tempfile.mkdtemp(prefix="lvscf-vm."))
    keep = os.environ.get("LVSCF_VM_KEEP") == "1"
    try:
        initrd = _initrd(work, ready["pieces"], _job(script, files or {}, timeout, env))
        size = initrd.stat().st_size
        # the initrd is in guest memory twice while the kernel unpacks it, then once in the rootfs
        memory = mem or 256 + 2 * (size >> 20)
        cmd = qemu.command(ready["kernel"], initrd, work, memory, ready["accel"], cpus)
        run = qemu.run(cmd, work, timeout)
        files_back = qemu.unpack_report(run.report)
        if files_back is None:
            why = {"stall": f"the guest wrote nothing within {qemu.BOOT_WATCHDOG:.0f} s, {run.tries} times",
                   "timeout": f"the guest did not report within {timeout + qemu.REPORT_ALLOWANCE:.0f} s of booting",
                   None: f"qemu exited with status {run.returncode} before the guest reported"}[run.killed]
            raise VmError(f"the VM failed: {why}\n--- qemu:\n{run.qemu_output[-2000:]}\n"
                          f"--- kernel console (end):\n{run.console[-3000:]}")
        meta = {k[4:]: v.decode(errors="replace") for k, v in files_back.items() if k.startswith("_vm/")}
        failed = meta.get("modules.failed", "").split()
        if "ip_vs" in failed or "ip_vs" not in meta.get("modules.loaded", "").split():
            raise VmError(f"the VM could not load ip_vs: {meta.get('modprobe.err', '')}\n{run.console[-2000:]}")
        script_seconds = float(meta.get("uptime-end", 0)) - float(meta.get("uptime-script", 0))
        info = {"accel": ready["accel"]["accel"] + (":" + ready["accel"]["cpu"] if "cpu" in ready["accel"] else ""),
                "booted_after": run.booted_after or 0.0, "script_seconds": script_seconds, "wall": run.wall,
                "initrd_mb": size / 1048576, "mem": memory, "tries": run.tries, "built": ready["built"],
                "installed": host.installed(), "kernel": ready["kernel"]["release"],
                "modules_failed": failed, "dmesg": meta.get("dmesg", "")}
        rc = int(meta.get("rc", "-1").strip() or -1)
        user_files = {k[len("files/"):]: v for k, v in files_back.items() if k.startswith("files/")}
        return Result(rc, meta.get("stdout", ""), meta.get("stderr", ""), user_files, run.console, info, timeout)
    finally:
        if keep:
            print(f"lvscf-vm: work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
