"""The initramfs format: "newc" cpio archives, written from Python.

The kernel unpacks every archive it finds in the initrd, one after the other, so the VM's root
file system is the concatenation of a few cached pieces (base, keepalived, python) and a small
per-boot piece (the job).  A later piece may replace a file of an earlier one.

The kernel creates each entry with a plain mkdir/open, and skips (silently) a file whose parent
directory does not exist yet: every archive written here therefore names each parent directory
before its contents.  Everything is owned by root (keepalived's script security insists on it).
"""

from __future__ import annotations

import os
import stat
from pathlib import PurePosixPath
from typing import BinaryIO

_MAGIC = b"070701"


class Archive:
    """Entries by absolute guest path; written sorted, parents first."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, bytes, int]] = {}  # path -> (mode, data, mtime)

    def __contains__(self, path: str) -> bool:
        return _norm(path) in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def paths(self) -> list[str]:
        return sorted(self._entries)

    def dir(self, path: str, mode: int = 0o755, mtime: int = 0) -> None:
        path = _norm(path)
        self._parents(path)
        if path not in self._entries:
            self._entries[path] = (stat.S_IFDIR | mode, b"", mtime)

    def file(self, path: str, data: bytes, mode: int = 0o644, mtime: int = 0) -> None:
        path = _norm(path)
        self._parents(path)
        self._entries[path] = (stat.S_IFREG | mode, data, mtime)

    def symlink(self, path: str, target: str) -> None:
        path = _norm(path)
        self._parents(path)
        self._entries[path] = (stat.S_IFLNK | 0o777, target.encode(), 0)

    def copy(self, host: str | os.PathLike, path: str | None = None, mode: int | None = None) -> None:
        """A host file (symlinks followed), keeping its permission bits and mtime."""
        st = os.stat(host)
        with open(host, "rb") as f:
            data = f.read()
        self.file(path or os.fspath(host), data, stat.S_IMODE(st.st_mode) if mode is None else mode,
                  int(st.st_mtime))

    def tree(self, host: str | os.PathLike, path: str | None = None, skip=lambda rel: False) -> None:
        """A host directory, recursively (symlinks inside it kept as symlinks).  ``skip(rel)`` is
        called with each entry's path relative to the top (``a/b.py``) and drops it when true."""
        top = os.fspath(host)
        dest = _norm(path or top)
        self.dir(dest, stat.S_IMODE(os.stat(top).st_mode))
        for dirpath, dirnames, filenames in os.walk(top):
            rel_dir = os.path.relpath(dirpath, top)
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = [d for d in sorted(dirnames) if not skip(rel_dir + d)]
            for name in dirnames:
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    self.symlink(f"{dest}/{rel_dir}{name}", os.readlink(full))
                else:
                    self.dir(f"{dest}/{rel_dir}{name}", stat.S_IMODE(os.stat(full).st_mode))
            for name in sorted(filenames):
                if skip(rel_dir + name):
                    continue
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    self.symlink(f"{dest}/{rel_dir}{name}", os.readlink(full))
                else:
                    self.copy(full, f"{dest}/{rel_dir}{name}")

    def _parents(self, path: str) -> None:
        for parent in reversed(PurePosixPath(path).parents):
            key = str(parent)
            if key != "/" and key not in self._entries:
                self._entries[key] = (stat.S_IFDIR | 0o755, b"", 0)

    def write(self, out: BinaryIO) -> int:
        """Writes the archive; returns its size in bytes."""
        size = 0
        for ino, path in enumerate(sorted(self._entries, key=lambda p: PurePosixPath(p).parts), 1):
            mode, data, mtime = self._entries[path]
            size += _entry(out, ino, path.lstrip("/"), mode, data, mtime)
        size += _entry(out, 0, "TRAILER!!!", 0, b"", 0)
        return size

    def to_bytes(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.write(buf)
        return buf.getvalue()


def _norm(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"guest paths are absolute: {path!r}")
    return str(PurePosixPath(os.path.normpath(path)))


def _entry(out: BinaryIO, ino: int, name: str, mode: int, data: bytes, mtime: int) -> int:
    encoded = name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, 0, 0, len(encoded), 0)
    header = _MAGIC + b"".join(b"%08X" % value for value in fields)
    head = header + encoded
    head += b"\0" * (-len(head) % 4)
    out.write(head)
    out.write(data)
    pad = -len(data) % 4
    out.write(b"\0" * pad)
    return len(head) + len(data) + pad


def read(data: bytes) -> dict[str, tuple[int, bytes]]:
    """Reads concatenated newc archives back: path -> (mode, data), later entries winning, as the
    kernel unpacks them.  For the harness's own tests."""
    entries: dict[str, tuple[int, bytes]] = {}
    pos = 0
    while pos < len(data):
        if data[pos:pos + 4] == b"\0\0\0\0":
            pos += 4
            continue
        if data[pos:pos + 6] != _MAGIC:
            raise ValueError(f"not a newc header at offset {pos}")
        fields = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, filesize, namesize = fields[1], fields[6], fields[11]
        name_start = pos + 110
        name = data[name_start:name_start + namesize - 1].decode()
        body = name_start + namesize
        body += -body % 4
        content = data[body:body + filesize]
        pos = body + filesize
        pos += -pos % 4
        if name != "TRAILER!!!":
            entries["/" + name] = (mode, content)
    return entries
