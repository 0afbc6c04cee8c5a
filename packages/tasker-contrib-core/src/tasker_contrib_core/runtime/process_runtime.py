"""The bookkeeping every concrete runtime keeps for the one process it runs in.

Both the local runtime and the real worker runtime belong to the process that
started them (a forked child must refuse to use them), serialise start and
stop under a lock, fan events out to subscribers and remember their last
error. That state, and replacing its locks in a forked child, is set up here
once.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from tasker_contrib_core.runtime.base import Runtime
from tasker_contrib_core.runtime.fork_guard import ProcessOwner, reset_in_forked_children
from tasker_contrib_core.runtime.listeners import EventFanout

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings


class ProcessRuntime(Runtime):
    """A :class:`Runtime` owned by the process that created it."""

    def __init__(self, settings: TaskerSettings) -> None:
        self.settings = settings
        self._owner = ProcessOwner()
        self._lock = threading.Lock()
        self._fanout = EventFanout()
        self._last_error: str | None = None
        reset_in_forked_children(self, _reset_locks_after_fork)


def _reset_locks_after_fork(target: object) -> None:
    """In a forked child: locks a parent thread may have held are replaced."""
    if isinstance(target, ProcessRuntime):
        target._lock = threading.Lock()
        target._fanout.reset_after_fork()


__all__ = ["ProcessRuntime"]
