"""LVS1xx: how values are written (beyond what the parser rejects)."""

from __future__ import annotations

RULES: tuple = ()
