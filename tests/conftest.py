"""Shared test helpers: the public corpus, fixture files, and small loaders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import lvscf

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
# The public corpus, copied from ../shared/corpus with its provenance (tests/fixtures/corpus/README.md).
CORPUS = FIXTURES / "corpus"
LVSCF_CORPUS = CORPUS / "lvscf" / "public"


def corpus_files() -> list[Path]:
    return sorted(p for p in LVSCF_CORPUS.iterdir() if p.is_file() and p.name != "PROVENANCE.md")


def load_text(text: str | bytes) -> lvscf.LoadResult:
    return lvscf.loads(text, "test.cf")


def codes(result: lvscf.LoadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def errors(result: lvscf.LoadResult) -> list[lvscf.Diagnostic]:
    return [d for d in result.diagnostics if d.severity is lvscf.Severity.ERROR]


def only(result: lvscf.LoadResult, code: str | None = None) -> lvscf.Diagnostic:
    """The single diagnostic of a result (optionally of one code); fails otherwise."""
    found = [d for d in result.diagnostics if code is None or d.code == code]
    assert len(found) == 1, [f"{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics]
    return found[0]


@pytest.fixture
def tutorial() -> Path:
    return EXAMPLES / "lvs-nat-tutorial.cf"


# The official SARIF 2.1.0 JSON Schema, as Microsoft (the SARIF SDK's maintainer) ships it in
# its SARIF Multitool.  It is downloaded once from the npm registry into a cache; a test that
# needs it fails (never skips) when it cannot be had.
SARIF_PACKAGE = "@microsoft/sarif-multitool-linux@5.7.0"
SARIF_MEMBER = "package/sarif-2.1.0.json"


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    import json
    import os
    import shutil
    import subprocess
    import tarfile
    import tempfile

    cache = Path(os.environ.get("LVSCF_TEST_CACHE", Path.home() / ".cache" / "lvscf-tests")) / "sarif-2.1.0.json"
    if not cache.is_file():
        npm = shutil.which("npm")
        assert npm, "the SARIF schema test needs npm (Node.js) to download the official SARIF 2.1.0 schema"
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", SARIF_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True,
                           timeout=600)
            archive = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(archive) as tar:
                member = tar.extractfile(SARIF_MEMBER)
                assert member is not None
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_bytes(member.read())
    return json.loads(cache.read_text())


# -- keepalived -t: the real program judges every keepalived.conf we write ----------------------

def interfaces_of(text: str) -> set[str]:
    """Every network interface a keepalived.conf names, read the way keepalived reads the file.

    keepalived -t refuses a VRRP instance or an address on an interface that does
    not exist, so the test namespace must have each of them, whatever device names
    the lvs.cf used (em1, bond0, eth0.100, ...): the VRRP ``interface``, each
    address's ``dev`` (its ``label eth1:1`` is an alias of that device, not an
    interface), ``lvs_sync_daemon``, ``track_interface`` members and ``bind_if``.
    The loopback is in every namespace already.
    """
    from lvscf.emit.keepalived.syntax import reread

    names: set[str] = set()
    tracking = False
    for statement in reread(text):
        if tracking:
            if statement == ("}",):
                tracking = False
            else:
                names.add(statement[0])
            continue
        if statement[0] == "track_interface" and statement[-1] == "{":
            tracking = True
        elif statement[0] in ("interface", "lvs_sync_daemon", "bind_if") and len(statement) > 1:
            names.add(statement[1])
        names.update(word for before, word in zip(statement, statement[1:]) if before == "dev")
    return {name.partition(":")[0] for name in names} - {"lo"}


class KeepalivedTest:
    """Runs ``keepalived -t`` (config test) on texts, inside a throw-away network namespace that
    has an interface for every interface the configs name (:func:`interfaces_of`).  Each is one end
    of a veth pair whose other end is in a second namespace, so any name a config uses can be
    created.  Needs root, ``ip`` and keepalived; a test fails without them."""

    def __init__(self, binary: str, tmp: Path) -> None:
        self.binary = binary
        self.tmp = tmp
        self.count = 0
        self.interfaces: set[str] = set()  # those of the last call, for the harness's own test

    def __call__(self, text: str) -> subprocess.CompletedProcess:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[subprocess.CompletedProcess]:
        """One namespace for all of them (with the union of their interfaces)."""
        self.count += 1
        ns = f"lvscf-t{os.getpid()}-{self.count}"
        peers = ns + "-peers"
        names = sorted({name for text in texts for name in interfaces_of(text)})
        self.interfaces = set(names)
        for name in (ns, peers):
            subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
        try:
            for name in names:
                subprocess.run(["ip", "-n", ns, "link", "add", name, "type", "veth", "peer", "name", name, "netns",
                                peers], check=True, capture_output=True)
                subprocess.run(["ip", "-n", ns, "link", "set", name, "up"], check=True, capture_output=True)
            results = []
            for j, text in enumerate(texts):
                conf = self.tmp / f"test-{self.count}-{j}.conf"
                conf.write_text(text, encoding="utf-8")
                # keepalived can print bytes that are not UTF-8 (it does for `virtual_server fwmark 0`)
                results.append(subprocess.run(["ip", "netns", "exec", ns, self.binary, "-t", "-f", str(conf)],
                                              capture_output=True, text=True, errors="replace", timeout=60))
            return results
        finally:
            for name in (ns, peers):
                subprocess.run(["ip", "netns", "del", name], capture_output=True)


@pytest.fixture(scope="session")
def keepalived_t(tmp_path_factory) -> KeepalivedTest:
    binary = shutil.which("keepalived") or ("/usr/sbin/keepalived" if os.path.exists("/usr/sbin/keepalived")
                                            else None)
    assert binary, "keepalived is not installed (apt-get install keepalived; .ci/run does it)"
    assert shutil.which("ip"), "the keepalived tests need iproute2's ip (apt-get install iproute2)"
    assert os.geteuid() == 0, "the keepalived tests need root (network namespaces)"
    return KeepalivedTest(binary, tmp_path_factory.mktemp("keepalived"))
