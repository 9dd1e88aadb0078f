"""The one exception of the harness."""


class VmError(Exception):
    """The VM could not be built or run (a missing package, a boot that never reports, a timeout).
    A test that needs the VM fails with it: it never skips."""
