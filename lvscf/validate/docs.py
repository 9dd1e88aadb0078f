"""The rules reference, docs/rules.md, generated from the registry (scripts/gen_rule_docs.py)."""

from __future__ import annotations

from .registry import RULES

__all__ = ["rules_markdown"]

_STAGES = {"parse": "reported by the parser", "model": "reported while the model is built",
           "rule": "a rule over the model", "suppress": "reported with suppressions",
           "convert": "in a conversion's migration report"}
_FAMILIES = [
    ("LVS0", "Syntax and bytes (LVS0xx)"),
    ("LVS1", "Values (LVS1xx)"),
    ("LVS2", "Network: addresses, subnets, devices, routes (LVS2xx)"),
    ("LVS3", "Real servers and virtual services (LVS3xx)"),
    ("LVS4", "The director pair: pulse, heartbeats, sync daemon, failover services (LVS4xx)"),
    ("LVS5", "Health checks: nanny (LVS5xx)"),
    ("LVS6", "Migration report: ipvsadm rules (LVS6xx)"),
    ("LVS7", "Migration report: keepalived.conf (LVS7xx)"),
    ("LVS9", "Suppressions (LVS9xx)"),
]


def _demote(doc: str) -> str:
    """Rule docs use `##` headings; inside a rule's section they become `####`."""
    return "\n".join("##" + line if line.startswith("## ") else line for line in doc.splitlines())


def rules_markdown() -> str:
    rules = sorted(RULES, key=lambda r: r.code)
    out = ["# lvscf rules", "",
           "Generated from the rules' docstrings by `python scripts/gen_rule_docs.py`; do not edit by hand.", "",
           "Severity: **error**: Piranha rejects the file, or a daemon fails or misbehaves for certain; "
           "**warning**: almost certainly a mistake; **info**: worth knowing.", "",
           "Select or ignore rules by code, code prefix (`LVS2`) or name; suppress one with "
           "`# lvscf: disable=CODE` on the line above the statement or block (see the README).", "",
           "| code | name | severity | summary |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {r.summary} |" for r in rules]
    for prefix, title in _FAMILIES:
        family = [r for r in rules if r.code.startswith(prefix)]
        if not family:
            continue
        out += ["", f"## {title}"]
        for r in family:
            out += ["", f"### {r.code}", "", f"`{r.name}`, {r.severity}, {_STAGES[r.stage]}: {r.summary}.", "",
                    _demote(r.doc).rstrip()]
    return "\n".join(out) + "\n"
