"""keepalived.conf from an lvs.cf: :func:`keepalived` returns the text and the migration report."""

from .codes import ALL as CODES
from .convert import CHECK_MODES, DEFAULT_PROBE, NODES, keepalived

__all__ = ["keepalived", "CODES", "DEFAULT_PROBE", "NODES", "CHECK_MODES"]
