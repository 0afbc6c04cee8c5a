"""Shared helpers for the event dispatcher tests."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from tasker_contrib_core.events import TaskerEvent

_ids = itertools.count(1)

EventFactory = Callable[..., TaskerEvent]


@pytest.fixture
def make_event() -> EventFactory:
    def make(name: str = "step.execution.completed", **fields: Any) -> TaskerEvent:
        values: dict[str, Any] = {
            "name": name,
            "id": f"evt-{next(_ids)}",
            "timestamp": datetime.now(timezone.utc),
            "task_uuid": "task-1",
            "kind": "lifecycle" if name.startswith(("step.", "task.")) else "domain",
            "namespace": "payments",
            "step_uuid": "step-1",
            "step_name": "charge_card",
            "payload": {"amount": 10},
        }
        values.update(fields)
        return TaskerEvent(**values)

    return make


class Recorder:
    """A sink that remembers what it got, optionally raising or blocking."""

    def __init__(
        self,
        name: str = "recorder",
        *,
        fail: bool = False,
        gate: threading.Event | None = None,
        delay: float = 0.0,
    ) -> None:
        self.name = name
        self.fail = fail
        self.gate = gate
        self.delay = delay
        self.events: list[TaskerEvent] = []
        self.entered = threading.Event()
        self.threads: set[str] = set()

    def publish(self, event: TaskerEvent) -> None:
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.delay:
            threading.Event().wait(self.delay)
        if self.fail:
            raise RuntimeError(f"{self.name} cannot take {event.name}")
        self.events.append(event)

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.events]


class ListSource:
    """A minimal event source: subscribe(listener) -> unsubscribe."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[TaskerEvent], object]] = []

    def subscribe(self, listener: Callable[[TaskerEvent], object]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def emit(self, event: TaskerEvent) -> None:
        for listener in list(self.listeners):
            listener(event)


@pytest.fixture
def recorder_type() -> type[Recorder]:
    return Recorder


@pytest.fixture
def source() -> ListSource:
    return ListSource()
