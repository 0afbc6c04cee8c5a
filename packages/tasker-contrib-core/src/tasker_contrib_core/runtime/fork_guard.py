"""Notice that a runtime was started in another process and this one is its fork.

After ``fork()`` only the forking thread exists in the child, but every object
(including "the engine is running") is copied. The real engine in such a child
looks alive yet receives nothing, and ``stop_worker()`` there hangs forever.
The only safe answer is to refuse at once, before touching the engine or any
lock a vanished parent thread may have held: hence a plain pid comparison.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable

from tasker_contrib_core.errors import RuntimeForkedError

#: Where to start a runtime instead, quoted in every fork error.
START_AFTER_FORK_HINT = (
    "Start the runtime after the fork, in the process that will use it: gunicorn's "
    "post_fork or post_worker_init hook, Celery's worker_process_init signal, or lazily "
    "on the first request (once per process id); never at import time, in AppConfig.ready(), "
    "or in a gunicorn master under --preload. The dedicated `tasker-contrib worker` command "
    "avoids the problem entirely."
)


class ProcessOwner:
    """Remembers the pid that started something; compares without any lock."""

    __slots__ = ("_pid",)

    def __init__(self) -> None:
        self._pid: int | None = None

    @property
    def pid(self) -> int | None:
        """The owning process id, or None when nothing is started."""
        return self._pid

    def claim(self) -> None:
        self._pid = os.getpid()

    def release(self) -> None:
        self._pid = None

    def is_current(self) -> bool:
        """True when this process is the owner."""
        return self._pid is not None and self._pid == os.getpid()

    def is_forked(self) -> bool:
        """True when an owner exists and it is another process (we are its fork)."""
        return self._pid is not None and self._pid != os.getpid()

    def check(self, kind: str) -> None:
        """Raise :class:`RuntimeForkedError` when this process is a fork of the owner."""
        owner = self._pid
        if owner is not None and owner != os.getpid():
            raise forked_error(kind, owner)


def forked_error(kind: str, owner_pid: int) -> RuntimeForkedError:
    """The error a forked child gets, saying what happened and what to do."""
    return RuntimeForkedError(
        f"the {kind} runtime was started in process {owner_pid}, and this process "
        f"({os.getpid()}) is a fork of it. The engine's threads do not survive fork(), and "
        "calling into it from the child hangs, so it is not used here. " + START_AFTER_FORK_HINT
    )


def reset_in_forked_children(target: object, reset: Callable[[object], None]) -> None:
    """Call ``reset(target)`` in every forked child while ``target`` is alive.

    Used to replace locks that a parent thread may have held at fork time, so
    that the child's own calls (which then raise a clear error) never block.
    """
    if not hasattr(os, "register_at_fork"):  # pragma: no cover - not on Windows
        return
    ref = weakref.ref(target)

    def after_in_child() -> None:
        alive = ref()
        if alive is not None:
            reset(alive)

    os.register_at_fork(after_in_child=after_in_child)


__all__ = [
    "START_AFTER_FORK_HINT",
    "ProcessOwner",
    "forked_error",
    "reset_in_forked_children",
]
