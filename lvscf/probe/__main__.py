"""``python -m lvscf.probe``: the same as ``lvscf-probe``."""

from .cli import run

run()
