"""This process's single in-process domain event poller.

``InProcessDomainEventPoller`` instances all drain the same receiver inside
the engine: two pollers in one process would split the events between them,
each sink seeing a random half. So there is exactly one per process, started
and stopped here, and a second start is refused loudly. (A poller created by
user code directly with ``tasker_core`` is outside our reach; don't.)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from tasker_contrib_core.errors import RuntimeStartError

#: How often the poller looks for events when idle (the engine's own default).
POLL_INTERVAL_MS = 10

_lock = threading.Lock()
_current: tuple[int, Any] | None = None  # (pid, poller)


def start_domain_poller(
    core: ModuleType,
    on_event: Callable[[Any], None],
    on_error: Callable[[Exception], None],
) -> Any:
    """Start the process's poller with the given callbacks and return it."""
    global _current
    with _lock:
        pid = os.getpid()
        if _current is not None and _current[0] == pid and _current[1].is_running:
            raise RuntimeStartError(
                "a domain event poller is already running in this process; only one may run "
                "per process (they share one receiver and would split the events). Stop the "
                "runtime that owns it first"
            )
        poller = core.InProcessDomainEventPoller(polling_interval_ms=POLL_INTERVAL_MS)
        poller.on_event(on_event)
        poller.on_error(on_error)
        poller.start()
        _current = (pid, poller)
        return poller


def stop_domain_poller(poller: Any, timeout: float) -> bool:
    """Stop ``poller`` within ``timeout`` seconds; True when its thread is gone."""
    global _current
    poller.stop(timeout=max(0.0, timeout))
    stopped = not poller.is_running
    with _lock:
        if _current is not None and _current[1] is poller:
            _current = None
    return stopped


def _reset_after_fork() -> None:
    # The parent's poller thread does not exist in a child; nor may its lock be held.
    global _lock, _current
    _lock = threading.Lock()
    _current = None


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_after_fork)


__all__ = ["POLL_INTERVAL_MS", "start_domain_poller", "stop_domain_poller"]
