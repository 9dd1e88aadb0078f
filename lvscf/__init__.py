"""lvscf: parse, validate and convert the lvs.cf files of Red Hat's Piranha.

Stages, each a subpackage: :mod:`lvscf.parse` (text -> syntax nodes),
:mod:`lvscf.model` (nodes -> typed configuration), :mod:`lvscf.emit` (writers).
This module re-exports the library API; it never imports the CLI's
dependencies (typer, rich).
"""

from .api import LoadResult, dumps, load, loads
from .diagnostics import Diagnostic, Related, Severity
from .errors import ArgumentError, InputError, LvscfError, UnrepresentableError
from .model import (
    Config,
    DeviceAddress,
    Failover,
    HostName,
    Network,
    Protocol,
    ReservationConflictAction,
    Scheduler,
    Server,
    Service,
    Virtual,
)

__version__ = "0.1.0"

__all__ = [
    "load",
    "loads",
    "dumps",
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
