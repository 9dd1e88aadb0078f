"""Write docs/rules.md from the rules' docstrings.  A test fails while it is stale.

    python scripts/gen_rule_docs.py
"""

from pathlib import Path

from lvscf.validate.docs import rules_markdown

target = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
target.write_text(rules_markdown(), encoding="utf-8")
print(f"wrote {target}")
