"""``lvscf.probe``: one Piranha nanny health check, tested against real local servers.

The behaviour asserted here is nanny's, as documented (with source evidence and
experiments on the compiled functions) in the research note on nanny/pulse,
sections 1-3: ``pinger()``, ``convert_str()``, ``external_check()`` /
``getExecOutput()`` and ``run()``'s re-entry count.  Servers are threads bound
to 127.0.0.1 on ephemeral ports; checks run with ``ping=False`` except in the
tests of the ICMP echo, which need root.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lvscf.probe import cli, nanny
from lvscf.probe.escapes import Hangs, convert
from lvscf.probe.nanny import Check, run_check
from lvscf.probe.posix_regex import PosixRegex, RegexError
from lvscf.probe.reentry import State, StateFile, decide, threshold

ROOT = Path(__file__).resolve().parents[1]
LOCAL = "127.0.0.1"
VPORT = 8080  # any virtual port but 80 (80 switches on nanny's implicit HTTP check)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# -- servers ---------------------------------------------------------------------------------


class Peer:
    """The server's end of one accepted TCP connection; ``received`` is everything the probe sent."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.conn.settimeout(5)
        self.received = bytearray()
        self.closed = False

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def read_until(self, marker: bytes) -> None:
        while marker not in self.received:
            chunk = self.conn.recv(4096)
            if not chunk:
                return
            self.received += chunk

    def drain(self) -> None:
        """Read until the probe closes its end (so closing ours never turns into a reset)."""
        while True:
            chunk = self.conn.recv(4096)
            if not chunk:
                return
            self.received += chunk

    def close(self) -> None:
        """Close now: the probe sees end-of-file."""
        self.conn.close()
        self.closed = True

    def reset(self) -> None:
        """Close with SO_LINGER 0: the probe sees a reset."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()


class TCPServer:
    """A listener on 127.0.0.1 that runs ``handler(peer)`` for each connection, then drains and closes.

    Use as a context manager; after the ``with`` block every handler has finished,
    so ``received`` is complete.
    """

    def __init__(self, handler=None) -> None:
        self.handler = handler
        self.peers: list[Peer] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOCAL, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.02)
        self.port = self.sock.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> TCPServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._acceptor.join(5)
        self.sock.close()
        for thread in list(self._threads):
            thread.join(5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            peer = Peer(conn)
            self.peers.append(peer)
            thread = threading.Thread(target=self._handle, args=(peer,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, peer: Peer) -> None:
        try:
            if self.handler is not None:
                self.handler(peer)
            if not peer.closed:
                peer.drain()
        except OSError:
            pass  # the probe closed first: fine for a test server
        finally:
            peer.conn.close()

    @property
    def received(self) -> bytes:
        return b"".join(bytes(peer.received) for peer in self.peers)


class UDPServer:
    """A UDP socket on 127.0.0.1: records each datagram and sends back whatever ``handler(data)`` returns.

    ``handler`` may return bytes (one reply), a list of bytes (several datagrams) or None (silence).
    """

    def __init__(self, handler=None) -> None:
        self.handler = handler
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOCAL, 0))
        self.sock.settimeout(0.02)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> UDPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, address = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.received.append(data)
            reply = self.handler(data) if self.handler is not None else None
            for datagram in [reply] if isinstance(reply, bytes) else reply or []:
                self.sock.sendto(datagram, address)


def replying(*pieces: bytes, pause: float = 0.0, then=None):
    """A TCP handler that sends ``pieces`` (with ``pause`` seconds between them), then optionally ``then(peer)``."""

    def handler(peer: Peer) -> None:
        for i, piece in enumerate(pieces):
            if i and pause:
                time.sleep(pause)
            peer.send(piece)
        if then is not None:
            then(peer)

    return handler


def closing(peer: Peer) -> None:
    peer.close()


def http_server(reply: bytes = b"HTTP/1.0 200 OK\r\n\r\n"):
    def handler(peer: Peer) -> None:
        peer.read_until(b"\r\n\r\n")
        peer.send(reply)

    return handler


@pytest.fixture
def refused_port():
    """A TCP port that answers SYN with RST: bound, never listening (nobody else can take it meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL, 0))
        yield sock.getsockname()[1]


@pytest.fixture
def closed_udp_port():
    """A UDP port with no socket: a datagram to it comes back as ICMP port unreachable."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOCAL, 0))
        port = sock.getsockname()[1]
    return port


def check(port: int, **fields) -> nanny.Result:
    fields.setdefault("host", LOCAL)
    fields.setdefault("vport", VPORT)
    fields.setdefault("timeout", 1)
    fields.setdefault("ping", False)
    return run_check(Check(rport=port, **fields))


def timed(function, *args, **kwargs):
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start


# -- plain expect: one read of len(expect) bytes, prefix compare ------------------------------


@pytest.mark.parametrize(("reply", "ok"), [
    (b"HTTP/1.1 200 OK\r\n\r\n", True),
    (b"HTTP", True),
    (b"SMTP ready\r\n", False),
    (b"http/1.1 200 OK\r\n", False),  # case-sensitive
    (b"XHTTP/1.0", False),  # a prefix, not a search
])
def test_plain_expect_is_a_prefix_match(reply, ok):
    with TCPServer(replying(reply)) as server:
        result = check(server.port, expect=b"HTTP")
    assert result.ok is ok, result


def test_plain_expect_a_reply_in_two_pieces_fails():
    # nanny reads exactly once: "HT" arrives, the read returns 2 bytes < 4, the check fails
    with TCPServer(replying(b"HT", b"TP", pause=0.3)) as server:
        result = check(server.port, expect=b"HTTP")
    assert not result.ok
    assert "short" in result.reason


def test_plain_expect_the_first_piece_alone_would_pass():
    # the same server passes for an expect the first piece satisfies: the failure above is the single read
    with TCPServer(replying(b"HT", b"TP", pause=0.3)) as server:
        assert check(server.port, expect=b"HT").ok


def test_plain_expect_a_shorter_reply_fails():
    with TCPServer(replying(b"HTT", then=closing)) as server:
        result = check(server.port, expect=b"HTTP")
    assert not result.ok
    assert "short" in result.reason


def test_plain_expect_eof_fails():
    with TCPServer(closing) as server:
        result = check(server.port, expect=b"HTTP")
    assert not result.ok


def test_plain_expect_a_reset_fails():
    def handler(peer):
        time.sleep(0.2)
        peer.reset()

    with TCPServer(handler) as server:
        result = check(server.port, expect=b"HTTP")
    assert not result.ok


def test_plain_expect_longer_than_254_bytes_compares_the_first_254():
    expect = b"A" * 254 + b"ZZZ"
    with TCPServer(replying(b"A" * 254 + b"BBB")) as server:
        assert check(server.port, expect=expect).ok
    with TCPServer(replying(b"A" * 254)) as server:  # 254 bytes are enough: only 254 are read
        assert check(server.port, expect=expect).ok
    with TCPServer(replying(b"A" * 253 + b"BZZZ")) as server:  # byte 254 still counts
        assert not check(server.port, expect=expect).ok


def test_plain_expect_254_bytes_in_two_pieces_fails():
    with TCPServer(replying(b"A" * 200, b"A" * 100, pause=0.3)) as server:
        assert not check(server.port, expect=b"A" * 300).ok


def test_send_is_written_once_with_escapes_converted_then_expect_is_read():
    def handler(peer):
        peer.read_until(b"\n")
        peer.send(b"+OK ready\r\n")

    with TCPServer(handler) as server:
        result = check(server.port, send=b"PING\\tX\\r\\n", expect=b"+OK")
    assert result.ok, result
    assert server.received == b"PING\tX\r\n"


# -- expect "*": the wildcard --------------------------------------------------------------


@pytest.mark.parametrize("handler", [
    replying(b"anything at all"),
    replying(b"\0"),
    closing,  # end-of-file: a 0-byte read still passes
], ids=["reply", "nul", "eof"])
def test_wildcard_passes_on_any_reply_and_on_eof(handler):
    with TCPServer(handler) as server:
        result = check(server.port, expect=b"*")
    assert result.ok, result


def test_wildcard_fails_when_the_server_stays_silent():
    with TCPServer() as server:
        result, elapsed = timed(check, server.port, expect=b"*", timeout=1)
    assert not result.ok
    assert 0.9 <= elapsed < 1.9


def test_wildcard_fails_on_a_reset():
    # the one read returns an error (i < 0), which fails before the wildcard is looked at
    def handler(peer):
        time.sleep(0.2)
        peer.reset()

    with TCPServer(handler) as server:
        assert not check(server.port, expect=b"*").ok


def test_only_a_lone_star_is_a_wildcard():
    with TCPServer(replying(b"xx")) as server:
        assert not check(server.port, expect=b"**").ok
    with TCPServer(replying(b"**")) as server:
        assert check(server.port, expect=b"**").ok


def test_wildcard_under_regex_does_not_compile_and_always_fails():
    with TCPServer(replying(b"anything")) as server:
        result = check(server.port, expect=b"*", regex=True)
    assert not result.ok
    assert "compile" in result.reason


# -- expect "": passes as soon as the socket is readable --------------------------------------


@pytest.mark.parametrize("handler", [replying(b"x"), closing], ids=["data", "eof"])
def test_empty_expect_passes_when_readable(handler):
    with TCPServer(handler) as server:
        result, elapsed = timed(check, server.port, expect=b"")
    assert result.ok, result
    assert elapsed < 0.5


def test_empty_expect_passes_on_a_reset_too():
    # POLLERR counts as readable and read(fd, buf, 0) returns 0 on a socket, error or not
    def handler(peer):
        time.sleep(0.2)
        peer.reset()

    with TCPServer(handler) as server:
        result = check(server.port, expect=b"")
    assert result.ok, result


def test_empty_expect_fails_when_the_server_stays_silent():
    with TCPServer() as server:
        result, elapsed = timed(check, server.port, expect=b"", timeout=1)
    assert not result.ok
    assert elapsed >= 0.9


# -- no expect, TCP: connecting is the check ---------------------------------------------------


def test_no_expect_tcp_passes_after_connect_even_if_the_server_never_answers():
    with TCPServer() as server:
        result, elapsed = timed(check, server.port)
    assert result.ok, result
    assert elapsed < 0.5
    assert server.received == b""


def test_no_expect_tcp_with_send_passes_without_reading():
    with TCPServer() as server:
        result, elapsed = timed(check, server.port, send=b"QUIT\\r\\n")
    assert result.ok, result
    assert elapsed < 0.5
    assert server.received == b"QUIT\r\n"


def test_no_expect_tcp_connection_refused_fails(refused_port):
    result, elapsed = timed(check, refused_port)
    assert not result.ok
    assert "refused" in result.reason.lower()
    assert elapsed < 0.5


def test_connect_that_never_completes_fails_after_the_timeout():
    # a listener whose accept queue is full drops further SYNs: the connect hangs
    listener = socket.socket()
    listener.bind((LOCAL, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex((LOCAL, port))
            fillers.append(filler)
        time.sleep(0.1)
        result, elapsed = timed(check, port, timeout=1)
    finally:
        for sock in [*fillers, listener]:
            sock.close()
    assert not result.ok
    assert "timed out" in result.reason
    assert 0.9 <= elapsed < 1.9


# -- UDP -------------------------------------------------------------------------------------------


def test_udp_without_send_sends_nothing_and_fails():
    with UDPServer(lambda data: b"OK") as server:
        result, elapsed = timed(check, server.port, udp=True, expect=b"OK", timeout=1)
    assert not result.ok
    assert elapsed >= 0.9
    assert server.received == []


def test_udp_send_and_expect_passes_on_a_matching_reply():
    with UDPServer(lambda data: b"PONG and more" if data == b"PING\n" else b"??") as server:
        result = check(server.port, udp=True, send=b"PING\\n", expect=b"PONG")
    assert result.ok, result
    assert server.received == [b"PING\n"]


def test_udp_send_and_expect_fails_on_a_different_reply():
    with UDPServer(lambda data: b"NOPE") as server:
        assert not check(server.port, udp=True, send=b"PING", expect=b"PONG").ok


def test_udp_reads_one_datagram_only():
    with UDPServer(lambda data: [b"PO", b"NG"]) as server:
        assert not check(server.port, udp=True, send=b"PING", expect=b"PONG").ok


def test_udp_without_expect_never_passes_even_when_the_server_replies():
    # nanny dereferences the NULL expect on a reply (SIGSEGV): the server is never added
    with UDPServer(lambda data: b"PONG") as server:
        result, elapsed = timed(check, server.port, udp=True, send=b"PING")
    assert not result.ok
    assert elapsed < 0.5  # it failed on the reply, not on a timeout
    assert server.received == [b"PING"]


@pytest.mark.parametrize("expect", [b"PONG", b"*", b""])
def test_udp_port_unreachable_fails_quickly(closed_udp_port, expect):
    result, elapsed = timed(check, closed_udp_port, udp=True, send=b"PING", expect=expect, timeout=1)
    assert not result.ok, result
    assert elapsed < 0.5
    assert "refused" in result.reason.lower()


def test_udp_empty_send_is_an_empty_datagram_and_wildcard_accepts_an_empty_reply():
    with UDPServer(lambda data: b"") as server:
        result = check(server.port, udp=True, send=b"", expect=b"*")
    assert result.ok, result
    assert server.received == [b""]


def test_udp_regex():
    with UDPServer(lambda data: b"status=42") as server:
        assert check(server.port, udp=True, send=b"q", expect=b"=[[:digit:]]+$", regex=True).ok


# -- regex: POSIX ERE from the C library -----------------------------------------------------


@pytest.mark.parametrize(("reply", "ok"), [
    (b"HTTP/1.0 200 OK\r\n", True),
    (b"HTTP/1.0 OK\r\n", False),
])
def test_regex_posix_character_class(reply, ok):
    with TCPServer(replying(reply)) as server:
        assert check(server.port, expect=b"[[:digit:]]{3}", regex=True).ok is ok


@pytest.mark.parametrize(("reply", "ok"), [
    (b"HTTP/1.0 200 OK", False),  # Python's \d would match here
    (b"xdddx", True),  # glibc reads \d as a plain d
])
def test_regex_backslash_d_is_not_python(reply, ok):
    # the expect must be written \\d so that nanny's escape conversion leaves \d for regcomp
    with TCPServer(replying(reply)) as server:
        assert check(server.port, expect=b"\\\\d{3}", regex=True).ok is ok


def test_regex_with_a_single_backslash_hangs_nanny_so_never_passes():
    with TCPServer(replying(b"200")) as server:
        result = check(server.port, expect=b"\\d{3}", regex=True)
    assert not result.ok
    assert "hangs" in result.reason
    assert server.peers == []  # nanny never gets as far as a check


@pytest.mark.parametrize(("pattern", "ok"), [(b"AB", True), (b"HTTP", False), (b"^AB$", True)])
def test_regex_does_not_see_past_a_nul_in_the_reply(pattern, ok):
    with TCPServer(replying(b"AB\0HTTP")) as server:
        assert check(server.port, expect=pattern, regex=True).ok is ok


@pytest.mark.parametrize("pattern", [b"a(", b"a{1", b"*"])
def test_regex_that_does_not_compile_fails_every_check(pattern):
    with TCPServer(replying(b"a( a{1 * anything")) as server:
        for _ in range(2):
            result = check(server.port, expect=pattern, regex=True)
            assert not result.ok
            assert "compile" in result.reason


def test_regex_anchors_match_an_empty_read_at_eof():
    with TCPServer(closing) as server:
        assert check(server.port, expect=b"^$", regex=True).ok
    with TCPServer(replying(b"x")) as server:
        assert not check(server.port, expect=b"^$", regex=True).ok


def test_regex_reads_up_to_254_bytes():
    with TCPServer(replying(b"a" * 250 + b"MARK")) as server:  # bytes 250-253: inside
        assert check(server.port, expect=b"MARK", regex=True).ok
    with TCPServer(replying(b"a" * 251 + b"MARK")) as server:  # the K is byte 254: outside
        assert not check(server.port, expect=b"MARK", regex=True).ok
    with TCPServer(replying(b"a" * 251 + b"MARK")) as server:
        assert check(server.port, expect=b"MAR$", regex=True).ok


def test_regex_matches_a_short_reply_without_waiting_for_more():
    with TCPServer(replying(b"OK", b"MORE", pause=0.3)) as server:
        assert check(server.port, expect=b"^OK$", regex=True).ok


@pytest.mark.parametrize(("pattern", "ok"), [
    (b"A.B", True),  # no REG_NEWLINE: . matches a newline
    (b"^HTTP", False),  # ^ is the start of the buffer, not of a line
    (b"http", False),  # case-sensitive
    (b"(ok|HTTP)/1\\\\.[01]", True),  # \\. reaches regcomp as \.
])
def test_regex_flags_are_only_reg_extended(pattern, ok):
    with TCPServer(replying(b"A\nB\nHTTP/1.0 200")) as server:
        assert check(server.port, expect=pattern, regex=True).ok is ok


def test_posix_regex_unit():
    assert PosixRegex(b"^a+b{2,}$").search(b"aaabbb")
    assert not PosixRegex(b"^a+b{2,}$").search(b"aaab")
    assert PosixRegex(b"[[:alpha:]]+").search(b"123abc")
    assert not PosixRegex(b"x").search(b"\0x")
    with pytest.raises(RegexError):
        PosixRegex(b"(")


# -- the regex under limits (issue 10, item 3): not nanny, which matched for as long as it took -------------

#: compiles to two million nodes: 16 s and 1.8 GB per check without a limit
NESTED_COUNTS = "((a{1,100}){1,100}){1,100}"
#: two variable parts and back-references: glibc backtracks for more than 30 s over 254 bytes of "a"
BACKTRACKS = "(.*)(.*)\\2\\1b"
#: the same as lvs.cf (and so the probe's --expect) writes it: nanny turns each `\\` into one backslash
BACKTRACKS_CF = BACKTRACKS.replace("\\", "\\\\")


_WAIT4 = """
import json, os, subprocess, sys, threading, time
start = time.monotonic()
child = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
timer = threading.Timer(float(os.environ["KILL_AFTER"]), child.kill)
timer.start()
err = child.stderr.read().decode()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
print(json.dumps([os.waitstatus_to_exitcode(status), time.monotonic() - start, usage.ru_maxrss // 1024, err]))
"""


def probe_under_wait4(args: list[str], kill_after: float) -> tuple[int, float, int, str]:
    """Run ``python -m lvscf.probe ARGS``: (exit status, seconds, peak RSS in MB of it and its children, stderr).

    The probe is started by a small launcher process, not by pytest: Linux counts the peak
    RSS of the process a child was forked from into the child's ru_maxrss, and pytest after
    the VM tests is far larger than the limit this measures."""
    out = subprocess.run([sys.executable, "-c", _WAIT4, str(ROOT), sys.executable, "-m", "lvscf.probe", *args],
                         capture_output=True, text=True, env={**os.environ, "KILL_AFTER": str(kill_after)},
                         timeout=kill_after + 30).stdout
    code, elapsed, peak_mb, err = json.loads(out)
    return code, elapsed, peak_mb, err


@pytest.mark.parametrize("pattern", [NESTED_COUNTS, BACKTRACKS_CF], ids=["nested-counts", "backreferences"])
def test_a_regex_that_would_exhaust_the_director_fails_the_check_within_its_timeout(pattern):
    with TCPServer(replying(b"a" * 254)) as server:
        code, elapsed, peak_mb, err = probe_under_wait4(
            probe_args(server.port, "--regex", f"--expect={pattern}", timeout=2), kill_after=20)
    assert code == 1, err
    assert elapsed < 2 * 2 + 1, elapsed  # before keepalived's misc_timeout (2 * timeout + 2) kills the probe
    assert peak_mb < 256, peak_mb  # the probe and its matcher: MATCH_MEMORY above the probe's own size
    assert "lvscf-probe: down: the expect regex was not matched:" in err  # logged without -v


def test_a_hostile_reply_to_a_backreference_regex_fails_in_time():
    """The pattern alone is cheap (a reply without it matches quickly): the reply makes it costly."""
    with TCPServer(replying(b"xb")) as server:
        assert check(server.port, regex=True, expect=BACKTRACKS_CF.encode()).ok
    with TCPServer(replying(b"a" * 254)) as server:
        result, elapsed = timed(check, server.port, regex=True, expect=BACKTRACKS_CF.encode(), timeout=1)
    assert not result.ok and result.alert and "longer than 1 s" in result.reason, result
    assert elapsed < 2.5


def test_search_limited_reports_memory_and_time():
    from lvscf.probe.posix_regex import Exhausted, search_limited

    assert search_limited(b"^a+b{2,}$", b"aaabbb", 5)
    assert not search_limited(b"^a+b{2,}$", b"aaab", 5)
    with pytest.raises(RegexError):
        search_limited(b"(", b"", 5)
    with pytest.raises(Exhausted, match="needs more than 16 MB"):
        search_limited(b"a{1,10000}", b"a", 30, memory=16 * 2**20)  # 780 MB unbounded
    start = time.monotonic()
    with pytest.raises(Exhausted, match="longer than 0.5 s|more than 1 s of CPU"):
        search_limited(BACKTRACKS.encode(), b"a" * 254, 0.5)
    assert time.monotonic() - start < 2


# -- escapes: convert_str ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "converted"), [
    (b"a\\nb", b"a\nb"),
    (b"a\\rb", b"a\rb"),
    (b"a\\tb", b"a\tb"),
    (b"a\\\\b", b"a\\b"),
    (b"a\\'b", b"a'b"),
    (b'a\\"b', b'a"b'),
    (b"GET / HTTP/1.0\\r\\n\\r\\n", b"GET / HTTP/1.0\r\n\r\n"),
    (b"\\\\", b"\\"),
    (b"\\\\n", b"\\n"),  # scanning resumes after the emitted backslash
    (b"\\\\\\\\", b"\\\\"),
    (b"\\\\\\n", b"\\\n"),
    (b"\\n", b"\n"),
    (b"no escapes", b"no escapes"),
    (b"\\", b"\\"),  # one byte: left alone
    (b"n", b"n"),
    (b"", b""),
])
def test_convert(raw, converted):
    assert convert(raw) == converted


@pytest.mark.parametrize("raw", [b"\\x41", b"ab\\q", b"abc\\", b"\\0", b"\\d", b"\\.", b"x\\", b"\\n\\e", b"\\\\\\"])
def test_convert_hangs_on_other_escapes_and_a_trailing_backslash(raw):
    with pytest.raises(Hangs):
        convert(raw)


def test_hanging_escape_makes_the_check_fail_without_touching_the_server():
    with TCPServer(replying(b"ab\\q")) as server:
        in_expect = check(server.port, expect=b"ab\\q")
        in_send = check(server.port, send=b"ab\\q")
    assert not in_expect.ok and not in_send.ok
    assert "hangs" in in_expect.reason and "hangs" in in_send.reason
    assert server.peers == []


def test_one_backslash_is_a_valid_expect():
    with TCPServer(replying(b"\\ok")) as server:
        assert check(server.port, expect=b"\\").ok


# -- the implicit HTTP check (virtual port 80, nothing configured) -----------------------------------


def test_vport_80_with_nothing_configured_sends_get_and_expects_http():
    with TCPServer(http_server()) as server:
        result = check(server.port, vport=80)
    assert result.ok, result
    assert server.received == b"GET / HTTP/1.0\r\n\r\n"
    assert nanny.IMPLICIT_EXPECT == b"HTTP"


def test_vport_80_implicit_expect_is_http():
    with TCPServer(http_server(b"SSH-2.0-OpenSSH\r\n")) as server:
        assert not check(server.port, vport=80).ok


def test_the_implicit_check_depends_on_the_virtual_port_not_the_real_one():
    with TCPServer() as server:  # silent: only a connect-only check can pass
        result = check(server.port, vport=81)
    assert result.ok, result
    assert server.received == b""


def test_empty_send_disables_the_implicit_http_check():
    with TCPServer() as server:
        result = check(server.port, vport=80, send=b"")
    assert result.ok, result  # no expect: connecting is enough
    assert server.received == b""  # and an empty send writes nothing on TCP


def test_empty_expect_disables_the_implicit_http_check():
    with TCPServer(replying(b"220 hello")) as server:
        result = check(server.port, vport=80, expect=b"")
    assert result.ok, result
    assert server.received == b""


def test_a_program_disables_the_implicit_http_check(tmp_path):
    prog = script(tmp_path, "echo HTTP")
    assert check(1, vport=80, program=prog, expect=b"HTTP").ok
    assert not check(1, vport=80, program=prog).ok  # no expect: a program check always fails


# -- the external program ---------------------------------------------------------------------------


def script(tmp_path: Path, body: str, name: str = "check.sh") -> bytes:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return os.fsencode(path)


ARGS = 'for a in "$@"; do printf "%s|" "$a"; done; echo'  # each argument, then "|"; a newline to be chopped


def program(prog: bytes, expect: bytes | None = None, **fields) -> nanny.Result:
    fields.setdefault("rport", 8080)
    return check(fields.pop("rport"), program=prog, expect=expect, **fields)


def test_program_tokens_split_on_single_spaces_only(tmp_path):
    prog = script(tmp_path, ARGS) + b"  a   b\tc  "
    assert program(prog, b"a|b\tc|").ok


def test_program_percent_h_and_percent_p_replace_whole_tokens_only(tmp_path):
    prog = script(tmp_path, ARGS) + b" %h %p --host=%h x%p %%h %P"
    assert program(prog, b"127.0.0.1|8080|--host=%h|x%p|%%h|%P|").ok
    assert not program(prog, b"%h|%p|--host=%h|x%p|%%h|%P|").ok


def test_program_percent_h_is_the_dotted_quad_nanny_parsed(tmp_path):
    prog = script(tmp_path, ARGS) + b" %h"
    assert program(prog, b"127.0.0.1|", host="127.1").ok


def test_program_percent_p_is_the_real_port(tmp_path):
    prog = script(tmp_path, ARGS) + b" %p"
    assert program(prog, b"9999|", rport=9999, vport=80).ok


@pytest.mark.parametrize(("body", "expect", "ok"), [
    ("printf OK", b"O", True),  # the last byte is chopped, whatever it is
    ("printf OK", b"OK", False),
    ("echo OK", b"OK", True),
    ("echo OK", b"OK\\n", False),
    ("printf 'OK\\r\\n'", b"OK\\r", True),  # expect escapes are converted for programs too
    ("printf X", b"", True),  # one byte of output leaves ""
    ("true", b"", True),  # no output: ""
    ("true", b"x", False),
    ("printf 'AB\\000CD\\n'", b"AB", True),  # the output is a C string
    ("echo OKAY", b"OK", False),  # the whole string, not a prefix
    ("echo anything", b"*", False),  # no wildcard
])
def test_program_output_compare(tmp_path, body, expect, ok):
    assert program(script(tmp_path, body), expect).ok is ok


def test_program_regex_flag_is_ignored(tmp_path):
    prog = script(tmp_path, "echo OK")
    assert not program(prog, b"O.", regex=True).ok
    assert program(prog, b"OK", regex=True).ok


@pytest.mark.parametrize("body", ["echo OK; exit 3", "kill -9 $$"], ids=["exit-3", "killed"])
def test_program_failure_with_expect_is_success(tmp_path, body):
    prog = script(tmp_path, body)
    result = program(prog, b"something else entirely")
    assert result.ok, result


@pytest.mark.parametrize("body", ["echo OK; exit 3", "kill -9 $$"], ids=["exit-3", "killed"])
def test_program_failure_without_expect_fails(tmp_path, body):
    assert not program(script(tmp_path, body)).ok


def test_program_that_cannot_be_executed_with_expect_is_success(tmp_path):
    missing = os.fsencode(tmp_path / "no-such-program")
    assert program(missing + b" %h", b"OK").ok
    assert not program(missing).ok
    not_executable = tmp_path / "plain.txt"
    not_executable.write_text("echo OK\n")
    assert program(os.fsencode(not_executable), b"OK").ok
    assert program(b"", b"OK").ok  # no command at all: execvp fails too
    assert not program(b"   ").ok


def test_program_exit_0_without_expect_fails(tmp_path):
    result = program(script(tmp_path, "echo OK"))
    assert not result.ok


def test_program_output_over_4095_bytes_compares_the_first_4094(tmp_path):
    data = tmp_path / "out"
    data.write_bytes(b"a" * 4094 + b"bcdefgh" + b"z" * 900)
    prog = script(tmp_path, f"cat '{data}'")
    assert program(prog, b"a" * 4094).ok
    assert not program(prog, b"a" * 4094 + b"b").ok


# -- keepalived's script security for the program (issue 10, item 2): not nanny, which ran anything ----------


def refused(result: nanny.Result, *words: str) -> bool:
    """The probe refused to run the program: a failed check with the reason flagged for the log."""
    return not result.ok and result.alert and all(word in result.reason for word in words)


@pytest.mark.parametrize("name", [b"sh", b"./check.sh", b"bin/check.sh"], ids=["bare-name", "dot-slash", "relative"])
def test_program_without_an_absolute_path_is_refused(tmp_path, monkeypatch, name):
    """nanny's execvp searched PATH; as root under keepalived that runs whatever PATH finds first."""
    prog = script(tmp_path, "echo OK")
    (tmp_path / "bin").mkdir()
    shutil.copy(prog, tmp_path / "bin" / "check.sh")
    monkeypatch.chdir(tmp_path)
    words = name + b" " + prog if name == b"sh" else name
    # with expect, nanny counted even a program it could not run as success: a refusal must not pass
    assert refused(program(words, b"OK"), "not an absolute path")
    assert refused(program(words, b"something else"), "not an absolute path")


def test_program_with_an_absolute_path_runs(tmp_path):
    assert program(b"/bin/sh " + script(tmp_path, "echo OK"), b"OK").ok


root_only = pytest.mark.skipif(not IS_ROOT, reason="ownership checks apply where the program runs as root")


@root_only
@pytest.mark.parametrize(("mode", "gid", "why"), [
    (0o777, 0, "writable by everyone"),
    (0o757, 0, "writable by everyone"),
    (0o775, 1, "writable by its group (gid 1)"),
])
def test_program_writable_by_others_is_refused(tmp_path, mode, gid, why):
    prog = script(tmp_path, "echo OK")
    os.chown(prog, 0, gid)
    os.chmod(prog, mode)
    assert refused(program(prog, b"OK"), "is not run as root", os.fsdecode(prog), why)


@root_only
def test_program_writable_by_the_root_group_runs(tmp_path):
    """keepalived lets group root write: only root's group members can, and they could anyway."""
    prog = script(tmp_path, "echo OK")
    os.chown(prog, 0, 0)
    os.chmod(prog, 0o775)
    assert program(prog, b"OK").ok


@root_only
def test_program_owned_by_another_user_is_refused(tmp_path):
    prog = script(tmp_path, "echo OK")
    os.chown(prog, 1, 0)
    os.chmod(prog, 0o755)
    assert refused(program(prog, b"OK"), "owned by uid 1, not root")


@root_only
@pytest.mark.parametrize(("mode", "uid", "why"), [
    (0o777, 0, "is writable by everyone"), (0o755, 1, "is owned by uid 1"), (0o1757, 1, "is owned by uid 1"),
])
def test_program_in_a_directory_others_can_write_is_refused(tmp_path, mode, uid, why):
    """Whoever can write a directory above the program can replace the program."""
    directory = tmp_path / "open"
    directory.mkdir()
    prog = script(directory, "echo OK")
    os.chown(directory, uid, 0)
    os.chmod(directory, mode)
    assert refused(program(prog, b"OK"), f"the directory {directory} {why}")


@root_only
def test_program_in_a_sticky_directory_writable_by_all_runs(tmp_path):
    """As keepalived: in a sticky directory (like /tmp) others cannot replace root's file."""
    directory = tmp_path / "sticky"
    directory.mkdir()
    prog = script(directory, "echo OK")
    os.chmod(directory, 0o1777)
    assert program(prog, b"OK").ok


@root_only
def test_missing_program_under_a_directory_others_can_write_is_refused(tmp_path):
    """nanny's "a missing program passes" holds only where nobody but root could create it."""
    directory = tmp_path / "open"
    directory.mkdir()
    os.chmod(directory, 0o777)
    assert refused(program(os.fsencode(directory / "not-yet"), b"OK"), "writable by everyone")
    os.chmod(directory, 0o755)
    assert program(os.fsencode(directory / "not-yet"), b"OK").ok  # nanny: execvp failed, expect set: success


@root_only
def test_program_through_a_symlink_checks_the_link_and_its_target(tmp_path):
    safe = script(tmp_path, "echo OK")
    link = tmp_path / "link"
    link.symlink_to(os.fsdecode(safe))
    assert program(os.fsencode(link), b"OK").ok
    os.lchown(link, 1, 1)
    assert refused(program(os.fsencode(link), b"OK"), f"the program {link} is owned by uid 1")
    os.lchown(link, 0, 0)
    os.chmod(safe, 0o777)
    assert refused(program(os.fsencode(link), b"OK"), f"the program {os.fsdecode(safe)} is writable by everyone")


@root_only
def test_program_behind_a_directory_link_is_checked_and_run_where_the_link_leads(tmp_path):
    """A directory link is resolved first, and the program run from the directory checked (as keepalived does):
    a link that changes after the check cannot switch the program."""
    real = tmp_path / "real"
    real.mkdir()
    prog = script(real, 'echo "$0"')  # a script's $0 is the path the kernel executed
    (tmp_path / "via").symlink_to(real)
    via = os.fsencode(tmp_path / "via" / "check.sh")
    assert program(via, prog).ok
    os.chmod(real, 0o777)
    assert refused(program(via, b"OK"), f"the directory {real} is writable by everyone")


@root_only
def test_program_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert refused(program(os.fsencode(fifo), b"OK"), f"{fifo} is not a regular file")
    assert refused(program(os.fsencode(tmp_path), b"OK"), f"{tmp_path} is not a regular file")


def test_ownership_is_not_checked_where_the_program_does_not_run_as_root(tmp_path, monkeypatch):
    """keepalived checks only what runs with root's privileges; a relative name is refused anyway."""
    prog = script(tmp_path, "echo OK")
    os.chmod(prog, 0o777)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "getegid", lambda: 1000)
    assert program(prog, b"OK").ok
    assert refused(program(b"check.sh", b"OK"), "not an absolute path")


@root_only
def test_cli_says_why_a_program_is_refused_without_being_asked(tmp_path, capsys):
    prog = script(tmp_path, "echo OK")
    os.chmod(prog, 0o777)
    assert cli.main(probe_args(1, f"--program={os.fsdecode(prog)}", "--expect=OK")) == 1
    err = capsys.readouterr().err
    assert err.startswith("lvscf-probe: down: send_program") and "writable by everyone" in err


def test_program_ignores_send(tmp_path):
    # nanny clears send when there is a program: not even its escapes are looked at
    assert program(script(tmp_path, "echo OK"), b"OK", send=b"bad \\q escape").ok


def test_program_stderr_is_discarded_and_stdin_is_dev_null(tmp_path):
    prog = script(tmp_path, 'echo ERR >&2; read line; echo "got:$line"')
    read_end, write_end = os.pipe()
    os.write(write_end, b"LEAK\n")
    os.close(write_end)
    saved = os.dup(0)
    try:
        os.dup2(read_end, 0)
        result = program(prog, b"got:")
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)
    assert result.ok, result


def test_program_runs_past_the_timeout(tmp_path):
    # nanny's alarm() never interrupts waitpid(): the program is waited for, however long
    prog = script(tmp_path, "sleep 1.3; echo OK")
    result, elapsed = timed(program, prog, b"OK", timeout=1)
    assert result.ok, result
    assert elapsed >= 1.25


def test_program_does_not_ping_or_connect(tmp_path):
    with TCPServer() as server:
        assert program(script(tmp_path, "echo OK"), b"OK", rport=server.port).ok
    assert server.peers == []


# -- host address -------------------------------------------------------------------------------


def test_host_is_parsed_like_inet_aton():
    with TCPServer(replying(b"OK")) as server:
        assert check(server.port, host="127.1", expect=b"OK").ok
    result = check(1, host="localhost")  # nanny: "bad IP address", it never starts
    assert not result.ok
    assert "address" in result.reason


# -- ICMP echo (needs root) --------------------------------------------------------------------


@pytest.mark.skipif(not IS_ROOT, reason="the ICMP echo needs a raw socket")
def test_ping_to_a_reachable_address_does_not_change_the_result():
    with TCPServer(replying(b"OK")) as server:
        assert check(server.port, expect=b"OK", ping=True).ok
        assert not check(server.port, expect=b"NO", ping=True).ok


@pytest.mark.skipif(not IS_ROOT, reason="the ICMP echo needs a raw socket")
def test_ping_local_send_error_fails():
    # a raw socket without SO_BROADCAST cannot send to the broadcast address: EACCES, a local send error
    result, elapsed = timed(check, 9, host="255.255.255.255", ping=True)
    assert not result.ok
    assert "ICMP" in result.reason
    assert elapsed < 0.5


@pytest.mark.skipif(not IS_ROOT or shutil.which("unshare") is None, reason="needs root and unshare")
def test_ping_to_an_unroutable_address_fails():
    # a new network namespace has no routes at all (lo is down): sendto() fails with ENETUNREACH
    code = ("from lvscf.probe.nanny import Check, run_check\n"
            "r = run_check(Check('192.0.2.77', 8080, 9, 1, ping=True))\n"
            "print(r.ok, r.reason)\n")
    try:
        done = subprocess.run(["unshare", "--net", sys.executable, "-c", code], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
    except OSError as error:  # pragma: no cover - environment
        pytest.skip(f"unshare: {error}")
    if done.returncode != 0 and "unshare" in done.stderr:
        pytest.skip(f"no network namespaces here: {done.stderr.strip()}")
    assert done.stdout.startswith("False ICMP echo not sent"), (done.stdout, done.stderr)
    assert "unreachable" in done.stdout.lower()


def test_ping_without_root_is_skipped(monkeypatch):
    # nanny could not run at all without a raw socket; the probe then checks without the echo
    def refuse(*args, **kwargs):
        if len(args) > 1 and args[1] == socket.SOCK_RAW:
            raise PermissionError(1, "Operation not permitted")
        return real_socket(*args, **kwargs)

    real_socket = socket.socket
    with TCPServer(replying(b"y")) as server:
        monkeypatch.setattr(nanny.socket, "socket", refuse)
        try:
            assert check(server.port, ping=True).ok
            assert not check(server.port, expect=b"x", ping=True).ok
        finally:
            monkeypatch.undo()


# -- re-entry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reentry", "timeout", "expected"), [
    (15, 6, 2),
    (0, 10, 18),  # 0 means 180
    (180, 10, 18),
    (5, 10, 0),
    (10, 10, 1),
    (19, 10, 1),  # C integer division
])
def test_threshold(reentry, timeout, expected):
    assert threshold(reentry, timeout) == expected


def test_decide_first_success_of_a_fresh_nanny_is_active_at_once():
    assert decide(None, True, 18).active


def test_decide_a_fresh_failure_needs_the_full_threshold():
    state = decide(None, False, 3)
    assert state == State(0, False)
    history = []
    for _ in range(3):
        state = decide(state, True, 3)
        history.append(state.active)
    assert history == [False, False, True]


def test_decide_failure_while_active_deactivates_at_once_and_needs_threshold_again():
    state = decide(None, True, 2)
    assert state.active
    state = decide(state, True, 2)
    assert state.active
    state = decide(state, False, 2)
    assert state == State(0, False)
    state = decide(state, True, 2)
    assert not state.active
    state = decide(state, True, 2)
    assert state.active
    state = decide(state, True, 2)
    assert state.active  # stays active


def test_decide_a_failure_in_the_middle_restarts_the_count():
    state = decide(None, False, 3)
    state = decide(state, True, 3)
    state = decide(state, True, 3)
    state = decide(state, False, 3)
    for _ in range(2):
        state = decide(state, True, 3)
        assert not state.active
    assert decide(state, True, 3).active


@pytest.mark.parametrize("limit", [0, 1])
def test_decide_threshold_0_or_1_behaves_as_1(limit):
    state = decide(None, False, limit)
    assert not state.active
    state = decide(state, True, limit)
    assert state.active
    assert not decide(state, False, limit).active


def test_state_file_round_trip(tmp_path):
    directory = str(tmp_path / "state")
    first = StateFile(directory, "key", owner=1234)
    assert first.load() is None
    first.save(State(5, True))
    assert StateFile(directory, "key", owner=1234).load() == State(5, True)
    first.save(State(0, False))
    assert StateFile(directory, "key", owner=1234).load() == State(0, False)
    assert StateFile(directory, "other key", owner=1234).load() is None
    assert [p.name for p in (tmp_path / "state").iterdir()] == [os.path.basename(first.path)]


def test_state_file_of_another_owner_is_a_fresh_start(tmp_path):
    StateFile(str(tmp_path), "key", owner=1).save(State(0, False))
    assert StateFile(str(tmp_path), "key", owner=2).load() is None


def test_state_file_unreadable_is_a_fresh_start(tmp_path):
    state_file = StateFile(str(tmp_path), "key", owner=1)
    Path(state_file.path).write_text("{not json")
    assert state_file.load() is None
    Path(state_file.path).write_text('{"owner": 1}')
    assert state_file.load() is None


@pytest.mark.parametrize("text", [
    "[]", '"x"', "3", "null", "true", '[{"owner": 1, "count": 5, "active": true}]',
    '{"owner": 1, "count": "5", "active": true}', '{"owner": 1, "count": 5, "active": "yes"}',
    '{"owner": 1, "count": true, "active": true}', '{"owner": 1, "count": -1, "active": false}',
    '{"owner": 1, "count": 5.5, "active": true}', "[" * 100000 + "]" * 100000, "\udcff", "\xff\xfe",
], ids=["list", "string", "number", "null", "bool", "list-of-state", "count-string", "active-string",
        "count-bool", "count-negative", "count-float", "deeply-nested", "lone-surrogate", "not-ascii"])
def test_state_file_malformed_is_a_fresh_start(tmp_path, text):
    """Whatever a state file holds, a malformed one is empty state, never a traceback (issue 10, item 7)."""
    state_file = StateFile(str(tmp_path), "key", owner=1)
    Path(state_file.path).write_bytes(text.encode("utf-8", "surrogatepass"))
    assert state_file.load() is None


# -- the command line --------------------------------------------------------------------------


def probe_args(port: int, *extra: str, timeout: int = 1, vport: int = VPORT) -> list[str]:
    return ["-h", LOCAL, "-p", str(vport), "-r", str(port), "-t", str(timeout), "--no-ping", *extra]


def test_cli_exit_codes():
    with TCPServer(replying(b"OK")) as server:
        assert cli.main(probe_args(server.port, "--expect", "OK")) == 0
        assert cli.main(probe_args(server.port, "--expect", "NO")) == 1


def test_cli_percent_decodes_send_and_expect():
    def handler(peer):
        peer.read_until(b"\n")
        peer.send(b"100% done")

    with TCPServer(handler) as server:
        assert cli.main(probe_args(server.port, "--send", "PING%20X%0D%0A", "--expect", "100%25")) == 0
    assert server.received == b"PING X\r\n"


def test_cli_percent_escapes_and_nanny_escapes_combine():
    with TCPServer(replying(b"A\tB")) as server:
        assert cli.main(probe_args(server.port, "--send", "x%5Cr%5Cn", "--expect", "A%5Ct")) == 0
    assert server.received == b"x\r\n"


def test_cli_values_end_at_a_nul():
    with TCPServer(replying(b"OK")) as server:
        assert cli.main(probe_args(server.port, "--send", "A%00B", "--expect", "OK%00junk")) == 0
    assert server.received == b"A"


def test_cli_percent_decodes_the_program(tmp_path):
    prog = os.fsdecode(script(tmp_path, ARGS))
    assert cli.main(probe_args(1, "--program", f"{prog}%20%25p%20%h", "--expect", "1|127.0.0.1|")) == 0
    assert cli.main(probe_args(1, "--program", f"{prog}%20%25p", "--expect", "%25p|")) == 1


def test_cli_udp_and_regex():
    with UDPServer(lambda data: b"HTTP/1.0 204" if data == b"q\n" else None) as server:
        assert cli.main(probe_args(server.port, "-u", "--send", "q%0A", "--expect", "[[:digit:]]{3}",
                                   "--regex")) == 0
        assert cli.main(probe_args(server.port, "--udp", "--send", "q%0A", "--expect", "^[[:digit:]]{3}",
                                   "--regex")) == 1


def test_cli_implicit_http_on_virtual_port_80():
    with TCPServer(http_server()) as server:
        assert cli.main(probe_args(server.port, vport=80)) == 0
    assert server.received == b"GET / HTTP/1.0\r\n\r\n"


def test_cli_refused_is_exit_1(refused_port):
    assert cli.main(probe_args(refused_port)) == 1


@pytest.mark.parametrize("timeout", ["0", "-3"])
def test_cli_timeout_must_be_positive(timeout, capsys, refused_port):
    assert cli.main(["-h", LOCAL, "-p", "81", "-r", str(refused_port), "-t", timeout, "--no-ping"]) == 2
    assert "-t" in capsys.readouterr().err


@pytest.mark.parametrize(("option", "value"), [
    ("-t", "2147484"),  # poll() takes milliseconds in a C int: 2147484000 does not fit
    ("-t", "99999999999999999999"),
    ("-r", "2147483648"), ("-r", "-2147483649"), ("-p", "2147483648"), ("-a", "2147483648"), ("-a", "-2147483649"),
])
def test_cli_numbers_beyond_what_nanny_could_get_are_a_usage_error(option, value, capsys, refused_port):
    """lvsd passed C ints, and -t is bounded by poll(): beyond, exit 2 and say why (issue 10, item 4)."""
    args = dict(zip(("-p", "-r", "-t"), ("81", str(refused_port), "1")))
    args[option] = value
    argv = ["-h", LOCAL, *(word for pair in args.items() for word in pair), "--no-ping"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"lvscf-probe: {option} {value} " in err and "Traceback" not in err


@pytest.mark.parametrize(("option", "value"), [("-t", "2147483"), ("-r", "-2147483648"), ("-r", "2147483647"),
                                               ("-a", "2147483647")])
def test_cli_numbers_at_the_bounds_are_accepted(option, value, refused_port):
    args = dict(zip(("-p", "-r", "-t"), ("81", str(refused_port), "1")))
    args[option] = value
    argv = ["-h", LOCAL, *(word for pair in args.items() for word in pair), "--no-ping"]
    assert cli.main(argv) == 1  # checked (and down: nothing listens), not refused as a usage error


def test_console_entry_point_huge_timeout_is_a_usage_error_not_a_traceback(refused_port):
    done = subprocess.run([sys.executable, "-m", "lvscf.probe", "-h", LOCAL, "-p", "81", "-r", str(refused_port),
                           "-t", "2147484", "--no-ping"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "-t 2147484" in done.stderr


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "lvscf-probe" in out and "--expect" in out and "--state-dir" in out


def test_cli_usage_error_is_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["-p", "80", "-r", "80", "-t", "1"])  # no -h
    assert stop.value.code == 2


def test_cli_verbose_says_why(capsys, refused_port):
    assert cli.main(probe_args(refused_port, "-v")) == 1
    err = capsys.readouterr().err
    assert "down" in err and "refused" in err.lower()


@pytest.mark.skipif(not IS_ROOT, reason="the ICMP echo needs a raw socket")
def test_cli_pings_by_default():
    with TCPServer(replying(b"OK")) as server:
        args = [a for a in probe_args(server.port, "--expect", "OK") if a != "--no-ping"]
        assert cli.main(args) == 0


class Toggle:
    """A TCP handler answering "OK" or "BAD" as the test says."""

    def __init__(self) -> None:
        self.good = True

    def __call__(self, peer: Peer) -> None:
        peer.send(b"OK" if self.good else b"BAD")


def test_cli_reentry_keeps_the_count_between_runs(tmp_path):
    toggle = Toggle()
    with TCPServer(toggle) as server:
        # -a 3 -t 1: three good checks after a failure
        args = probe_args(server.port, "--expect", "OK", "-a", "3", "--state-dir", str(tmp_path))
        codes = []
        for good in [True, False, True, True, True, True, False, True]:
            toggle.good = good
            codes.append(cli.main(args))
    assert codes == [0, 1, 1, 1, 0, 0, 1, 1]
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_cli_reentry_first_failure_then_threshold(tmp_path):
    toggle = Toggle()
    toggle.good = False
    with TCPServer(toggle) as server:
        args = probe_args(server.port, "--expect", "OK", "-a", "2", "--state-dir", str(tmp_path))
        codes = [cli.main(args)]
        toggle.good = True
        codes += [cli.main(args), cli.main(args)]
    assert codes == [1, 1, 0]


def test_cli_reentry_0_means_180_seconds(tmp_path):
    toggle = Toggle()
    with TCPServer(toggle) as server:
        args = probe_args(server.port, "--expect", "OK", "-a", "0", "--state-dir", str(tmp_path), timeout=90)
        toggle.good = False
        assert cli.main(args) == 1
        toggle.good = True
        assert cli.main(args) == 1  # 180 // 90 = 2 good checks needed
        assert cli.main(args) == 0


def test_cli_reentry_below_two_checks_keeps_no_state(tmp_path):
    toggle = Toggle()
    with TCPServer(toggle) as server:
        args = probe_args(server.port, "--expect", "OK", "-a", "1", "--state-dir", str(tmp_path))
        toggle.good = False
        assert cli.main(args) == 1
        toggle.good = True
        assert cli.main(args) == 0
    assert list(tmp_path.iterdir()) == []


def test_cli_without_reentry_every_check_stands_alone(tmp_path):
    toggle = Toggle()
    with TCPServer(toggle) as server:
        args = probe_args(server.port, "--expect", "OK", "--state-dir", str(tmp_path))
        toggle.good = False
        assert cli.main(args) == 1
        toggle.good = True
        assert cli.main(args) == 0
    assert list(tmp_path.iterdir()) == []


def test_cli_reentry_state_is_per_command_line(tmp_path):
    toggle = Toggle()
    with TCPServer(toggle) as server:
        base = probe_args(server.port, "--expect", "OK", "-a", "3", "--state-dir", str(tmp_path))
        other = probe_args(server.port, "--expect", "O", "-a", "3", "--state-dir", str(tmp_path))
        toggle.good = False
        assert cli.main(base) == 1
        toggle.good = True
        assert cli.main(other) == 0  # another real server's nanny has not failed
        assert cli.main(base) == 1


def test_cli_reentry_unwritable_state_dir_still_answers(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with TCPServer(replying(b"OK")) as server:
        code = cli.main(probe_args(server.port, "--expect", "OK", "-a", "30", "--state-dir", str(blocker / "sub")))
    assert code == 0  # a fresh nanny's first good check
    assert "re-entry state" in capsys.readouterr().err


def test_cli_malformed_state_file_is_a_fresh_start(tmp_path, capsys):
    """The probe answers as a fresh nanny and overwrites the malformed state (issue 10, item 7)."""
    toggle = Toggle()
    with TCPServer(toggle) as server:
        args = probe_args(server.port, "--expect", "OK", "-a", "3", "--state-dir", str(tmp_path))
        toggle.good = False
        assert cli.main(args) == 1
        [path] = tmp_path.glob("*.json")
        for text in ("[]", '"x"'):
            path.write_text(text)
            toggle.good = True
            assert cli.main(args) == 0  # a fresh nanny's first good check: no failure remembered
            assert json.loads(path.read_text())["count"] == 4
    assert "Traceback" not in capsys.readouterr().err


def test_python_dash_m_entry_point():
    with TCPServer(replying(b"OK")) as server:
        up = subprocess.run([sys.executable, "-m", "lvscf.probe", *probe_args(server.port, "--expect", "OK")],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
        down = subprocess.run([sys.executable, "-m", "lvscf.probe", *probe_args(server.port, "--expect", "NO", "-v")],
                              cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert up.returncode == 0, up.stderr
    assert down.returncode == 1, down.stderr
    assert "down" in down.stderr


def test_console_entry_point_exits_with_the_code(monkeypatch, refused_port):
    monkeypatch.setattr(sys, "argv", ["lvscf-probe", *probe_args(refused_port)])
    with pytest.raises(SystemExit) as stop:
        cli.run()
    assert stop.value.code == 1


def test_the_probe_runs_when_copied_on_its_own(tmp_path):
    # "can be copied to a director on its own": no import of the rest of lvscf
    shutil.copytree(ROOT / "lvscf" / "probe", tmp_path / "standalone",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import runpy, sys\n"
            "sys.modules['lvscf'] = None\n"  # any import of lvscf now fails
            "sys.argv[0] = 'standalone'\n"
            "runpy.run_module('standalone', run_name='__main__', alter_sys=True)\n")
    with TCPServer(replying(b"OK")) as server:
        done = subprocess.run([sys.executable, "-c", code, *probe_args(server.port, "--expect", "OK")],
                              cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
