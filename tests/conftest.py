"""Shared test helpers: the public corpus, fixture files, and small loaders."""

from __future__ import annotations

import os
import re
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

_IFACES = re.compile(r"(?m)(?:^\s*interface|\bdev|^\s*lvs_sync_daemon)\s+(\S+)")


class KeepalivedTest:
    """Runs ``keepalived -t`` (config test) on texts, inside a throw-away network namespace that
    has a veth interface for every interface the configs name (keepalived refuses VRRP on an
    interface that does not exist).  Needs root, ``ip`` and keepalived; a test fails without them."""

    def __init__(self, binary: str, tmp: Path) -> None:
        self.binary = binary
        self.tmp = tmp
        self.count = 0

    def __call__(self, text: str) -> subprocess.CompletedProcess:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[subprocess.CompletedProcess]:
        """One namespace for all of them (with the union of their interfaces)."""
        self.count += 1
        ns = f"lvscf-t{os.getpid()}-{self.count}"
        names = sorted({name for text in texts for name in _IFACES.findall(text)})
        subprocess.run(["ip", "netns", "add", ns], check=True, capture_output=True)
        try:
            for i, name in enumerate(names):
                subprocess.run(["ip", "-n", ns, "link", "add", name, "type", "veth", "peer", "name", f"peer{i}"],
                               check=True, capture_output=True)
                subprocess.run(["ip", "-n", ns, "link", "set", name, "up"], check=True, capture_output=True)
            results = []
            for j, text in enumerate(texts):
                conf = self.tmp / f"test-{self.count}-{j}.conf"
                conf.write_text(text, encoding="utf-8")
                results.append(subprocess.run(["ip", "netns", "exec", ns, self.binary, "-t", "-f", str(conf)],
                                              capture_output=True, text=True, timeout=60))
            return results
        finally:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@pytest.fixture(scope="session")
def keepalived_t(tmp_path_factory) -> KeepalivedTest:
    binary = shutil.which("keepalived") or ("/usr/sbin/keepalived" if os.path.exists("/usr/sbin/keepalived")
                                            else None)
    assert binary, "keepalived is not installed (apt-get install keepalived; .ci/run does it)"
    assert shutil.which("ip"), "the keepalived tests need iproute2's ip (apt-get install iproute2)"
    assert os.geteuid() == 0, "the keepalived tests need root (network namespaces)"
    return KeepalivedTest(binary, tmp_path_factory.mktemp("keepalived"))
