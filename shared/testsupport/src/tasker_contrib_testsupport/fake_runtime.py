"""A runtime whose behaviour each test decides: slow, failing, hanging, or fine.

It implements core's ``Runtime`` interface faithfully enough for a framework
integration's hooks, dependencies and health endpoints (any framework
package's unit tests of its own glue), and records which thread each call ran
on, so tests can prove nothing blocking ran on an event loop or a request
thread. Lifecycle tests use the real runtimes instead.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tasker_contrib_core.runtime import Runtime, RuntimeStatus


@dataclass
class Behaviour:
    start_seconds: float = 0.0
    stop_seconds: float = 0.0
    start_error: BaseException | None = None
    stop_ignores_timeout: bool = False
    pollers_alive: bool = True


@dataclass
class FakeClient:
    """Stands in for a task client; records calls."""

    calls: list[str] = field(default_factory=list)
    closed: bool = False
    health_error: BaseException | None = None
    health_seconds: float = 0.0

    def health(self) -> Any:
        self.calls.append("health")
        time.sleep(self.health_seconds)
        if self.health_error is not None:
            raise self.health_error
        return type("Health", (), {"status": "healthy"})()

    async def aclose(self) -> None:
        self.closed = True


class FakeRuntime(Runtime):
    kind = "local"

    def __init__(self, behaviour: Behaviour | None = None, *, settings: Any = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.settings = settings
        self.running_flag = False
        self.calls: list[tuple[str, str]] = []  # (call, thread name)
        self.listeners: list[Any] = []
        self.fake_client = FakeClient()
        self.stop_timeouts: list[float | None] = []

    def start(self) -> None:
        self.calls.append(("start", threading.current_thread().name))
        time.sleep(self.behaviour.start_seconds)
        if self.behaviour.start_error is not None:
            raise self.behaviour.start_error
        self.running_flag = True

    def stop(self, timeout: float | None = None) -> bool:
        self.calls.append(("stop", threading.current_thread().name))
        self.stop_timeouts.append(timeout)
        wait = self.behaviour.stop_seconds
        if not self.behaviour.stop_ignores_timeout and timeout is not None:
            wait = min(wait, timeout)
        time.sleep(wait)
        self.running_flag = False
        return wait >= self.behaviour.stop_seconds

    def status(self) -> RuntimeStatus:
        return RuntimeStatus(
            kind=self.kind,
            running=self.running_flag,
            pid=0,
            worker_id="fake",
            poller_alive=self.running_flag and self.behaviour.pollers_alive,
            started_at=datetime.now(timezone.utc) if self.running_flag else None,
        )

    @property
    def client(self) -> Any:
        return self.fake_client

    @property
    def async_client(self) -> Any:
        return self.fake_client

    def subscribe(self, listener: Any) -> Any:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def emit(self, event: Any) -> None:
        for listener in list(self.listeners):
            listener(event)


class FakeWorkerRuntime(FakeRuntime):
    kind = "worker"


def make_event(name: str = "step.execution.completed", **fields: Any) -> Any:
    from tasker_contrib_core.events import TaskerEvent

    values: dict[str, Any] = {
        "name": name,
        "id": "evt-1",
        "timestamp": datetime.now(timezone.utc),
        "task_uuid": "task-1",
        "kind": "lifecycle",
        "namespace": "tests",
        "step_uuid": "step-1",
        "step_name": "one",
    }
    values.update(fields)
    return TaskerEvent(**values)


__all__ = ["Behaviour", "FakeClient", "FakeRuntime", "FakeWorkerRuntime", "make_event"]
