"""lvscf's exceptions.  Problems in an lvs.cf are diagnostics, never exceptions;
these are for what the caller asked for: a file that cannot be read, an edited
model that cannot be written as lvs.cf, a wrong argument."""

from __future__ import annotations

__all__ = ["LvscfError", "InputError", "UnrepresentableError", "ArgumentError"]


class LvscfError(Exception):
    """Base class of every exception lvscf raises on purpose."""


class InputError(LvscfError):
    """A file or stream could not be read (missing, a directory, no permission...)."""


class UnrepresentableError(LvscfError, ValueError):
    """A model value that lvs.cf cannot express (e.g. a string with both quote characters and a blank)."""


class ArgumentError(LvscfError, TypeError):
    """An API function was called with an argument of the wrong type."""
