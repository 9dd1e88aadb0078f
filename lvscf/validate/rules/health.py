"""LVS5xx: nanny's health checks (send, expect, send_program, timeouts)."""

from __future__ import annotations

RULES: tuple = ()
