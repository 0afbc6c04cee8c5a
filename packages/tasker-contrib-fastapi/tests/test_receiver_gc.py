"""Scenario 17: receivers nobody else holds, and receivers that raise.

The FastAPI package has no signal registry that could hold receivers weakly:
sinks go to ``tasker_lifespan(sinks=...)`` and the lifespan holds them (and
through an ``AsyncCallbackSink``, its callback and a bound method's object)
strongly for as long as the app lives. So a sink whose only reference is the
app's keeps receiving events after ``gc.collect()``; a sink that raises is
isolated and the engine's thread goes on; the package's own structlog sink
survives collection too. Run on the embedded engine (the local runtime) with
a real lifespan, two orders in a row.
"""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from structlog.testing import capture_logs
from tasker_contrib_fastapi import AsyncCallbackSink, TaskerStateDep, tasker_lifespan


class Recorder:
    """An event receiver the test keeps no strong reference to."""

    def __init__(self, done: threading.Event) -> None:
        self.names: list[str] = []
        self.completed = 0
        self.done = done

    async def on_event(self, event: Any) -> None:
        self.names.append(event.name)
        if event.name == "task.execution.completed":
            self.completed += 1
            if self.completed == 2:
                self.done.set()


class RaisingSink:
    """A sink with a bug: every publish raises."""

    def __init__(self) -> None:
        self.calls = 0

    def publish(self, event: Any) -> None:
        self.calls += 1
        raise RuntimeError("sink bug")


def test_an_unreferenced_sink_still_receives_and_a_raising_one_harms_nothing(
    example_settings: Any,
) -> None:
    from tasker_contrib_testsupport.example_tasks import order_request

    done = threading.Event()
    recorder = Recorder(done)
    alive = weakref.ref(recorder)
    raising = RaisingSink()
    app = FastAPI(
        lifespan=tasker_lifespan(
            example_settings, sinks=[raising, AsyncCallbackSink(recorder.on_event)]
        )
    )
    del recorder  # from here on only the app's sinks hold it

    @app.post("/order")
    async def order(state: TaskerStateDep) -> dict[str, str]:
        task = await state.client.create_task(order_request())
        return {"task_uuid": task.task_uuid}

    merge = [structlog.contextvars.merge_contextvars]
    with capture_logs(processors=merge) as logs, TestClient(app) as client:
        gc.collect()
        assert alive() is not None, "the app's sink let its receiver be collected"
        first = client.post("/order").json()["task_uuid"]
        gc.collect()
        second = client.post("/order").json()["task_uuid"]  # the engine's thread survived
        assert done.wait(30), alive().names if alive() else "receiver collected"
    received = alive()
    assert received is not None
    assert received.completed == 2
    assert "order.completed" in received.names  # a domain event of the template
    assert raising.calls >= len(received.names), "the raising sink was not called"
    logged = {(entry["event"], entry.get("task_uuid")) for entry in logs}
    # the package's own structlog sink, after two collections, for both tasks
    assert ("task.execution.completed", first) in logged
    assert ("task.execution.completed", second) in logged
