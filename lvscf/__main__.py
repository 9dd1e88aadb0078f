"""``python -m lvscf``."""

from .cli import main

main()
