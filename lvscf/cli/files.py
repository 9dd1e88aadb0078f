"""Reading inputs and writing outputs for the CLI: stdin as ``-``, atomic writes."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from typing import NamedTuple

from ..api import read_bytes
from ..errors import InputError

__all__ = ["Input", "read_input", "write_atomic", "write_text"]

STDIN = "-"


class Input(NamedTuple):
    data: bytes
    display: str  # the name used in diagnostics
    path: str | None  # the file to rewrite, None for stdin


def read_input(path: str, stdin_filename: str | None = None) -> Input:
    if path == STDIN:
        try:
            data = sys.stdin.buffer.read()
        except OSError as error:
            raise InputError(f"standard input cannot be read ({error.strerror or error})") from None
        return Input(data, stdin_filename or "-", None)
    return Input(read_bytes(path), path, path)


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one,
    never a partial one.  An existing file keeps its permission bits."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({error.strerror or error})") from None
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({error.strerror or error})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: cannot be written ({error.strerror or error})") from None


def write_text(stream, text: str) -> None:
    """Write ``text`` to a standard stream byte-exactly: bytes of the input file that are not
    UTF-8 (kept as surrogates, see :mod:`lvscf.source`) come out as the same bytes."""
    data = text.encode("utf-8", "surrogateescape")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (tests)
        stream.write(data.decode("utf-8", "replace"))
