"""Which rules run: ``select`` and ``ignore`` lists of codes, names and code prefixes."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Selection", "matches"]


def matches(selector: str, code: str, name: str) -> bool:
    """``LVS304``, ``weight-not-positive``, a code prefix such as ``LVS3``, or ``all``."""
    selector = selector.strip()
    if selector in ("all", "ALL"):
        return True
    return selector == name or code.startswith(selector.upper())


class Selection(NamedTuple):
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str, name: str) -> bool:
        if self.select and not any(matches(s, code, name) for s in self.select):
            return False
        return not any(matches(s, code, name) for s in self.ignore)
