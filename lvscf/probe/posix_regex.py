"""POSIX extended regular expressions from the C library, as nanny used them.

nanny matched ``expect`` with ``regcomp(REG_EXTENDED)`` and ``regexec`` on a
NUL-terminated buffer.  Python's ``re`` is a different dialect (``\\d``,
``[[:alpha:]]``, ``{,n}``, leftmost-longest...), so the probe calls the same C
functions through ctypes.

glibc's matcher can need gigabytes and minutes for some expressions (it
writes counted repetitions out, and backtracks over back-references), and a
hostile real server chooses the reply.  So the probe matches in a child
process with a time and memory limit (:func:`search_limited`): a match that
reaches either fails the check, and the director keeps its memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import os

__all__ = ["PosixRegex", "RegexError", "Exhausted", "search_limited", "MATCH_MEMORY"]

REG_EXTENDED = 1  # glibc and musl
REG_ESPACE = 12  # glibc: regcomp ran out of memory
_REGEX_T_SIZE = 256  # sizeof(regex_t) is 64 on glibc x86-64; room to spare for any libc

#: address space a match may add to the probe's own: several times what the costliest expression
#: ``lvscf check`` accepts (LVS521) needs, a small part of what the costly ones take
MATCH_MEMORY = 128 * 2**20


class RegexError(ValueError):
    """The pattern does not compile (nanny: every check fails)."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class Exhausted(Exception):
    """The match reached its time or memory limit: a costly expression, or a reply chosen to make it costly."""


_libc = None


def _c():
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c") or "libc.so.6"
        lib = ctypes.CDLL(name)
        lib.regcomp.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        lib.regerror.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.regfree.argtypes = [ctypes.c_void_p]
        _libc = lib
    return _libc


class PosixRegex:
    def __init__(self, pattern: bytes) -> None:
        lib = _c()
        self._buffer = ctypes.create_string_buffer(_REGEX_T_SIZE)
        rc = lib.regcomp(self._buffer, pattern.split(b"\0")[0], REG_EXTENDED)
        if rc != 0:
            message = ctypes.create_string_buffer(256)
            lib.regerror(rc, self._buffer, message, len(message))
            raise RegexError(message.value.decode("ascii", "replace"), rc)
        self._compiled = True

    def search(self, data: bytes) -> bool:
        """True if the pattern matches anywhere in ``data`` up to its first NUL (as a C string)."""
        return _c().regexec(self._buffer, data.split(b"\0")[0], 0, None, 0) == 0

    def __del__(self) -> None:
        if getattr(self, "_compiled", False):
            _c().regfree(self._buffer)


def _limit(seconds: float, memory: int) -> None:
    """In the child: at most ``seconds`` of CPU, ``memory`` bytes more address space, no core file."""
    import resource

    cpu = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL a second later
    try:
        with open("/proc/self/statm", "rb") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        used = 256 * 2**20  # no /proc: assume a large interpreter rather than no limit
    resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))


def _child(pattern: bytes, data: bytes, seconds: float, memory: int, out: int) -> None:
    """Match and write the answer to ``out``: b"1" match, b"0" none, b"E" + message, b"M" out of memory."""
    try:
        _limit(seconds, memory)
        try:
            answer = b"1" if PosixRegex(pattern).search(data) else b"0"
        except RegexError as error:
            answer = (b"M" if error.code == REG_ESPACE else b"E") + str(error).encode("ascii", "replace")
        except MemoryError:
            answer = b"M"
        os.write(out, answer)
    finally:
        os._exit(0)  # never back into the caller's stack (or a test runner's)


def _collect(fd: int, seconds: float) -> bytes | None:
    """All the child writes until it exits; None when that takes more than ``seconds``."""
    import select
    import time

    deadline = time.monotonic() + seconds
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    answer = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(math.ceil(left * 1000)):
            return None
        chunk = os.read(fd, 512)
        if not chunk:
            return answer
        answer += chunk


def search_limited(pattern: bytes, data: bytes, seconds: float, memory: int = MATCH_MEMORY) -> bool:
    """:meth:`PosixRegex.search` in a child process with ``seconds`` of time and ``memory`` more bytes.

    Raises :class:`RegexError` when the pattern does not compile, :class:`Exhausted` when a limit is
    reached.  The child is forked (the probe is single-threaded), so it starts in a millisecond with the
    C library already loaded.
    """
    import signal

    _c()  # load the C library before forking: the child must not start ldconfig under its limits
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:
        os.close(read_end)
        _child(pattern, data, seconds, memory, write_end)
    os.close(write_end)
    try:
        answer = _collect(read_end, seconds)
    finally:
        os.close(read_end)
    if answer is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if answer is None:
        raise Exhausted(f"the match took longer than {seconds:.3g} s")
    if answer[:1] in (b"0", b"1"):
        return answer[:1] == b"1"
    if answer[:1] == b"E":
        raise RegexError(answer[1:].decode("ascii", "replace"))
    if answer[:1] == b"M":
        raise Exhausted(f"compiling or matching the expression needs more than {memory // 2**20} MB")
    if os.WIFSIGNALED(status):
        if os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            raise Exhausted(f"the match used more than {max(1, math.ceil(seconds))} s of CPU")
        raise Exhausted(f"the matcher was killed by signal {os.WTERMSIG(status)}")
    raise Exhausted("the matcher stopped without an answer (out of memory)")
