"""LVS2xx: addresses, subnets, devices and routes."""

from __future__ import annotations

RULES: tuple = ()
