"""LVS3xx: real servers, pools and virtual services."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.config import Config
from ..rule import WARNING, Finding, rule, servers, value_of


@rule("LVS304", "weight-not-positive", WARNING, "a real server's weight is 0 or less")
def weight_not_positive(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags real servers whose `weight` is 0 or negative.

    ## Why is this bad?
    A weight of 0 does not disable a real server in Piranha.  nanny adds it with
    weight 1 (it starts every server at `max(1, weight / 32)` and never lowers
    it), so the server keeps receiving connections.  Whoever wrote 0 almost
    certainly meant to take the server out of service, which is `active = 0`.

    ## Example
    ```
    server web2 {
         address = 10.0.0.3
         active = 1
         weight = 0
    }
    ```
    Use instead: `active = 0` to take the server out, or a positive weight.
    """
    for virtual, server in servers(config):
        if server.weight <= 0:
            yield Finding(value_of(server, "weight"),
                          f'server "{server.name}" of virtual "{virtual.name}" has weight {server.weight}: '
                          f"Piranha gives it weight 1, it still receives connections",
                          hint="to take the server out of service write `active = 0`; otherwise use a weight of 1 "
                               "or more")


RULES = (weight_not_positive,)
