"""Shared test helpers: the public corpus, fixture files, and small loaders."""

from __future__ import annotations

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
