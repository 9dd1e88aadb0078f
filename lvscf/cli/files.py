"""Reading inputs and writing outputs for the CLI: stdin as ``-``, what a path names, safe writes.

A path given to lvscf can name many things besides a regular file.  What each becomes:

* reading: a regular file (or a symbolic link to one) is read; ``-`` and the names of an open
  descriptor (``/dev/stdin``, ``/dev/fd/N``, as a shell's ``<(...)`` gives) read that descriptor;
  anything else (a FIFO, a device, a socket) is refused without being opened, because opening
  one can block forever or act on the device.  Found while walking a directory, such files are
  skipped with a note.
* writing: a regular file is replaced atomically (a temporary file in the same directory,
  renamed over it) and keeps its mode, owner and group; a symbolic link is followed to the file
  it names, which is replaced in *its* directory; a character device or a FIFO is written
  through (replacing ``/dev/null`` with a regular file is what an atomic rename would do); the
  names of an open descriptor (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``) write to it;
  anything else is refused.  A file with several hard links, or one the user could not open
  for writing, is refused rather than replaced (see :func:`write_file`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from typing import NamedTuple

from ..api import MAX_BYTES
from ..errors import InputError

__all__ = ["Input", "OutputError", "Found", "STDIN", "discover", "read_input", "write_file", "write_text",
           "names_descriptor", "names_stdout"]

STDIN = "-"
_CANDIDATES = ("lvs.cf",)
#: As the kernel's own limit (ELOOP), so a cycle of links ends with an error.
_MAX_LINKS = 40
_DESCRIPTOR = re.compile(r"/dev/fd/(\d+)|/proc/(self|thread-self|\d+)/fd/(\d+)")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


class OutputError(Exception):
    """A standard stream cannot be written (closed, a full disk, the reader gone)."""

    def __init__(self, stream: str, reason: str, broken_pipe: bool = False):
        super().__init__(f"{stream}: cannot be written ({reason})")
        self.broken_pipe = broken_pipe


class Input(NamedTuple):
    data: bytes
    display: str  # the name used in diagnostics
    path: str | None  # the file to rewrite, None for stdin


class Found(NamedTuple):
    """The files a command line names, after walking its directories."""

    files: list[str]
    notes: list[str]  # files met while walking that are skipped, one line each
    errors: list[str]  # directories that cannot be walked


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _descriptor(path: str) -> int | None:
    """The open descriptor an absolute path names (``/dev/stdout``, ``/dev/fd/3``,
    ``/proc/self/fd/3``), or None.  Another process's ``/proc/PID/fd`` is not ours."""
    if path in _STANDARD:
        return _STANDARD[path]
    match = _DESCRIPTOR.fullmatch(path)
    if match is None:
        return None
    if match[1] is not None:
        return int(match[1])
    if match[2].isdigit() and int(match[2]) != os.getpid():
        return None
    return int(match[3])


def names_descriptor(path: str) -> bool:
    """Whether a path names an open descriptor (``/dev/stdin``, ``/dev/fd/N``...)."""
    return _descriptor(os.path.abspath(path)) is not None


def names_stdout(path: str | None) -> bool:
    """Whether an output path means standard output (``-``, ``/dev/stdout``, ``/dev/fd/1``)."""
    if path is None or path == STDIN:
        return True
    return _descriptor(os.path.abspath(path)) == 1


# -- reading ------------------------------------------------------------------------


def _read_stream(stream, display: str, fd: int) -> bytes:
    if stream is None:  # Python's stdin when lvscf was started with it closed (`<&-`)
        closed = "it is closed" if display == "standard input" else "standard input is closed"
        raise InputError(f"{display}: cannot be read ({closed})")
    try:
        return stream.buffer.read() if fd == 0 else stream.read()
    except (OSError, ValueError) as error:
        reason = _reason(error) if isinstance(error, OSError) else "it is closed"
        raise InputError(f"{display}: cannot be read ({reason})") from None


def read_input(path: str, stdin_filename: str | None = None) -> Input:
    """The bytes of ``-`` (stdin), an open descriptor's name, or a regular file.  Any other
    kind of file is refused before it is opened: opening a FIFO waits for a writer, forever
    if there is none, and opening a device can act on it."""
    if path == STDIN:
        return Input(_read_stream(sys.stdin, "standard input", 0), stdin_filename or "-", None)
    fd = _descriptor(os.path.abspath(path))
    if fd == 0:
        return Input(_read_stream(sys.stdin, path, 0), path, None)
    if fd is not None:
        try:
            stream = os.fdopen(os.dup(fd), "rb")
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({_reason(error)})") from None
        with stream:
            return Input(_read_stream(stream, path, fd), path, None)
    return Input(_read_regular(path), path, path)


def _read_regular(path: str) -> bytes:
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{path}: is a directory, not an lvs.cf file")
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {_kind(mode)}, not a regular file: not read "
                             "(use - to read standard input)")
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, the
        # open returns at once and the fstat below refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({_reason(error)})") from None
    with os.fdopen(fd, "rb") as handle:
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise InputError(f"{path}: is {_kind(mode)}, not a regular file: not read")
            # a file past the limit is refused without reading it all into memory
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise InputError(f"{path}: too large: lvscf reads files of up to {MAX_BYTES >> 20} MiB "
                                 f"({MAX_BYTES:,} bytes)")
            return data
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({_reason(error)})") from None


def discover(paths: list[str]) -> Found:
    """The files named: a file as given (checked when read), a directory: every regular
    lvs.cf and *.cf below it (hidden folders skipped).  A FIFO, device, socket or broken
    link with such a name is skipped with a note: reading one could wait forever."""
    files: list[str] = []
    notes: list[str] = []
    errors: list[str] = []

    def unreadable(error: OSError) -> None:
        errors.append(f"{error.filename}: cannot be searched ({_reason(error)})")

    for path in paths:
        if path == STDIN or not os.path.isdir(path):
            files.append(path)
            continue
        for root, dirs, names in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name not in _CANDIDATES and not name.endswith(".cf"):
                    continue
                candidate = os.path.join(root, name)
                try:
                    mode = os.stat(candidate).st_mode
                except FileNotFoundError:
                    notes.append(f"{candidate}: a broken symbolic link: skipped")
                    continue
                except OSError:
                    files.append(candidate)  # reading it reports why it cannot be read
                    continue
                if stat.S_ISREG(mode):
                    files.append(candidate)
                else:
                    notes.append(f"{candidate}: {_kind(mode)}, not a regular file: skipped")
    return Found(files, notes, errors)


# -- writing ------------------------------------------------------------------------


class _Target(NamedTuple):
    path: str  # the file to write, symbolic links resolved
    stat: os.stat_result | None  # None: it does not exist yet
    fd: int | None  # an open descriptor to write instead


def _resolve(path: str) -> _Target:
    """Follow symbolic links one at a time to what ``path`` finally names, so that a link to
    ``/dev/stdout`` is seen as a descriptor and a relative link resolves from its own
    directory (the directories on the way are resolved too)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        fd = _descriptor(current)
        if fd is None:
            current = os.path.join(os.path.realpath(os.path.dirname(current)), os.path.basename(current))
            fd = _descriptor(current)
        if fd is not None:
            return _Target(current, None, fd)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return _Target(current, None, None)
        except OSError as error:
            raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
        if not stat.S_ISLNK(info.st_mode):
            return _Target(current, info, None)
        try:
            current = os.path.join(os.path.dirname(current), os.readlink(current))
        except OSError as error:
            raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
    raise InputError(f"{path}: cannot be written (too many levels of symbolic links)")


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to what ``path`` names (see the module's documentation).

    A regular file is replaced in one step: readers see the old file or the new one, never a
    partial one, also after a crash (the file and then its directory are synced).  It keeps
    its permission bits, owner and group.  Refused, with an :class:`InputError` and nothing
    changed: a file with more than one hard link (a new file would leave the other names
    with the old content, and writing in place is not atomic), a file the user could not
    open for writing (a rename would bypass its read-only mode), a file whose owner or group
    this user cannot give the new file, and what is neither a regular file, a character
    device nor a FIFO."""
    target = _resolve(path)
    if target.fd is not None:
        _write_descriptor(path, target.fd, data)
        return
    info = target.stat
    if info is None or stat.S_ISREG(info.st_mode):
        _replace(path, target.path, info, data)
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_through(path, target.path, data)
    else:
        raise InputError(f"{path}: is {_kind(info.st_mode)}: not written (lvscf writes regular files, "
                         "character devices and FIFOs)")


def _write_descriptor(path: str, fd: int, data: bytes) -> None:
    if fd in (1, 2):
        # Through sys.stdout/sys.stderr, so that the order with lvscf's other output on the
        # same stream holds.
        try:
            write_text(sys.stdout if fd == 1 else sys.stderr, data.decode("utf-8", "surrogateescape"))
        except OutputError as error:
            raise InputError(f"{path}: {error}") from None
        return
    try:
        _write_all(fd, data)
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({_reason(error)})") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_through(path: str, real: str, data: bytes) -> None:
    """Write to a character device or a FIFO where it is: a FIFO's reader gets the bytes,
    /dev/null stays /dev/null.  Opening a FIFO waits for its reader, as a shell's ``>`` does."""
    try:
        fd = os.open(real, os.O_WRONLY | os.O_NOCTTY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # swapped since it was looked at
            raise InputError(f"{path}: changed while it was opened: not written")
        _write_all(fd, data)
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
    finally:
        os.close(fd)


def _replace(path: str, real: str, info: os.stat_result | None, data: bytes) -> None:
    directory, name = os.path.split(real)
    if info is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(info.st_mode)
        if info.st_nlink > 1:
            raise InputError(f"{path}: has {info.st_nlink} hard links: not replaced (a new file would leave the "
                             "other names with the old content, and writing in place is not atomic); "
                             "write to another file, or break the links first")
        if not os.access(real, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
            raise InputError(f"{path}: permission denied (the file is read-only for this user): not replaced")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if info is not None:
                _keep_owner(path, handle.fileno(), info)
            # After the chown, which clears set-user-ID and set-group-ID bits.
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise InputError(f"{path}: cannot be written ({_reason(error)})") from None
        raise
    _sync_directory(path, directory)


def _keep_owner(path: str, fd: int, info: os.stat_result) -> None:
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise InputError(f"{path}: its owner and group ({info.st_uid}:{info.st_gid}) cannot be kept by this "
                         "user: not replaced (run as root or as its owner)") from None


def _sync_directory(path: str, directory: str) -> None:
    """Make the rename itself durable: without it a crash can bring the old file back."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(f"{path}: written, but its directory cannot be synced ({_reason(error)})") from None
    try:
        os.fsync(fd)
    except OSError as error:
        # Some file systems cannot sync a directory; there is nothing more to do there.
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise InputError(f"{path}: written, but its directory cannot be synced ({_reason(error)})") from None
    finally:
        os.close(fd)


def write_text(stream, text: str) -> None:
    """Write ``text`` to a standard stream byte-exactly: bytes of the input file that are not
    UTF-8 (kept as surrogates, see :mod:`lvscf.source`) come out as the same bytes.  A stream
    that is closed, full or whose reader is gone raises :class:`OutputError`."""
    name = "standard error" if stream is sys.stderr else "standard output"
    if not text:
        return
    if stream is None:
        raise OutputError(name, "it is closed")
    data = text.encode("utf-8", "surrogateescape")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:  # a text-only stream (tests)
            stream.write(data.decode("utf-8", "replace"))
    except BrokenPipeError as error:
        raise OutputError(name, _reason(error), broken_pipe=True) from None
    except OSError as error:
        raise OutputError(name, _reason(error)) from None
    except ValueError:  # a closed file object
        raise OutputError(name, "it is closed") from None
