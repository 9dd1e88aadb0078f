"""lvscf: parse, validate and convert the lvs.cf files of Red Hat's Piranha.

Stages, each a subpackage: :mod:`lvscf.parse` (text -> syntax nodes),
:mod:`lvscf.model` (nodes -> typed configuration), :mod:`lvscf.emit` (writers).
This module re-exports the library API; it never imports the CLI's
dependencies (typer, rich).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import LoadResult, dumps, load, loads
    from .diagnostics import Diagnostic, Related, Severity
    from .errors import ArgumentError, InputError, LvscfError, UnrepresentableError
    from .validate import check
    from .model import (Config, DeviceAddress, Failover, HostName, Network, Protocol, ReservationConflictAction,
                        Scheduler, Server, Service, Virtual)

# The names are imported on first use (PEP 562), so that ``lvscf-probe``, which
# keepalived starts every few seconds per real server, does not load the parser.
_HOME = {
    **dict.fromkeys(("LoadResult", "dumps", "load", "loads"), "api"),
    **dict.fromkeys(("Diagnostic", "Related", "Severity"), "diagnostics"),
    "check": "validate",
    **dict.fromkeys(("ArgumentError", "InputError", "LvscfError", "UnrepresentableError"), "errors"),
    **dict.fromkeys(("Config", "DeviceAddress", "Failover", "HostName", "Network", "Protocol",
                     "ReservationConflictAction", "Scheduler", "Server", "Service", "Virtual"), "model"),
}


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'lvscf' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__version__ = "0.1.0"

__all__ = [
    "load",
    "loads",
    "dumps",
    "check",
    "LoadResult",
    "Diagnostic",
    "Related",
    "Severity",
    "LvscfError",
    "InputError",
    "UnrepresentableError",
    "ArgumentError",
    "Config",
    "Virtual",
    "Failover",
    "Server",
    "DeviceAddress",
    "HostName",
    "Service",
    "Network",
    "Protocol",
    "Scheduler",
    "ReservationConflictAction",
    "__version__",
]
