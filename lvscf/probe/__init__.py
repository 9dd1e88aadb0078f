"""``lvscf-probe``: one health check exactly as Piranha's nanny ran it, for keepalived's MISC_CHECK.

keepalived's own checkers cannot express most of what nanny checked (a prefix
of the raw reply, a POSIX regex, a UDP exchange, an external program whose
output is compared, the re-entry count).  ``lvscf convert --to keepalived``
writes ``MISC_CHECK { misc_path "lvscf-probe ..." }`` for those, and this
program does what one nanny check did, byte for byte, then exits 0 (server
up) or 1 (down).  Where nanny had bugs that decide the outcome, the probe has
them too (see :mod:`.nanny`).

It uses only the standard library and never imports the rest of lvscf, so it
starts quickly and can be copied to a director on its own.
"""
