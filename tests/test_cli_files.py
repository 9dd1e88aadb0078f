"""What the CLI does with the kinds of file a path can name: regular files, symbolic links, devices,
FIFOs, sockets, hard links, read-only files, other users' files, closed and full standard streams.

These tests run as root (as CI does): they create devices with mknod, change owners, and run
the CLI as `nobody`.  None of them touches the host's /dev: devices are made in a temporary
directory, and the tests of the literal /dev/stdout, /dev/stderr and /dev/null paths run in a
private mount namespace whose /dev is a fresh tmpfs.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLES
from test_cli import BROKEN, MESSY, run

TUTORIAL = str(EXAMPLES / "lvs-nat-tutorial.cf")
FORMATTED = "# header\n\nprimary = 10.0.0.1\nvirtual web {\n     active = 1\n     port = 80\n}\n"
CLEAN = Path(TUTORIAL).read_text()  # no diagnostics at all
NOBODY = 65534  # nobody:nogroup
TIMEOUT = 30  # a hang is a failure, not a stuck suite


def converted_json() -> str:
    code, out, _ = run("convert", "--to", "json", TUTORIAL)
    assert code == 0
    return out


def lvscf(*args: str, cwd=None, stdin=None, stdout=subprocess.PIPE, preexec=None,
          timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """The real command in a process."""
    return subprocess.run([sys.executable, "-m", "lvscf", *args], cwd=cwd, stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, preexec_fn=preexec, timeout=timeout)


def as_nobody(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a forked process that has become nobody:nogroup.  Forked, not executed: the
    interpreter may live where nobody cannot reach it (root's home)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            sys.stdin = os.fdopen(0, "r")
            sys.stdout = os.fdopen(1, "w", encoding="utf-8", errors="surrogateescape")
            sys.stderr = os.fdopen(2, "w", encoding="utf-8", errors="backslashreplace")
            sys.argv = ["lvscf", *args]
            from lvscf.cli import main

            main()
        finally:
            os._exit(99)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r, "rb") as out, os.fdopen(err_r, "rb") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status), stdout, stderr)


def one_line_error(stderr: bytes | str, *words: str) -> str:
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    errors = [line for line in text.splitlines() if line.startswith("lvscf: error: ")]
    assert len(errors) == 1, text
    assert "Traceback" not in text and "internal error" not in text, text
    for word in words:
        assert word in errors[0], text
    return errors[0]


@pytest.fixture
def shared_dir():
    """A directory in /tmp that `nobody` can reach and write (pytest's tmp_path is root's alone)."""
    assert os.geteuid() == 0, "these tests run as root, as CI does"
    path = Path(tempfile.mkdtemp(prefix="lvscf-test-", dir="/tmp"))
    path.chmod(0o777)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=True)


@pytest.fixture
def as_root():
    assert os.geteuid() == 0, "these tests run as root, as CI does"


def entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# -- convert -o / --report: what each kind of target becomes -------------------------------


def test_output_to_a_character_device_writes_through(tmp_path, as_root):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    code, out, err = run("convert", "--to", "json", "-o", str(null), TUTORIAL)
    assert (code, out, err) == (0, "", "")
    info = null.lstat()
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)
    assert entries(tmp_path) == ["null"]  # no temporary file left beside it


def test_report_to_a_character_device_writes_through(tmp_path, as_root):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    code, out, _ = run("convert", "--to", "keepalived", "-q", "--report", str(null), TUTORIAL)
    assert code == 0 and out.startswith("# keepalived.conf")
    assert stat.S_ISCHR(null.lstat().st_mode) and entries(tmp_path) == ["null"]


def test_output_to_a_full_device_is_one_line_io_error(tmp_path, as_root):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # what /dev/full is: every write fails
    code, out, err = run("convert", "--to", "json", "-o", str(full), TUTORIAL)
    assert (code, out) == (2, "")
    one_line_error(err, f"{full}: cannot be written", "No space left on device")
    assert stat.S_ISCHR(full.lstat().st_mode) and entries(tmp_path) == ["full"]


def test_output_to_a_fifo_reaches_its_reader(tmp_path, as_root):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    code, _, err = run("convert", "--to", "json", "-o", str(fifo), TUTORIAL)
    thread.join(TIMEOUT)
    assert (code, err) == (0, "")
    assert not thread.is_alive(), "the FIFO's reader got no writer: the FIFO was replaced"
    assert received == [converted_json().encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and entries(tmp_path) == ["fifo"]


def test_output_through_a_chain_of_symbolic_links_replaces_the_file_they_name(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old\n")
    target.chmod(0o640)
    (tmp_path / "links" / "one").symlink_to("../real/model.json")  # relative to its own directory
    (tmp_path / "two").symlink_to("links/one")
    code, _, err = run("convert", "--to", "json", "-o", str(tmp_path / "two"), TUTORIAL)
    assert (code, err) == (0, "")
    assert os.readlink(tmp_path / "two") == "links/one"
    assert os.readlink(tmp_path / "links" / "one") == "../real/model.json"
    assert target.read_text() == converted_json()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert entries(tmp_path / "real") == ["model.json"] and entries(tmp_path) == ["links", "real", "two"]


def test_output_through_a_dangling_link_creates_the_file_it_names(tmp_path):
    (tmp_path / "link").symlink_to("new.json")
    assert run("convert", "--to", "json", "-o", str(tmp_path / "link"), TUTORIAL)[0] == 0
    assert (tmp_path / "link").is_symlink() and (tmp_path / "new.json").read_text() == converted_json()


def test_output_through_a_cycle_of_links_is_refused(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    code, _, err = run("convert", "--to", "json", "-o", str(tmp_path / "a"), TUTORIAL)
    assert code == 2
    one_line_error(err, "too many levels of symbolic links")
    assert entries(tmp_path) == ["a", "b"]


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def _block_device(path: Path) -> None:
    os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(7, 0))  # a loop device's numbers


@pytest.mark.parametrize("make, kind", [(_socket, "a socket"), (_block_device, "a block device"),
                                        (Path.mkdir, "a directory")])
def test_output_to_another_special_file_is_refused(tmp_path, as_root, make, kind):
    target = tmp_path / "target"
    make(target)
    before = target.lstat()
    for option in ("-o", "--report"):
        code, _, err = run("convert", "--to", "keepalived", "-q", option, str(target), TUTORIAL)
        assert code == 2
        one_line_error(err, str(target), kind, "not written")
        after = target.lstat()
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
        assert entries(tmp_path) == ["target"]


def test_output_to_a_file_with_hard_links_is_refused(tmp_path):
    first = tmp_path / "first.json"
    first.write_text("old\n")
    os.link(first, tmp_path / "second.json")
    code, _, err = run("convert", "--to", "json", "-o", str(first), TUTORIAL)
    assert code == 2
    one_line_error(err, "2 hard links", "not replaced")
    assert first.read_text() == (tmp_path / "second.json").read_text() == "old\n"
    assert first.stat().st_nlink == 2 and entries(tmp_path) == ["first.json", "second.json"]


def test_replacing_a_file_syncs_the_file_and_then_its_directory(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    synced: list[tuple[str, int, str]] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        info = os.fstat(fd)
        kind = "dir" if stat.S_ISDIR(info.st_mode) else "file"
        synced.append((kind, info.st_ino, target.read_text()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    assert run("convert", "--to", "json", "-o", str(target), TUTORIAL)[0] == 0
    new = target.stat().st_ino
    assert [(kind, ino) for kind, ino, _ in synced] == [("file", new), ("dir", tmp_path.stat().st_ino)]
    assert synced[0][2] == "old\n"  # the new file is synced before it is renamed into place
    assert synced[1][2] == converted_json()  # the directory after the rename


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old\n")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, _, err = run("convert", "--to", "json", "-o", str(target), TUTORIAL)
    assert code == 2
    one_line_error(err, "No space left on device")
    assert target.read_text() == "old\n" and entries(tmp_path) == ["out.json"]


# -- the literal /dev paths, in a private /dev ------------------------------------------------


PRIVATE_DEV = ("mount -t tmpfs -o mode=755 lvscf-test /dev"
               " && mknod -m 666 /dev/null c 1 3 && ln -s /proc/self/fd /dev/fd"
               " && ln -s /proc/self/fd/0 /dev/stdin && ln -s /proc/self/fd/1 /dev/stdout"
               " && ln -s /proc/self/fd/2 /dev/stderr")


def in_private_dev(*args: str, stdout, stderr=subprocess.PIPE) -> tuple[subprocess.CompletedProcess, str]:
    """Run lvscf in a mount namespace whose /dev is a fresh tmpfs (a failing fix cannot touch
    the host's /dev); returns the process and a listing of that /dev, taken after the run."""
    with tempfile.NamedTemporaryFile("r", prefix="lvscf-dev-", suffix=".txt") as listing_file:
        script = PRIVATE_DEV + ' && { "$@"; status=$?; ls -ln /dev > "$LVSCF_TEST_LISTING"; exit $status; }'
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                               sys.executable, "-m", "lvscf", *args], stdout=stdout, stderr=stderr,
                              env={**os.environ, "LVSCF_TEST_LISTING": listing_file.name}, timeout=TIMEOUT)
        listing = listing_file.read()
    names = {line.split(" -> ")[0].split()[-1] for line in listing.splitlines()[1:]}
    assert names and names <= {"fd", "null", "stdin", "stdout", "stderr"}, listing  # the private /dev
    return proc, listing


def test_output_to_dev_null_keeps_dev_null(as_root):
    proc, listing = in_private_dev("convert", "--to", "json", "-o", "/dev/null", TUTORIAL,
                                   stdout=subprocess.PIPE)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    null = next(line for line in listing.splitlines() if line.endswith(" null"))
    assert null.startswith("crw-rw-rw-") and " 1, 3 " in null, listing
    assert [line.split(" -> ")[0].split()[-1] for line in listing.splitlines()[1:]] == [
        "fd", "null", "stderr", "stdin", "stdout"]


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_output_to_dev_stdout_writes_to_the_open_stdout(tmp_path, as_root, path):
    # stdout is a regular file: replacing /dev/stdout's target would replace that file under
    # the shell's redirection (and a rename in /dev would replace the symbolic link itself).
    captured = tmp_path / "captured.txt"
    captured.write_text("kept\n")
    with open(captured, "ab") as stdout:
        proc, listing = in_private_dev("convert", "--to", "json", "-o", path, TUTORIAL, stdout=stdout)
    assert (proc.returncode, proc.stderr) == (0, b""), proc.stderr
    assert captured.read_text() == "kept\n" + converted_json()
    assert entries(tmp_path) == ["captured.txt"]
    assert "stdout -> /proc/self/fd/1" in listing


def test_report_to_dev_stderr_writes_to_the_open_stderr(tmp_path, as_root):
    captured = tmp_path / "err.txt"
    with open(captured, "wb") as stderr:
        proc, listing = in_private_dev("convert", "--to", "keepalived", "-q", "--report", "/dev/stderr",
                                       "--report-format", "json", TUTORIAL, stdout=subprocess.PIPE, stderr=stderr)
    assert proc.returncode == 0 and proc.stdout.startswith(b"# keepalived.conf")
    assert captured.read_text().startswith('{\n  "version": 1,')
    assert entries(tmp_path) == ["err.txt"] and "stderr -> /proc/self/fd/2" in listing


def test_report_and_output_both_on_stdout_is_a_usage_error(as_root):
    proc, _ = in_private_dev("convert", "--to", "keepalived", "-o", "/dev/stdout", "--report", "-", TUTORIAL,
                             stdout=subprocess.PIPE)
    assert (proc.returncode, proc.stdout) == (2, b"")
    one_line_error(proc.stderr, "cannot both go to stdout")


# -- fmt: owner, links, permissions ----------------------------------------------------------


def test_fmt_keeps_owner_group_and_mode(tmp_path, as_root):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o640)
    code, _, err = run("fmt", str(path))
    assert code == 0 and "1 file(s) reformatted" in err
    info = path.stat()
    assert path.read_text() == FORMATTED
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o640)


def test_fmt_keeps_set_group_id_after_changing_the_group(tmp_path, as_root):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    os.chown(path, 0, NOBODY)
    path.chmod(0o2640)  # the chown of the new file would clear it if done after the chmod
    assert run("fmt", str(path))[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o2640 and path.stat().st_gid == NOBODY


def test_fmt_through_a_symbolic_link_formats_the_file_it_names(tmp_path):
    (tmp_path / "ha").mkdir()
    real = tmp_path / "ha" / "lvs.cf"
    real.write_text(MESSY)
    (tmp_path / "link.cf").symlink_to("ha/lvs.cf")
    code, _, err = run("fmt", str(tmp_path / "link.cf"))
    assert code == 0 and "1 file(s) reformatted" in err
    assert (tmp_path / "link.cf").is_symlink() and os.readlink(tmp_path / "link.cf") == "ha/lvs.cf"
    assert real.read_text() == FORMATTED
    assert entries(tmp_path / "ha") == ["lvs.cf"]


def test_fmt_refuses_a_file_with_hard_links_and_says_why(tmp_path):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)
    os.link(path, tmp_path / "backup.cf")
    code, _, err = run("fmt", str(path))
    assert code == 2
    one_line_error(err, f"{path}: has 2 hard links", "not replaced")
    assert "0 file(s) reformatted, 0 left unchanged, 1 failed" in err
    assert path.read_text() == (tmp_path / "backup.cf").read_text() == MESSY
    assert path.stat().st_nlink == 2
    # Nothing to write, nothing refused.
    assert run("fmt", "--check", str(path))[0] == 1


def test_fmt_as_another_user_refuses_a_read_only_file(shared_dir):
    path = shared_dir / "lvs.cf"
    path.write_text(MESSY)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o444)
    proc = as_nobody("fmt", str(path))
    assert proc.returncode == 2
    one_line_error(proc.stderr, str(path), "read-only", "not replaced")
    assert path.read_text() == MESSY and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert entries(shared_dir) == ["lvs.cf"]


def test_fmt_as_another_user_rewrites_that_users_file(shared_dir):
    path = shared_dir / "lvs.cf"
    path.write_text(MESSY)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o600)
    proc = as_nobody("fmt", str(path))
    assert proc.returncode == 0, proc.stderr
    assert path.read_text() == FORMATTED
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o600)


def test_fmt_as_another_user_refuses_what_would_change_the_owner(shared_dir):
    # root's file, writable by everyone, in a directory everyone can write: a rename would
    # hand the file to nobody.
    path = shared_dir / "lvs.cf"
    path.write_text(MESSY)
    path.chmod(0o666)
    proc = as_nobody("fmt", str(path))
    assert proc.returncode == 2
    one_line_error(proc.stderr, "owner and group (0:0) cannot be kept", "not replaced")
    assert path.read_text() == MESSY and path.stat().st_uid == 0
    assert entries(shared_dir) == ["lvs.cf"]


# -- reading: FIFOs, devices, closed stdin ------------------------------------------------


def test_check_a_fifo_named_on_the_command_line_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "lvs.cf"
    os.mkfifo(fifo)
    proc = lvscf("check", str(fifo))
    assert proc.returncode == 2
    one_line_error(proc.stderr, f"{fifo}: is a FIFO, not a regular file")


def test_check_a_device_named_on_the_command_line_is_an_error(tmp_path, as_root):
    device = tmp_path / "lvs.cf"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null
    proc = lvscf("check", str(device))
    assert proc.returncode == 2
    one_line_error(proc.stderr, "is a character device, not a regular file")


def test_check_a_directory_skips_what_is_not_a_regular_file(tmp_path, as_root):
    (tmp_path / "good.cf").write_text(CLEAN)
    os.mkfifo(tmp_path / "fifo.cf")
    os.mknod(tmp_path / "null.cf", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    (tmp_path / "gone.cf").symlink_to("nowhere.cf")
    (tmp_path / "alias.cf").symlink_to("good.cf")  # a link to a regular file is read
    proc = lvscf("check", str(tmp_path), cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    notes = [line for line in err.splitlines() if line.startswith("lvscf: note: ")]
    assert notes == [f"lvscf: note: {tmp_path / 'fifo.cf'}: a FIFO, not a regular file: skipped",
                     f"lvscf: note: {tmp_path / 'gone.cf'}: a broken symbolic link: skipped",
                     f"lvscf: note: {tmp_path / 'null.cf'}: a character device, not a regular file: skipped"]
    assert err.splitlines()[-1] == "lvscf: 2 file(s) checked, 3 skipped (not regular files), no problems found"


def test_check_dot_with_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "lvs.cf")
    proc = lvscf("check", cwd=tmp_path)
    assert proc.returncode == 0
    assert b"lvscf: note: ./lvs.cf: a FIFO, not a regular file: skipped" in proc.stderr


def test_check_reads_an_open_descriptor_by_its_name():
    # What a shell's `lvscf check <(ssh director cat lvs.cf)` gives: /dev/fd/N, a pipe.
    read_end, write_end = os.pipe()
    with open(write_end, "wb") as handle:
        handle.write(Path(TUTORIAL).read_bytes())
    try:
        proc = subprocess.run([sys.executable, "-m", "lvscf", "check", f"/dev/fd/{read_end}"],
                              pass_fds=(read_end,), capture_output=True, timeout=TIMEOUT)
    finally:
        os.close(read_end)
    assert proc.returncode == 0 and b"1 file(s) checked, no problems found" in proc.stderr, proc.stderr


def test_check_dev_stdin_reads_stdin():
    with open(TUTORIAL, "rb") as stdin:
        proc = lvscf("check", "/dev/stdin", stdin=stdin)
    assert proc.returncode == 0 and b"1 file(s) checked, no problems found" in proc.stderr


# -- closed and full standard streams: one line, exit 2 ----------------------------------------


@pytest.mark.parametrize("args", [("convert", "--to", "json", TUTORIAL), ("rules",), ("--version",)])
def test_closed_stdout_is_one_line_error(args):
    proc = lvscf(*args, stdout=None, preexec=lambda: os.close(1))
    assert proc.returncode == 2
    assert proc.stderr.decode() == "lvscf: error: standard output: cannot be written (it is closed)\n"


def test_closed_stdin_is_one_line_error():
    for path in ("-", "/dev/stdin"):
        proc = lvscf("check", path, preexec=lambda: os.close(0))
        assert proc.returncode == 2
        one_line_error(proc.stderr, "cannot be read", "closed")


@pytest.mark.parametrize("args", [("convert", "--to", "json", TUTORIAL),
                                  ("check", "--format", "json", TUTORIAL),
                                  ("fmt", "-"), ("schema",)])
def test_full_stdout_is_one_line_error(args):
    with open("/dev/full", "wb") as full, open(TUTORIAL, "rb") as stdin:  # a redirection: no file is replaced
        proc = lvscf(*args, stdin=stdin, stdout=full)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines()[0] == ("lvscf: error: standard output: cannot be written "
                                                    "(No space left on device)")
    one_line_error(proc.stderr)


def test_full_stderr_is_exit_2_without_a_traceback():
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "lvscf", "check", "-", "--stdin-filename", "lvs.cf"],
                              input=BROKEN.encode(), stdout=subprocess.PIPE, stderr=full, timeout=TIMEOUT)
    assert proc.returncode == 2 and b"LVS007" in proc.stdout


# -- summaries that say what happened ---------------------------------------------------------


def test_fmt_summary_after_a_failed_write_counts_it_as_failed_only(tmp_path, monkeypatch):
    path = tmp_path / "lvs.cf"
    path.write_text(MESSY)

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, _, err = run("fmt", str(path))
    assert code == 2
    assert err.splitlines()[-1] == "0 file(s) reformatted, 0 left unchanged, 1 failed"
    assert path.read_text() == MESSY and entries(tmp_path) == ["lvs.cf"]


def test_check_summary_does_not_call_an_unreadable_file_clean(shared_dir):
    (shared_dir / "good.cf").write_text(CLEAN)
    secret = shared_dir / "secret.cf"
    secret.write_text(CLEAN)
    secret.chmod(0o600)
    proc = as_nobody("check", str(shared_dir))
    err = proc.stderr.decode()
    assert proc.returncode == 2
    one_line_error(err, f"{secret}: permission denied")
    assert err.splitlines()[-1] == ("lvscf: 1 file(s) checked, 1 could not be read: "
                                    "no problems found in the file(s) checked")
    only = as_nobody("check", str(secret)).stderr.decode()
    assert only.splitlines()[-1] == "lvscf: 0 file(s) checked, 1 could not be read"


def test_check_summary_names_a_directory_that_cannot_be_searched(shared_dir):
    (shared_dir / "good.cf").write_text(CLEAN)
    (shared_dir / "private").mkdir(mode=0o700)
    (shared_dir / "private" / "lvs.cf").write_text(BROKEN)
    proc = as_nobody("check", str(shared_dir))
    err = proc.stderr.decode()
    assert proc.returncode == 2
    one_line_error(err, f"{shared_dir / 'private'}: cannot be searched", "Permission denied")
    assert err.splitlines()[-1] == ("lvscf: 1 file(s) checked, 1 directory could not be searched: "
                                    "no problems found in the file(s) checked")


def test_check_json_summary_counts_only_the_files_read(tmp_path):
    import json

    os.mkfifo(tmp_path / "fifo.cf")
    (tmp_path / "lvs.cf").write_text(CLEAN)
    proc = lvscf("check", "--format", "json", str(tmp_path))
    assert json.loads(proc.stdout)["summary"]["files"] == 1


# -- fmt walks directories as check does ---------------------------------------------------------


def test_fmt_formats_a_directory_as_check_walks_it(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lvs.cf").write_text(MESSY)
    (tmp_path / "b.cf").write_text(MESSY)
    (tmp_path / "notes.txt").write_text(MESSY)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "lvs.cf").write_text(MESSY)
    (tmp_path / "broken.cf").write_text(BROKEN)
    code, _, err = run("fmt", str(tmp_path))
    assert code == 1 and "broken.cf: not formatted" in err
    assert err.splitlines()[-1] == "2 file(s) reformatted, 0 left unchanged, 1 failed"
    assert (tmp_path / "a" / "lvs.cf").read_text() == (tmp_path / "b.cf").read_text() == FORMATTED
    assert (tmp_path / "notes.txt").read_text() == (tmp_path / ".hidden" / "lvs.cf").read_text() == MESSY


def test_fmt_defaults_to_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / "lvs.cf").write_text(MESSY)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("fmt")
    assert (code, err) == (0, "1 file(s) reformatted, 0 left unchanged\n")
    assert (tmp_path / "lvs.cf").read_text() == FORMATTED
    code, _, err = run("fmt", "--check")
    assert (code, err) == (0, "0 file(s) would be reformatted, 1 left unchanged\n")


def test_fmt_skips_a_fifo_in_a_directory_and_refuses_one_named(tmp_path):
    os.mkfifo(tmp_path / "lvs.cf")
    (tmp_path / "other.cf").write_text(MESSY)
    proc = lvscf("fmt", str(tmp_path))
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert f"lvscf: note: {tmp_path / 'lvs.cf'}: a FIFO, not a regular file: skipped" in err
    assert err.splitlines()[-1] == "1 file(s) reformatted, 0 left unchanged, 1 skipped (not regular files)"
    assert stat.S_ISFIFO((tmp_path / "lvs.cf").lstat().st_mode)
    proc = lvscf("fmt", str(tmp_path / "lvs.cf"))
    assert proc.returncode == 2
    one_line_error(proc.stderr, "is a FIFO, not a regular file")


def test_fmt_missing_path_is_exit_2_and_changes_nothing(tmp_path):
    (tmp_path / "lvs.cf").write_text(MESSY)
    code, _, err = run("fmt", str(tmp_path / "lvs.cf"), str(tmp_path / "typo.cf"))
    assert code == 2 and "typo.cf: no such file or directory" in err
    assert (tmp_path / "lvs.cf").read_text() == MESSY


@pytest.mark.parametrize("args", [("convert", "--to", "json", TUTORIAL), ("check", "--format", "json", TUTORIAL)])
def test_a_reader_that_went_away_ends_lvscf_quietly(args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # `lvscf ... | head` once head has exited
    try:
        proc = lvscf(*args, stdout=write_end)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (2, b"")
