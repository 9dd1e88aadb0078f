"""The ``lvscf-probe`` command line (nanny's own option letters where it has them).

    lvscf-probe -h RIP -p VPORT -r RPORT -t TIMEOUT [-a REENTRY] [-u]
                [--send=S] [--expect=E] [--regex] [--program=P] [--state-dir DIR] [-v]

String values are percent-encoded (``%20`` is a blank, ``%25`` a percent
sign), so that any byte string passes through keepalived's configuration
reader unharmed; ``lvscf convert --to keepalived`` writes them so.

Exit status: 0 the server is up (as nanny would have it), 1 down,
2 usage error (keepalived counts anything but 0 as down).  Where the probe
refuses to do what nanny did (a ``send_program`` keepalived's script
security would not run as root, a regex match that reaches its time or
memory limit), the check fails and the reason goes to stderr and to the
system log (keepalived discards a MISC_CHECK's output).
"""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import unquote_to_bytes

from .nanny import Check, run_check
from .reentry import StateFile, decide, threshold

__all__ = ["main"]

DEFAULT_STATE_DIR = "/run/lvscf-probe"


def _bytes(text: str) -> bytes:
    # nanny got these as C strings: nothing after a NUL byte
    return unquote_to_bytes(text).split(b"\0")[0]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lvscf-probe", add_help=False,
        description="Run one Piranha nanny health check against a real server; exit 0 if nanny would have "
                    "the server up, 1 if not.  Strings are percent-encoded.",
        epilog="Written into keepalived MISC_CHECKs by `lvscf convert --to keepalived`.")
    p.add_argument("--help", action="help", help="show this help and exit")
    p.add_argument("-h", "--host", required=True, help="real server address (nanny -h)")
    p.add_argument("-p", "--virtual-port", type=int, required=True, help="virtual port (nanny -p); 80 with no "
                   "send/expect/program means nanny's implicit HTTP check")
    p.add_argument("-r", "--port", type=int, required=True, help="real server port to check (nanny -r)")
    p.add_argument("-t", "--timeout", type=int, required=True, help="seconds for connect and for the reply")
    p.add_argument("-a", "--reentry", type=int, default=None,
                   help="seconds of good checks before a failed server returns (nanny -a; 0 = 180); "
                        "without it every check stands alone")
    p.add_argument("-u", "--udp", action="store_true", help="UDP instead of TCP")
    p.add_argument("--send", help="bytes to send after connecting, with nanny's escapes (\\r \\n \\t ...)")
    p.add_argument("--expect", help="expected reply prefix ('*': anything), regex, or program output")
    p.add_argument("--regex", action="store_true", help="expect is a POSIX extended regex")
    p.add_argument("--program", help="external check command (send_program): %%h and %%p are replaced")
    p.add_argument("--no-ping", action="store_true", help="skip the ICMP echo nanny sent before each check")
    p.add_argument("--state-dir", default=DEFAULT_STATE_DIR, help=f"re-entry state (default {DEFAULT_STATE_DIR})")
    p.add_argument("-v", "--verbose", action="store_true", help="say why on stderr")
    return p


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # lvsd passed nanny C ints (atoi)
#: poll() takes its timeout in milliseconds as a C int
MAX_TIMEOUT = _INT_MAX // 1000


def _out_of_range(args: argparse.Namespace) -> str | None:
    """Why a number cannot be one lvsd passed to nanny, or one the probe can wait for; None if all are fine."""
    if args.timeout <= 0:
        return f"-t {args.timeout} must be positive (nanny divided by it)"
    if args.timeout > MAX_TIMEOUT:
        return f"-t {args.timeout} is too large: at most {MAX_TIMEOUT} seconds (poll() counts milliseconds in a C int)"
    for option, value in (("-p", args.virtual_port), ("-r", args.port), ("-a", args.reentry)):
        if value is not None and not _INT_MIN <= value <= _INT_MAX:
            return f"{option} {value} is not a C int ({_INT_MIN} to {_INT_MAX}), so lvsd never passed it to nanny"
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bad = _out_of_range(args)
    if bad is not None:
        print(f"lvscf-probe: {bad}", file=sys.stderr)
        return 2
    check = Check(
        host=args.host, vport=args.virtual_port, rport=args.port, timeout=args.timeout, udp=args.udp,
        send=_bytes(args.send) if args.send is not None else None,
        expect=_bytes(args.expect) if args.expect is not None else None,
        regex=args.regex, program=_bytes(args.program) if args.program is not None else None,
        ping=not args.no_ping)
    result = run_check(check)
    up = result.ok
    if args.reentry is not None and threshold(args.reentry, args.timeout) > 1:
        key = "\0".join(sys.argv[1:] if argv is None else argv)
        state_file = StateFile(args.state_dir, key, os.getppid())
        state = decide(state_file.load(), result.ok, threshold(args.reentry, args.timeout))
        try:
            state_file.save(state)
        except OSError as error:
            print(f"lvscf-probe: cannot keep the re-entry state in {args.state_dir}: {error.strerror}",
                  file=sys.stderr)
        up = state.active
        if args.verbose and up != result.ok:
            print(f"lvscf-probe: {state.count} good check(s) of "
                  f"{threshold(args.reentry, args.timeout)} needed to re-enter", file=sys.stderr)
    if args.verbose or result.alert:
        print(f"lvscf-probe: {'up' if up else 'down'}: {result.reason}", file=sys.stderr)
    if result.alert:
        _syslog(f"{args.host}:{args.port}: {result.reason}")
    return 0 if up else 1


def _syslog(message: str) -> None:
    """Log to the system log too: keepalived sends a MISC_CHECK's stderr to /dev/null."""
    import syslog  # only refusals are logged

    syslog.openlog("lvscf-probe", syslog.LOG_PID, syslog.LOG_DAEMON)
    syslog.syslog(syslog.LOG_WARNING, message)


def run() -> None:
    """Console entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 1
    sys.stdout.flush()
    raise SystemExit(code)
