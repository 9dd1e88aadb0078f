"""LVS4xx: the director pair (pulse), heartbeats, sync daemon, failover services."""

from __future__ import annotations

RULES: tuple = ()
