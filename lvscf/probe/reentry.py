"""nanny's re-entry count, kept between probe runs in a small state file.

nanny put a failed server back only after ``reentry / timeout`` (integer
division; ``reentry = 0`` means 180) consecutive good checks, but added it on
the very first good check after start-up unless a check had failed before.
keepalived has no such count, so the probe keeps nanny's two variables per
real server and answers with nanny's decision rather than the raw result:

    start:          count = threshold, active = no
    good check:     count += 1; active once count >= threshold
    failed check:   active = no, count = 0

The state belongs to the keepalived process that runs the probe (its parent):
when keepalived restarts, the count starts afresh, as it did when lvsd
started new nannies.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import NamedTuple

__all__ = ["threshold", "State", "decide", "StateFile"]


def threshold(reentry: int, timeout: int) -> int:
    return (reentry or 180) // timeout


class State(NamedTuple):
    count: int
    active: bool


def decide(state: State | None, ok: bool, limit: int) -> State:
    """The state after one check; ``state`` None is a fresh nanny."""
    count, active = state if state is not None else (limit, False)
    if not ok:
        return State(0, False)
    count += 1
    return State(count, active or count >= limit)


class StateFile:
    """One real server's state under ``directory``, owned by the process ``owner``."""

    def __init__(self, directory: str, key: str, owner: int) -> None:
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.path = os.path.join(directory, f"{digest}.json")
        self.directory = directory
        self.owner = owner

    def load(self) -> State | None:
        """The saved state; None (a fresh nanny) when there is none, or anything but what :meth:`save` writes.

        A state file that cannot be trusted only costs the count: a fresh nanny
        re-adds the server on its first good check, as lvsd's restarted nanny did.
        """
        try:
            with open(self.path, encoding="ascii") as handle:
                data = json.load(handle)
        except (OSError, ValueError, RecursionError):  # RecursionError: thousands of nested brackets
            return None
        if not isinstance(data, dict) or data.get("owner") != self.owner:
            return None
        count, active = data.get("count"), data.get("active")
        # bool is an int subclass: a count of `true` is as malformed as one of "5"
        if type(count) is not int or count < 0 or type(active) is not bool:
            return None
        return State(count, active)

    def save(self, state: State) -> None:
        import tempfile  # only the probe saves state; the checker imports this module for threshold()

        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".state.")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                json.dump({"owner": self.owner, "count": state.count, "active": state.active}, handle)
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
