"""One nanny check: the socket exchange (``pinger``) or the external program (``external_check``).

Behaviour follows nanny.c of Piranha 0.8.6, including the parts that decide
a check's outcome in surprising ways:

* Socket check: an ICMP echo is sent but its reply never awaited (only a
  local send error fails); a non-blocking connect polled for ``timeout``
  seconds, then a blocking ``connect()`` whose error fails; one ``write`` of
  ``send``; then, if there is an ``expect`` (or the protocol is UDP), a poll
  for ``timeout`` seconds and **exactly one** read of ``len(expect)`` bytes
  (254 with a regex, at most 254): a reply that arrives in pieces fails.
  ``expect = "*"`` passes on any read result, even end-of-file.  UDP with no
  ``expect`` never passes (nanny dereferences a NULL pointer on a reply).
  Not nanny: a regex is matched under a time and memory limit
  (:func:`.posix_regex.search_limited`), and reaching it fails the check.
* Program check: the command is split on spaces, ``%h``/``%p`` tokens are
  replaced, it runs with no time limit (nanny's alarm never fires), and only
  after it exits is its output read, once, up to 4095 bytes, with the last
  byte dropped.  A non-zero exit, a signal or a failed exec counts as
  **success** when ``expect`` is set; without ``expect`` every check fails.

Not nanny: the probe runs as root under keepalived, so it refuses (and
fails the check) a program keepalived's script security would refuse
(:mod:`.security`).
"""

from __future__ import annotations

import errno
import os
import select
import socket
import struct
import subprocess
import time
from typing import NamedTuple

from .escapes import Hangs, convert
from .posix_regex import Exhausted, RegexError, search_limited
from .security import vet

__all__ = ["Check", "Result", "run_check", "IMPLICIT_SEND", "IMPLICIT_EXPECT"]

#: nanny's defaults when the virtual port is 80 and send, expect and send_program are all unset.
IMPLICIT_SEND = b"GET / HTTP/1.0\\r\\n\\r\\n"
IMPLICIT_EXPECT = b"HTTP"
_READ_MAX = 254  # read_buf[255], one byte kept for the terminating NUL
_PROGRAM_READ = 4095


class Check(NamedTuple):
    """nanny's arguments for one real server (strings as lvsd passed them, before escapes)."""

    host: str
    vport: int
    rport: int
    timeout: int
    udp: bool = False
    send: bytes | None = None
    expect: bytes | None = None
    regex: bool = False
    program: bytes | None = None
    ping: bool = True


class Result(NamedTuple):
    ok: bool
    reason: str
    #: the reason is worth logging even when nobody asked (-v): the probe refused to do what nanny did
    alert: bool = False


def run_check(check: Check) -> Result:
    # keepalived kills the probe after misc_timeout = 2 * timeout + 2 s (lvscf convert writes it so): end a
    # second before, with an answer (and the re-entry state saved)
    deadline = time.monotonic() + 2 * check.timeout + 1
    try:
        # nanny parsed -h with inet_aton() (so "127.1" and octal "010.0.0.1" are accepted) and
        # only ever used the address: %h is inet_ntoa()'s dotted quad; a name was rejected.
        host = socket.inet_ntoa(socket.inet_aton(check.host))
    except (OSError, ValueError):
        return Result(False, f"bad IP address {check.host!r}: nanny refuses to start")
    check = check._replace(host=host)
    send, expect = check.send, check.expect
    if check.vport == 80 and send is None and expect is None and check.program is None:
        send, expect = IMPLICIT_SEND, IMPLICIT_EXPECT
    if check.program is not None:
        send = None  # nanny clears send when there is a program
    try:
        send = convert(send) if send is not None else None
        expect = convert(expect) if expect is not None else None
    except Hangs as hang:
        return Result(False, f"{hang}: it never checks, so the server is never added")
    if check.program is not None:
        return _program(check, expect)
    return _socket(check, send, expect, deadline)


# -- the socket check ---------------------------------------------------------------------


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _ping(host: str) -> Result | None:
    """Send nanny's ICMP echo (64 bytes); only a local send error fails.  Needs root, as nanny did."""
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except PermissionError:
        return None  # not root: nanny could not have run at all; check without the echo
    with raw:
        ident = os.getpid() & 0xFFF
        body = bytes(56)
        header = struct.pack("!BBHHH", 8, 0, 0, ident, 0)
        packet = struct.pack("!BBHHH", 8, 0, _checksum(header + body), ident, 0) + body
        try:
            sent = raw.sendto(packet, (host, 0))
        except OSError as error:
            return Result(False, f"ICMP echo not sent: {error.strerror}")
        return None if sent == len(packet) else Result(False, "ICMP echo not sent completely")


def _wait(sock: socket.socket, event: int, timeout: int) -> bool:
    poller = select.poll()
    poller.register(sock, event)
    return bool(poller.poll(timeout * 1000))


def _socket(check: Check, send: bytes | None, expect: bytes | None, deadline: float) -> Result:
    if check.ping:
        failed = _ping(check.host)
        if failed is not None:
            return failed
    kind = socket.SOCK_DGRAM if check.udp else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        address = (check.host, check.rport & 0xFFFF)  # nanny stores the port with htons()
        sock.setblocking(False)
        sock.connect_ex(address)
        if not _wait(sock, select.POLLOUT, check.timeout):
            return Result(False, f"connect to {check.host}:{address[1]} timed out")
        sock.setblocking(True)
        rc = sock.connect_ex(address)
        if rc != 0:
            return Result(False, f"connect to {check.host}:{address[1]}: {os.strerror(rc)}")
        if send is not None:
            try:
                sock.send(send)
            except OSError as error:
                return Result(False, f"send failed: {error.strerror}")
        if expect is None and not check.udp:
            return Result(True, "connected")
        return _read(sock, check, expect, deadline)


def _read(sock: socket.socket, check: Check, expect: bytes | None, deadline: float) -> Result:
    if check.regex:
        size = _READ_MAX
    elif expect is not None:
        size = min(len(expect), _READ_MAX)
    else:
        size = 1  # UDP without expect
    if not _wait(sock, select.POLLIN, check.timeout):
        return Result(False, "no reply within the timeout")
    try:
        # nanny: recvfrom() on UDP, read() on TCP.  Never sock.recv(): CPython answers recv(0) itself
        # without a system call, which would hide a pending error (ICMP port unreachable) from expect "".
        data = sock.recvfrom(size)[0] if check.udp else os.read(sock.fileno(), size)
    except OSError as error:
        return Result(False, f"read failed: {error.strerror or errno.errorcode.get(error.errno, error)}")
    if expect is None:
        # nanny reads `*expect_str` here, a NULL pointer: it crashes on any reply
        return Result(False, "UDP check without expect: nanny crashes on a reply and never adds the server")
    if not check.regex and size == 1 and expect[:1] == b"*":
        return Result(True, "wildcard expect: any reply (even none) passes")
    if check.regex:
        # not nanny, which matched in its own process for as long as it took: the time left of the check,
        # at most `timeout` seconds (at least half a second, still before keepalived's misc_timeout)
        seconds = max(0.5, min(check.timeout, deadline - time.monotonic()))
        try:
            matched = search_limited(expect, data, seconds)
        except RegexError as error:
            return Result(False, f"the expect regex does not compile: {error}")
        except Exhausted as error:
            return Result(False, f"the expect regex was not matched: {error}; check failed", alert=True)
        return Result(matched, "reply matches the regex" if matched else f"reply {data!r} does not match")
    if len(data) < size:
        return Result(False, f"reply {data!r} is shorter than the {size} bytes expected")
    ok = data[:size] == expect[:size]
    return Result(ok, "reply starts as expected" if ok else f"reply {data!r} does not start with {expect[:size]!r}")


# -- the external program ----------------------------------------------------------------------


def _argv(check: Check) -> list[bytes]:
    assert check.program is not None
    host, port = check.host.encode(), str(check.rport).encode()
    return [host if w == b"%h" else port if w == b"%p" else w for w in check.program.split(b" ") if w]


def _program(check: Check, expect: bytes | None) -> Result:
    argv = _argv(check)
    output: bytes | None = None
    path, refused = vet(argv[0]) if argv else (None, None)
    if refused is not None:
        # not nanny: keepalived runs the probe as root, and would refuse such a program itself (security.py);
        # a refusal fails the check even with expect set, where a program that cannot start would pass
        return Result(False, f"{refused}: check failed", alert=True)
    if path is not None:
        try:
            child = subprocess.Popen(argv, executable=path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, restore_signals=True)
        except OSError:
            output = None  # nanny's child exits 1 when execvp fails
        else:
            assert child.stdout is not None
            with child.stdout:
                # nanny waits first and reads after: output beyond a pipe's buffer deadlocks, as it did
                status = child.wait()
                output = os.read(child.stdout.fileno(), _PROGRAM_READ) if status == 0 else None
    if output is None:
        if expect is not None:
            return Result(True, "the program failed, which nanny counts as success when expect is set")
        return Result(False, "the program failed")
    if expect is None:
        return Result(False, "send_program without expect: nanny fails every check")
    text = output[:-1].split(b"\0")[0]  # the last byte is dropped, whatever it is; a C string ends at NUL
    ok = text == expect
    return Result(ok, "output equals expect" if ok else f"output {text!r} is not {expect!r}")
