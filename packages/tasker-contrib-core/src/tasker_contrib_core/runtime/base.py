"""The one interface every runtime offers, and the health data it reports.

Framework packages (a FastAPI lifespan, a Flask extension, a Celery signal
handler) only ever talk to :class:`Runtime`: they start it in the serving
process, stop it from their shutdown hook, answer health checks from
:meth:`Runtime.status` and hand :attr:`Runtime.client` to application code.
Which engine runs underneath (the embedded local engine or the real
``tasker_core`` worker) is decided by configuration, never by their code.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from tasker_contrib_core.runtime.fork_guard import forked_error

if TYPE_CHECKING:
    from tasker_contrib_core.client.protocol import AsyncTaskClient, TaskClient
    from tasker_contrib_core.events.event import TaskerEvent

RuntimeKind = Literal["local", "worker"]

#: What :meth:`Runtime.subscribe` accepts: called once per event, on the
#: runtime's own thread (a pool thread or the engine's poller thread).
EventListener = Callable[["TaskerEvent"], object]

#: Calling it removes the listener again; calling it twice is harmless.
Unsubscribe = Callable[[], None]


@dataclass(frozen=True)
class RuntimeStatus:
    """A snapshot of a runtime's health, cheap to take and safe to serialise.

    ``running`` is the answer a liveness probe wants; the other fields explain
    it. ``poller_alive`` is True when the threads that deliver work and events
    are alive (the local runtime's pool threads, the worker's two pollers).
    ``last_event_age_seconds`` is ``None`` until the first event was seen.
    ``details`` carries runtime-specific extras (config file, queue depth...).
    """

    kind: RuntimeKind
    running: bool
    pid: int
    worker_id: str | None = None
    namespaces: tuple[str, ...] = ()
    poller_alive: bool = False
    last_event_age_seconds: float | None = None
    last_error: str | None = None
    started_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        """Running, its pollers alive, and no error recorded since it started."""
        return self.running and self.poller_alive and self.last_error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``started_at`` as ISO 8601), for health endpoints."""
        return {
            "kind": self.kind,
            "running": self.running,
            "healthy": self.healthy,
            "pid": self.pid,
            "worker_id": self.worker_id,
            "namespaces": list(self.namespaces),
            "poller_alive": self.poller_alive,
            "last_event_age_seconds": (
                None
                if self.last_event_age_seconds is None
                else round(self.last_event_age_seconds, 3)
            ),
            "last_error": self.last_error,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "details": dict(self.details),
        }


class Runtime(ABC):
    """Start, stop, inspect and use a Tasker engine from a host process.

    Contract shared by every implementation (see ``docs/runtimes.md``):

    * :meth:`start` is idempotent per process: calling it again in the process
      that started it does nothing. Called in a process forked from the one
      that started it, it raises
      :class:`~tasker_contrib_core.errors.RuntimeForkedError` at once.
    * :meth:`stop` never blocks longer than its timeout, is safe to call
      twice, and returns whether everything stopped within the bound.
    * No runtime installs signal handlers; every thread it creates is a
      daemon thread, so a missed :meth:`stop` cannot block interpreter exit.
    """

    #: ``"local"`` or ``"worker"``.
    kind: RuntimeKind

    @abstractmethod
    def start(self) -> None:
        """Start the engine in this process (no-op when already running here)."""

    @abstractmethod
    def stop(self, timeout: float | None = None) -> bool:
        """Stop within ``timeout`` seconds (default: the configured shutdown timeout).

        Returns True when everything stopped within the bound, False when the
        bound ran out first (the rest continues in daemon threads).
        """

    @abstractmethod
    def status(self) -> RuntimeStatus:
        """Health data for liveness/readiness checks; never raises, never blocks long."""

    @property
    @abstractmethod
    def client(self) -> TaskClient:
        """A blocking task client bound to this runtime."""

    @property
    @abstractmethod
    def async_client(self) -> AsyncTaskClient:
        """An asyncio task client bound to this runtime."""

    @abstractmethod
    def subscribe(self, listener: EventListener) -> Unsubscribe:
        """Receive every :class:`~tasker_contrib_core.events.event.TaskerEvent`.

        A listener that raises is logged and otherwise ignored: it can never
        stop the engine or keep other listeners from their events.
        """

    @property
    def running(self) -> bool:
        """Shortcut for ``status().running``."""
        return self.status().running

    def __enter__(self) -> Runtime:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["EventListener", "Runtime", "RuntimeKind", "RuntimeStatus", "Unsubscribe"]


def forked_status(kind: RuntimeKind, owner_pid: int | None) -> RuntimeStatus | None:
    """The status a runtime reports in a process forked after it started, else None.

    A forked child must never call into the engine (it hangs), so both runtimes
    answer health checks there from this alone.
    """
    pid = os.getpid()
    if owner_pid is None or owner_pid == pid:
        return None
    return RuntimeStatus(
        kind=kind,
        running=False,
        pid=pid,
        last_error=str(forked_error(kind, owner_pid)),
        details={"forked_from_pid": owner_pid},
    )
