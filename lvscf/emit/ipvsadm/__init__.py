"""ipvsadm-restore rules from an lvs.cf: :func:`ipvsadm` returns the table and the migration report."""

# codes first: the rule registry imports them while this package is still loading
from .codes import ALL as CODES
from .convert import ipvsadm

__all__ = ["ipvsadm", "CODES"]
