"""keepalived's script security, applied to the ``send_program`` the probe runs.

keepalived (with ``enable_script_security``, which ``lvscf convert`` writes)
checks the program of a ``MISC_CHECK`` before running it as root: that is
``lvscf-probe`` itself.  The program the probe then starts for nanny's
``send_program`` is not keepalived's to see, so the probe applies the same
rules to it (keepalived 2.2.7, ``check_script_secure`` and ``check_security``
in lib/notify.c) and refuses to run it otherwise:

* The path must be absolute.  nanny ran the program with ``execvp``, which
  searches ``PATH``; keepalived searches its own ``PATH`` for a bare name.
  The probe refuses both a bare name and a relative path: the program that
  would run as root depends on the environment and working directory
  keepalived happens to pass, not on lvs.cf.
* Symbolic links in the directories are resolved, then ``/``, every
  directory below it and the file itself must be owned by root and must not
  be writable by their group (unless the group is root) or by everyone; a
  directory writable by everyone is allowed only with the sticky bit (like
  ``/tmp``), as keepalived allows it.  When the file is a symbolic link, the
  link is checked (owned by root) and so is the path it resolves to.  The
  file must be a regular file (or a link to one).

As in keepalived, ownership and modes are checked only where the program
would run with root's privileges: when the probe runs as root (user or group
0, which is how ``lvscf convert`` has keepalived run it), or when the file is
set-user-ID or set-group-ID root.  A program that does not exist is not
refused: nothing runs, and nanny's answer for a program that cannot be
started stands (a success when ``expect`` is set); since the directories
above it passed the check, only root could create it.
"""

from __future__ import annotations

import os
import stat

__all__ = ["vet"]


class _Missing(Exception):
    """The path does not lead to a file: running it fails as nanny's execvp failed."""


def _needs_root_checks(path: bytes) -> bool:
    if os.geteuid() == 0 or os.getegid() == 0:
        return True
    try:
        st = os.stat(path)
    except OSError:
        return False
    mode = st.st_mode
    return ((st.st_uid == 0 and mode & stat.S_ISUID and mode & stat.S_IXUSR)
            or (st.st_gid == 0 and mode & stat.S_ISGID and mode & stat.S_IXGRP)) != 0


def _unsafe(st: os.stat_result) -> str | None:
    """keepalived's ``check_security`` test for one path component."""
    mode = st.st_mode
    if st.st_uid != 0:
        return f"is owned by uid {st.st_uid}, not root"
    if stat.S_ISDIR(mode) and mode & stat.S_ISVTX:
        return None  # a sticky directory: others may create entries but not replace root's
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        if mode & stat.S_IWOTH:
            return "is writable by everyone"
        if st.st_gid != 0 and mode & stat.S_IWGRP:
            return f"is writable by its group (gid {st.st_gid})"
    return None


def _check_chain(path: bytes) -> str | None:
    """Check ``/`` and each component of the absolute, directory-resolved ``path``; why it is unsafe, or None."""
    parts = [part for part in path.split(b"/") if part]
    prefixes = [b"/"] + [b"/" + b"/".join(parts[: i + 1]) for i in range(len(parts))]
    for i, prefix in enumerate(prefixes):
        last = i == len(prefixes) - 1
        try:
            st = os.lstat(prefix)
        except (FileNotFoundError, NotADirectoryError):
            raise _Missing from None
        except OSError as error:
            return f"{os.fsdecode(prefix)} cannot be examined: {error.strerror}"
        if not last and not stat.S_ISDIR(st.st_mode):
            raise _Missing  # resolved directories are directories; a file in the middle fails exec (ENOTDIR)
        if last and not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            return f"{os.fsdecode(prefix)} is not a regular file"
        why = _unsafe(st)
        if why is not None:
            what = "the program" if last else "the directory"
            return f"{what} {os.fsdecode(prefix)} {why}"
    return None


def vet(program: bytes) -> tuple[bytes | None, str | None]:
    """Where to run ``program`` (the first word of send_program) from, or why not.

    Returns ``(path, None)`` to run the program at ``path`` (its directories
    resolved; the file name as written, as keepalived keeps it), ``(None,
    None)`` when there is no such file (so nothing can run), or ``(None,
    reason)`` when keepalived's rules refuse it.
    """
    if not program.startswith(b"/"):
        return None, (f"send_program {os.fsdecode(program)!r} is not an absolute path: a program found through "
                      "PATH is not run as root")
    head, name = os.path.split(program)
    path = os.path.join(os.path.realpath(head), name)
    if not _needs_root_checks(path):
        return path, None
    try:
        why = _check_chain(path)
        if why is None and stat.S_ISLNK(os.lstat(path).st_mode):
            why = _check_chain(os.path.realpath(path))
    except _Missing:
        return None, None
    except OSError as error:  # the file went away between two looks
        return None, f"{os.fsdecode(path)} cannot be examined: {error.strerror}"
    if why is not None:
        return None, f"send_program {os.fsdecode(program)!r} is not run as root: {why}"
    return path, None
