"""Stage 6, cli: the `lvscf` command.  The only package that imports typer (and, through it, rich)."""

from .app import app, main

__all__ = ["app", "main"]
