"""Meta-tests over the registry: identities are unique and well formed, every rule is documented."""

from __future__ import annotations

import re

import pytest

from lvscf.validate import RULES
from lvscf.validate.registry import lookup

_CODE = re.compile(r"^LVS\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert not set(codes) & set(names)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_identity_is_well_formed(rule):
    assert _CODE.match(rule.code) and _NAME.match(rule.name)
    assert rule.summary and not rule.summary[0].isupper() and not rule.summary.endswith(".")
    assert lookup(rule.code) is rule and lookup(rule.name) is rule


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_documentation_has_the_three_sections(rule):
    doc = rule.doc
    if rule.stage == "convert":  # a migration note reports a difference; there is nothing to "use instead"
        for heading in ("## What it reports", "## Why it matters", "## Example"):
            assert heading in doc, f"{rule.code} {rule.name}: no {heading!r}"
        return
    for heading in ("## What it does", "## Why is this bad?", "## Example"):
        assert heading in doc, f"{rule.code} {rule.name}: no {heading!r}"
    example = doc.split("## Example", 1)[1]
    assert "Use instead" in example or "use instead" in example, f"{rule.code}: the example shows no fix"


def test_codes_are_grouped_by_hundreds():
    stages = {"parse": ("LVS0",), "model": ("LVS1",), "suppress": ("LVS9",), "convert": ("LVS6", "LVS7")}
    for rule in RULES:
        if rule.stage in stages:
            assert rule.code.startswith(stages[rule.stage]), rule.code


def test_docs_rules_md_is_current():
    from pathlib import Path

    from lvscf.validate.docs import rules_markdown

    path = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == rules_markdown(), "run `python scripts/gen_rule_docs.py`"


def test_readme_counts_the_rules_lvscf_rules_lists():
    from pathlib import Path

    from lvscf.validate.registry import CHECKS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    rules = re.search(r"like a linter should: (\d+) rules, each checked", text)
    codes = re.search(r"\((\d+) diagnostic codes in all", text)
    assert rules and codes, "README.md no longer says how many rules there are"
    assert int(rules.group(1)) == len(CHECKS), "README.md: the number of rules over the model"
    assert int(codes.group(1)) == len(RULES), "README.md: the number of codes `lvscf rules` lists"
