"""The cost bound of expect regexes (LVS521, LVS725) against what glibc's regcomp/regexec really spend.

``ere_cost`` counts the NFA nodes glibc builds once it has written counted
repetitions out, and looks for back-references glibc would backtrack over.
These tests hold the bound to its promise on the real C library: the costliest
shapes it accepts (each at the largest count accepted) compile and match a
254-byte reply quickly and in little memory, and the shapes from issue 10 are
refused.  Each measurement runs in a child process under a memory limit, so a
wrong bound fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import pytest

from lvscf.probe.posix_regex import Exhausted, search_limited
from lvscf.validate.rules.health import MAX_REGEX_NODES, ere_cost, ere_error

#: the reply nanny reads is at most 254 bytes
REPLIES = (b"a" * 254, b"ab" * 127)

#: shapes whose cost grows fastest with their count (measured: nested stars grow about cubically)
WORST_SHAPES = ["(a*){1,%d}", "(a*b*){1,%d}x", "((a*)*){1,%d}x", "(((a*)*)*){1,%d}x", "(a?){%d}", "(a|b){1,%d}",
                "((a*)(b*)){1,%d}x", "(.*){1,%d}x", "a{1,%d}", "([^x]*a){1,%d}"]


def largest_accepted(shape: str) -> str:
    count = 1
    while ere_cost(shape % (count + 1)) is None:
        count += 1
    assert count < MAX_REGEX_NODES
    return shape % count


@pytest.mark.parametrize("shape", WORST_SHAPES)
def test_the_costliest_accepted_expressions_are_cheap_in_glibc(shape):
    pattern = largest_accepted(shape).encode()
    for reply in REPLIES:
        # 32 MB above the probe's own size and 2 s: several times less than the probe allows a match
        search_limited(pattern, reply, 2.0, memory=32 * 2**20)


@pytest.mark.parametrize("pattern", [
    "(.*)\\1b", "(.+)\\1b", "([^b]*)\\1b", "^(.*)\\1$", "(.{0,254})\\1b", "(.*)" + "\\1" * 40 + "b",
    "(.)(.)(.)(.)(.)(.)(.)(.)(.*)\\9\\8\\7\\6\\5\\4\\3\\2\\1b",
])
def test_accepted_back_references_are_cheap_in_glibc(pattern):
    assert ere_cost(pattern) is None
    for reply in REPLIES:
        search_limited(pattern.encode(), reply, 2.0, memory=32 * 2**20)


@pytest.mark.parametrize(("pattern", "why"), [
    ("((a{1,100}){1,100}){1,100}", "2020199 nodes"),  # issue 10: 16 s and 1.8 GB
    ("((a{1,255}){1,255}){1,255}", "nodes"),  # issue 10: 3.9 GB
    ("a{1,32767}", "65533 nodes"),  # one count: 25 s and 8 GB
    ("(a*){1,4000}", "nodes"),  # 5 s and 2 GB
    ("((a*)*){1,512}x", "nodes"),  # 24 s
    ("(.*)(.*)\\2\\1b", "2 repetitions of variable length"),  # issue 10: 30 s and more
    ("(a*)(a*)\\1b", "2 repetitions of variable length"),  # 4.4 s
    ("(.)*\\1b", "`\\1` refers to a group inside a repetition"),  # 2.2 s
    ("(a|aa)*\\1b", "`\\1` refers to a group inside a repetition"),  # 3.7 s
    ("((.)\\2)*b", "`*` repeats a back-reference"),
    ("(.)\\1{2,}", "`{2,}` repeats a back-reference"),
    ("(" * 101 + "a" + ")" * 101, "nested more than 100 deep"),
    ("(" * 20000 + ")" * 20000, "nested more than 100 deep"),  # deeper than Python's recursion limit
])
def test_costly_expressions_are_refused(pattern, why):
    assert ere_error(pattern) is None  # valid for regcomp: LVS512 says nothing
    found = ere_cost(pattern)
    assert found is not None and why in found[1], found


@pytest.mark.parametrize("pattern", ["((a{1,100}){1,100}){1,100}", "a{1,32767}"])
def test_refused_counts_are_costly_in_glibc(pattern):
    """The other side of the bound: what it refuses for its size does exhaust a match's limits."""
    with pytest.raises(Exhausted):
        search_limited(pattern.encode(), b"a" * 254, 2.0, memory=64 * 2**20)


@pytest.mark.parametrize("pattern", [
    "^HTTP/1\\.[01] (200|301|302)", "^HTTP/1\\.[01] [23][0-9][0-9]", "[[:digit:]]{3}", "^\\+OK", "^220 .*ESMTP",
    "^[A-Z]{1,255}", "(OK|READY|UP)$", "^(.*) \\1$", "x{0}", "^a{2}b{3,}c{0,7}", "",
    "(foo|bar|baz|qux|quux|corge|grault|garply|waldo|fred|plugh|xyzzy|thud)" * 5,
])
def test_ordinary_expressions_are_accepted(pattern):
    assert ere_error(pattern) is None
    assert ere_cost(pattern) is None


@pytest.mark.parametrize(("pattern", "nodes"), [
    ("a", 1), ("ab", 2), ("a|b", 3), ("(a)", 3), ("a*", 2), ("a+", 3), ("a?", 2), ("a{3}", 3), ("a{2,4}", 6),
    ("a{2,}", 4), ("a{0}", 0), ("(ab){2}", 8), ("((a{1,100}){1,100}){1,100}", 2020199),
])
def test_node_count_follows_glibcs_expansion(pattern, nodes):
    """``x{2,4}`` is ``xx`` then two optional copies (one alternation node each); ``x{2,}`` is ``xxx*``."""
    from lvscf.validate.rules.health import _Ere

    ere = _Ere(pattern.encode())
    ere.parse()
    assert ere.cost.nodes == nodes


def test_an_invalid_expression_is_left_to_lvs512():
    assert ere_error("(a{1,100}") is not None
    assert ere_cost("(a{1,100}") is None
