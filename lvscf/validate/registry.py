"""Every diagnostic lvscf can report, in one explicit list.

The parse and model stages report their own codes (LVS0xx, LVS101-LVS108),
and the converters' migration reports theirs (LVS6xx ipvsadm, LVS7xx
keepalived); they are listed here with the rules so that selection,
suppression, documentation and SARIF treat every code alike.  Codes are never reused: a
rule that is removed keeps its code reserved.
"""

from __future__ import annotations

from ..emit import ipvsadm as ipvsadm_emitter
from ..emit.keepalived import codes as keepalived_codes
from ..model import codes as model_codes
from ..parse import codes as parse_codes
from . import suppress
from .rule import Rule
from .rules import cluster, health, network, servers, values

__all__ = ["RULES", "by_code_or_name", "lookup", "CHECKS"]


def _staged(codes, stage: str) -> tuple[Rule, ...]:
    return tuple(Rule(c.code, c.name, c.severity, c.summary, c.doc, None, stage) for c in codes)


RULES: tuple[Rule, ...] = (
    *_staged(parse_codes.ALL, "parse"),
    *_staged(model_codes.ALL, "model"),
    *(f.rule for f in values.RULES),
    *(f.rule for f in network.RULES),
    *(f.rule for f in servers.RULES),
    *(f.rule for f in cluster.RULES),
    *(f.rule for f in health.RULES),
    *suppress.RULES,
    *ipvsadm_emitter.CODES,
    *keepalived_codes.ALL,
)

#: The rules that run over the model, in code order.
CHECKS: tuple[Rule, ...] = tuple(sorted((r for r in RULES if r.check is not None), key=lambda r: r.code))

by_code_or_name: dict[str, Rule] = {**{r.code: r for r in RULES}, **{r.name: r for r in RULES}}


def lookup(code_or_name: str) -> Rule | None:
    return by_code_or_name.get(code_or_name) or by_code_or_name.get(code_or_name.upper())
