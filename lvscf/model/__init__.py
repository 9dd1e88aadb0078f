"""Stage 2, model: syntax nodes -> the typed configuration (:mod:`.config`)."""

from .build import BuildResult, build, runtime_string
from .config import (
    UNSET_ADDRESS,
    Config,
    DeviceAddress,
    Failover,
    Host,
    HostName,
    Network,
    Origin,
    Protocol,
    ReservationConflictAction,
    Scheduler,
    Server,
    Service,
    ServiceBlock,
    Virtual,
)

__all__ = [
    "build", "BuildResult", "runtime_string", "Config", "ServiceBlock", "Virtual", "Failover", "Server",
    "DeviceAddress", "Host", "HostName", "Origin", "Service", "Network", "Protocol", "Scheduler",
    "ReservationConflictAction", "UNSET_ADDRESS",
]
