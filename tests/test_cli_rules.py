"""`lvscf rule CODE|NAME` when the word is not a rule: the message names the rules meant."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lvscf.cli import app


def error_line(word: str) -> str:
    result = CliRunner().invoke(app, ["rule", word])
    assert result.exit_code == 2
    return result.stderr.strip()


def test_a_partial_name_lists_every_rule_containing_it():
    line = error_line("reentry")
    assert line.startswith("lvscf: error: 'reentry' is no rule code or name (did you mean ")
    for name in ("reentry-below-timeout", "reentry-zero", "reentry-not-reproduced"):
        assert name in line


@pytest.mark.parametrize(("word", "meant"), [("weight-not-positiv", "weight-not-positive"),
                                              ("LVS3040", "LVS304"), ("lvs3040", "LVS304")])
def test_a_misspelling_suggests_the_close_name_or_code(word, meant):
    assert f"did you mean {meant}" in error_line(word)


def test_nothing_close_points_at_the_list():
    assert error_line("zzzz").endswith("(see `lvscf rules`)")
