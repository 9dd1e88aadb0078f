"""Reviewed snapshots of `lvscf check` on every published lvs.cf (tests/fixtures/golden/).

Each golden file is the concise output for one corpus file, reviewed line by line
as an admin would: is each finding true, and is anything missed?  The review
notes live in tests/fixtures/golden/REVIEW.md.  After a deliberate change, rewrite
them with `LVSCF_UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py` and
review the diff.
"""

from __future__ import annotations

import os

import pytest

import lvscf
import lvscf.validate
from conftest import FIXTURES, corpus_files
from lvscf.report.text import concise

GOLDEN = FIXTURES / "golden"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_diagnostics_match_the_reviewed_snapshot(path):
    result = lvscf.loads(path.read_bytes(), path.name)
    text = concise(lvscf.validate.check(result))
    golden = GOLDEN / f"{path.name}.txt"
    if os.environ.get("LVSCF_UPDATE_GOLDENS"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text
