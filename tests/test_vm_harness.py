"""The VM harness's own parts that need no VM: the initramfs writer, the kernel package readers, the
report channel, the accelerator choice, what goes into the pieces.  (The boots are in
test_vm_lab.py, test_ipvs_vm.py and test_keepalived_vm.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import stat
import struct
import tarfile

import pytest

from vm import _job, cpio, image, kernel, qemu


# -- cpio ----------------------------------------------------------------------------------------------------------


def test_cpio_names_every_parent_before_its_contents_and_reads_back():
    archive = cpio.Archive()
    archive.file("/usr/local/bin/tool", b"#!/bin/sh\n", 0o755, mtime=1700000000)
    archive.symlink("/bin/sh", "/usr/bin/bash")
    archive.dir("/tmp", 0o1777)
    data = archive.to_bytes()
    assert len(data) % 4 == 0
    names = [name for name in cpio.read(data)]
    assert names.index("/usr") < names.index("/usr/local") < names.index("/usr/local/bin") < names.index(
        "/usr/local/bin/tool")
    entries = cpio.read(data)
    assert entries["/usr/local/bin/tool"] == (stat.S_IFREG | 0o755, b"#!/bin/sh\n")
    assert entries["/bin/sh"] == (stat.S_IFLNK | 0o777, b"/usr/bin/bash")
    assert entries["/tmp"][0] == stat.S_IFDIR | 0o1777
    # the header of the file entry carries root ownership and the mtime (.pyc files check it)
    at = data.index(b"usr/local/bin/tool\0") - 110
    fields = [int(data[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
    assert fields[2:4] == [0, 0] and fields[5] == 1700000000


def test_cpio_concatenated_archives_later_entries_win():
    first, second = cpio.Archive(), cpio.Archive()
    first.file("/etc/hosts", b"old\n")
    first.file("/etc/passwd", b"root\n")
    second.file("/etc/hosts", b"new\n")
    entries = cpio.read(first.to_bytes() + second.to_bytes())
    assert entries["/etc/hosts"][1] == b"new\n" and entries["/etc/passwd"][1] == b"root\n"


def test_cpio_refuses_relative_guest_paths():
    with pytest.raises(ValueError):
        cpio.Archive().file("etc/hosts", b"")


def test_cpio_tree_copies_a_directory_with_its_symlinks(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"pyc")
    (tmp_path / "pkg" / "link").symlink_to("a.py")
    archive = cpio.Archive()
    archive.tree(tmp_path / "pkg", "/opt/pkg", skip=lambda rel: rel.startswith("__pycache__"))
    entries = cpio.read(archive.to_bytes())
    assert entries["/opt/pkg/a.py"][1] == b"x = 1\n"
    assert entries["/opt/pkg/link"] == (stat.S_IFLNK | 0o777, b"a.py")
    assert not any("__pycache__" in name for name in entries)


# -- the job -------------------------------------------------------------------------------------------------------


def test_the_job_puts_relative_names_in_vm_in_and_quotes_the_environment(tmp_path):
    (tmp_path / "f").write_text("host file\n")
    job = cpio.read(_job("echo hi\n", {"rules/a.rules": "-A\n", "/etc/x": b"abs", "copied": tmp_path / "f"}, 42.7,
                         {"NAMES": "a b 'c'"}).to_bytes())
    assert job["/vm/in/rules/a.rules"][1] == b"-A\n"
    assert job["/etc/x"][1] == b"abs"
    assert job["/vm/in/copied"][1] == b"host file\n"
    assert job["/vm/job/script"] == (stat.S_IFREG | 0o755, b"echo hi\n")
    assert job["/vm/job/env"][1] == b"LIMIT=42\nexport NAMES='a b '\"'\"'c'\"'\"''\n"


# -- the kernel package ----------------------------------------------------------------------------------------------


def _elf(sections: dict[str, tuple[int, bytes]]) -> bytes:
    """A minimal ELF64 little-endian file with the given sections (name -> (type, contents))."""
    names = b"\0" + b"".join(n.encode() + b"\0" for n in sections) + b".shstrtab\0"
    body = b""
    headers = [struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    offset = 64
    name_at = 1
    for name, (kind, content) in sections.items():
        headers.append(struct.pack("<IIQQQQIIQQ", name_at, kind, 0, 0, offset + len(body), len(content), 0, 0, 1, 0))
        name_at += len(name) + 1
        body += content
    headers.append(struct.pack("<IIQQQQIIQQ", name_at, 3, 0, 0, offset + len(body), len(names), 0, 0, 1, 0))
    body += names
    shoff = offset + len(body)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    header = ident + struct.pack("<HHIQQQIHHHHHH", 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(headers),
                                 len(headers) - 1)
    return header + body + b"".join(headers)


def test_module_dependencies_come_from_modinfo():
    modinfo = b"license=GPL\0depends=nf_conntrack,nf_defrag_ipv6,libcrc32c\0name=ip_vs\0"
    ko = _elf({".text": (1, b"\x90" * 16), ".modinfo": (1, modinfo)})
    assert kernel.module_depends(ko) == ["nf_conntrack", "nf_defrag_ipv6", "libcrc32c"]
    assert kernel.module_depends(_elf({".modinfo": (1, b"depends=\0name=veth\0")})) == []
    assert kernel.module_depends(_elf({".modinfo": (1, b"depends=crc32c-generic\0")})) == ["crc32c_generic"]


def _note(name: bytes, kind: int, desc: bytes) -> bytes:
    pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731
    return struct.pack("<III", len(name), len(desc), kind) + pad(name) + pad(desc)


def test_the_pvh_entry_note_is_found_only_when_there():
    with_pvh = _elf({".notes": (7, _note(b"GNU\0", 3, b"id") + _note(b"Xen\0", 18, b"\0\0\x00\x01"))})
    assert kernel.has_pvh_entry(with_pvh)
    assert not kernel.has_pvh_entry(_elf({".notes": (7, _note(b"Xen\0", 17, b"\0" * 4))}))
    assert not kernel.has_pvh_entry(b"MZ not an elf")


def test_the_elf_kernel_is_cut_out_of_a_bzimage():
    payload = _elf({".text": (1, b"kernel" * 100)})
    # a false start (the magic inside the setup code) before the real stream, junk after it
    bzimage = b"\x00" * 512 + b"\xfd7zXZ\x00 not a stream" + lzma.compress(payload, format=lzma.FORMAT_XZ) + b"\x00" * 9
    assert kernel.extract_vmlinux(bzimage) == payload
    assert kernel.extract_vmlinux(b"\x00" * 1024) is None


# -- the report channel --------------------------------------------------------------------------------------------


def _report(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo("./" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    body = buf.getvalue()
    return (b"lvscf-vm booted 1.23\nlvscf-vm report %d %s\n" % (len(body), hashlib.sha256(body).hexdigest().encode())
            + body + b"lvscf-vm end\n")


def test_the_report_comes_back_byte_for_byte():
    files = {"_vm/rc": b"0\n", "files/bin": bytes(range(256)) + b"\r\n\n"}
    assert qemu.unpack_report(_report(files)) == files


def test_a_truncated_or_damaged_report_is_no_report():
    whole = _report({"_vm/rc": b"0\n", "files/x": b"x" * 5000})
    assert qemu.unpack_report(whole[:-2000]) is None
    damaged = bytearray(whole)
    damaged[-3000] ^= 1
    assert qemu.unpack_report(bytes(damaged)) is None
    assert qemu.unpack_report(b"lvscf-vm booted 1.0\n") is None


# -- the accelerator -----------------------------------------------------------------------------------------------


def test_kvm_is_probed_once_and_its_verdict_cached(tmp_path, monkeypatch):
    monkeypatch.delenv("LVSCF_VM_ACCEL", raising=False)
    monkeypatch.setattr(qemu.host, "kvm_usable", lambda: True)
    calls = []

    def probe(accel):
        calls.append(accel["cpu"])
        if accel["cpu"] == "host":
            return False, 0.1, "qemu-system-x86_64: error: failed to set MSR 0x10a"
        return True, 1.5, ""

    kern = {"key": "k1"}
    assert qemu.choose_accel(tmp_path, kern, probe) == {"accel": "kvm", "cpu": "host,-arch-capabilities",
                                                        "probe_seconds": 1.5}
    assert qemu.choose_accel(tmp_path, kern, probe)["cpu"] == "host,-arch-capabilities"
    assert calls == ["host", "host,-arch-capabilities"]


def test_a_kvm_that_never_boots_means_tcg(tmp_path, monkeypatch):
    monkeypatch.delenv("LVSCF_VM_ACCEL", raising=False)
    monkeypatch.setattr(qemu.host, "kvm_usable", lambda: True)
    verdict = qemu.choose_accel(tmp_path, {"key": "k2"}, lambda accel: (False, 15.0, ""))
    assert verdict["accel"] == "tcg" and "no report within 15 s" in verdict["why"]
    assert json.loads(next(tmp_path.glob("accel-*.json")).read_text()) == verdict


def test_the_accelerator_can_be_forced(tmp_path, monkeypatch):
    def never(accel):
        raise AssertionError("no probe when forced")

    monkeypatch.setenv("LVSCF_VM_ACCEL", "tcg")
    assert qemu.choose_accel(tmp_path, {"key": "k"}, never)["accel"] == "tcg"
    monkeypatch.setenv("LVSCF_VM_ACCEL", "kvm")
    assert qemu.choose_accel(tmp_path, {"key": "k"}, never) == {"accel": "kvm", "cpu": "host"}
    monkeypatch.setenv("LVSCF_VM_ACCEL", "fast")
    with pytest.raises(qemu.VmError):
        qemu.choose_accel(tmp_path, {"key": "k"}, never)


# -- what goes into the pieces -------------------------------------------------------------------------------------


def test_the_standard_library_leaves_out_tests_idle_and_tk():
    keep = ["os.py", "json/__init__.py", "unittest/mock.py", "http/server.py", "lib-dynload/_ssl.cpython-311.so",
            "__pycache__/os.cpython-311.pyc", "testing_helpers.py"]
    drop = ["test/test_os.py", "idlelib/idle.py", "tkinter/__init__.py", "unittest/test/test_case.py",
            "ctypes/test/test_x.py", "site-packages/pip/__init__.py", "config-3.11-x86_64-linux-gnu/Makefile",
            "__pycache__/os.cpython-311.opt-1.pyc", "ensurepip/__init__.py", "lib2to3/main.py"]
    assert [p for p in keep if image._STDLIB_SKIP.search(p)] == []
    assert [p for p in drop if not image._STDLIB_SKIP.search(p)] == []


def test_lvscfs_run_time_requirements_and_not_its_test_extras():
    names = {d.metadata["Name"].lower().replace("_", "-") for d in image._runtime_distributions()}
    assert {"lark", "attrs", "typer", "rich"} <= names
    assert not names & {"pytest", "hypothesis", "jsonschema", "build", "lvscf"}
