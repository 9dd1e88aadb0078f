"""The numbers keepalived 2.2.7 accepts, for every numeric keyword lvscf writes.

keepalived reports a number outside its range ("number '4295' outside range
[0, 4294]", "connect_timeout 4295 invalid - ignoring") and then ignores the
keyword or the whole block, and ``keepalived -t`` exits 5: a file lvscf wrote
with such a number would not do what the report says.  So every number is
checked twice: where it is made from an lvs.cf value, so that the refusal points
at that value's line (:func:`.values.number` with these bounds), and once more
over the finished tree by :func:`out_of_range`, which the writer calls, so that
a number that slipped past the first check is an lvscf bug that stops the
conversion rather than a file keepalived rejects.

The bounds are those of keepalived 2.2.7's parser (tag v2.2.7), checked at
each boundary with the real ``keepalived -t`` (tests/test_emit_keepalived.py).
Timers (``read_timer``) are read in microseconds; lvscf writes whole seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .syntax import Directive, Item

__all__ = ["RANGES", "numbers", "out_of_range"]

_UINT_MAX = 2**32 - 1

#: keyword (or keyword and option) -> (lowest, highest) accepted.
RANGES: dict[str, tuple[int, int]] = {
    # check_parser.c vs_delay_handler: read_timer(1 us .. TIMER_MAXIMUM = ULONG_MAX - 1 us)
    "delay_loop": (1, (2**64 - 2) // 10**6),
    # check_api.c co_timeout_handler: read_timer(1 us .. UINT_MAX us = 4294.967295 s)
    "connect_timeout": (1, _UINT_MAX // 10**6),
    # check_misc.c misc_timeout_handler: 0 .. UINT_MAX / TIMER_HZ seconds
    "misc_timeout": (0, _UINT_MAX // 10**6),
    # check_api.c retry_handler: 0 .. UINT_MAX
    "retry": (0, _UINT_MAX),
    # check_api.c co_port_handler: 1 .. 65535
    "connect_port": (1, 65535),
    # check_parser.c rs_weight_handler: 0 .. IPVS_WEIGHT_LIMIT (INT32_MAX)
    "weight": (0, 2**31 - 1),
    # check_parser.c: 1 .. LVS_MAX_TIMEOUT (31 days)
    "persistence_timeout": (1, 2_678_400),
    # check_data.c alloc_vs: 0 .. IPVS_FWMARK_MAX; lvscf writes a mark only when one is set
    "fwmark": (1, _UINT_MAX),
    # virtual_server / real_server / sorry_server ADDRESS PORT: inet_stosockaddr 1 .. 65535, and 0
    # (keepalived drops a zero port before parsing it: no port)
    "port": (0, 65535),
    # global_parser.c lvs_timeouts: each 0 .. LVS_MAX_TIMEOUT
    "lvs_timeouts": (0, 2_678_400),
    # global_parser.c lvs_syncd_handler: id 0 .. 255
    "lvs_sync_daemon id": (0, 255),
    # vrrp_parser.c vrrp_adv_handler: 0.01 .. 255 s (VRRP version 2 carries whole seconds)
    "advert_int": (1, 255),
    # vrrp_parser.c vrrp_vrid_handler: 1 .. 255
    "virtual_router_id": (1, 255),
    # vrrp_parser.c vrrp_prio_handler: 1 .. VRRP_PRIO_OWNER
    "priority": (1, 255),
}

_SINGLE = frozenset(RANGES) - {"port", "fwmark", "lvs_timeouts", "lvs_sync_daemon id"}


def numbers(directive: Directive) -> Iterator[tuple[str, str]]:
    """The numeric arguments of one directive, as (key of :data:`RANGES`, argument)."""
    keyword, args = directive.keyword, directive.args
    if keyword == "virtual_server":
        if args[:1] == ("fwmark",):
            yield "fwmark", args[1]
        elif len(args) > 1:
            yield "port", args[1]
    elif keyword in ("real_server", "sorry_server"):
        if len(args) > 1:
            yield "port", args[1]
    elif keyword == "lvs_timeouts":
        yield from (("lvs_timeouts", value) for value in args[1::2])
    elif keyword == "lvs_sync_daemon":
        if "id" in args[:-1]:
            yield "lvs_sync_daemon id", args[args.index("id") + 1]
    elif keyword in _SINGLE:
        yield keyword, args[0] if args else ""


def out_of_range(items: Iterable[Item]) -> Iterator[tuple[Directive, str, str]]:
    """Every (directive, key, argument) in the tree whose number keepalived would not accept."""
    for item in items:
        if not isinstance(item, Directive):
            continue
        for key, text in numbers(item):
            low, high = RANGES[key]
            if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
                yield item, key, text
        if item.children:
            yield from out_of_range(item.children)
