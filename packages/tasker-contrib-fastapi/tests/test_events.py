"""Events: the default structlog sink and callbacks run on the app's loop."""

from __future__ import annotations

import asyncio
import threading
import time
from types import ModuleType
from typing import Any

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from structlog.testing import capture_logs
from tasker_contrib_fastapi import AsyncCallbackSink, TaskerStateDep, tasker_lifespan

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """asyncio only: AsyncCallbackSink binds an asyncio loop (docs/fastapi.md), and
    anyio's plugin would otherwise also run these on trio when trio is installed."""
    return "asyncio"


async def test_callbacks_run_on_the_loop_thread_when_published_from_engine_threads(
    fake: ModuleType,
) -> None:
    loop_thread = threading.current_thread().name
    seen: list[tuple[str, str, Any]] = []

    async def on_event(event: Any) -> None:
        context = structlog.contextvars.get_contextvars()
        seen.append((event.name, threading.current_thread().name, context.get("task_uuid")))

    sink = AsyncCallbackSink(on_event)
    sink.bind(asyncio.get_running_loop())
    publishers = [
        threading.Thread(
            target=lambda n=n: [
                sink.publish(fake.make_event(task_uuid=f"t{n}")) for _ in range(50)
            ],
            name=f"engine-{n}",
        )
        for n in range(4)
    ]
    for thread in publishers:
        thread.start()
    for thread in publishers:
        await asyncio.to_thread(thread.join)
    assert await sink.drain(5.0) is True
    assert len(seen) == 200
    assert {thread for _, thread, _ in seen} == {loop_thread}
    assert {task for _, _, task in seen} == {"t0", "t1", "t2", "t3"}  # bound per event
    assert structlog.contextvars.get_contextvars() == {}  # nothing left behind
    assert (sink.delivered, sink.failed, sink.dropped, sink.pending) == (200, 0, 0, 0)


async def test_a_failing_callback_is_counted_and_the_rest_still_run(fake: ModuleType) -> None:
    calls: list[str] = []

    def flaky(event: Any) -> None:  # plain functions run on the loop as well
        calls.append(event.name)
        if event.name == "boom":
            raise ValueError("callback bug")

    sink = AsyncCallbackSink(flaky)
    sink.bind(asyncio.get_running_loop())
    for name in ("a", "boom", "b"):
        sink.publish(fake.make_event(name))
    await sink.drain(2.0)
    assert calls == ["a", "boom", "b"]
    assert (sink.delivered, sink.failed) == (2, 1)


async def test_pending_callbacks_are_bounded_and_stuck_ones_cancelled(fake: ModuleType) -> None:
    release = asyncio.Event()

    async def stuck(event: Any) -> None:
        await release.wait()

    sink = AsyncCallbackSink(stuck, max_pending=3)
    sink.bind(asyncio.get_running_loop())
    for _ in range(5):
        sink.publish(fake.make_event())
    assert sink.dropped == 2
    started = time.monotonic()
    assert await sink.drain(0.2) is False  # three were still running: cancelled
    assert time.monotonic() - started < 2.0
    assert sink.pending == 0
    sink.publish(fake.make_event())  # unbound after draining: dropped, no error
    assert sink.dropped == 3


def test_unbound_or_closed_loops_drop_quietly(fake: ModuleType) -> None:
    sink = AsyncCallbackSink(lambda event: None)
    sink.publish(fake.make_event())
    loop = asyncio.new_event_loop()
    sink.bind(loop)
    loop.close()
    sink.publish(fake.make_event())
    assert sink.dropped == 2
    assert sink.pending == 0


def test_the_lifespan_binds_async_sinks_and_logs_events_by_default(
    fake: ModuleType, tasker_local_settings: Any
) -> None:
    runtime = fake.FakeRuntime()
    received: list[str] = []

    async def remember(event: Any) -> None:
        received.append(event.name)

    app = FastAPI(
        lifespan=tasker_lifespan(
            tasker_local_settings(),
            runtime=runtime,
            sinks=[AsyncCallbackSink(remember, patterns="order.*")],
        )
    )

    @app.get("/fire")
    async def fire(state: TaskerStateDep) -> dict[str, int]:
        def from_engine_thread() -> None:
            runtime.emit(fake.make_event("order.validated", step_name="validate_order"))
            runtime.emit(fake.make_event("step.execution.completed"))

        await asyncio.to_thread(from_engine_thread)
        return {"sinks": len(state.dispatcher.sinks)}

    merge = [structlog.contextvars.merge_contextvars]
    with capture_logs(processors=merge) as logs, TestClient(app) as client:
        assert client.get("/fire").json() == {"sinks": 2}
    assert received == ["order.validated"]  # the sink's own pattern
    logged = [(entry["event"], entry.get("step_name")) for entry in logs]
    assert ("order.validated", "validate_order") in logged
    assert ("step.execution.completed", "one") in logged
    assert all("payload" not in entry for entry in logs)  # no task data in logs by default
    assert runtime.listeners == []  # detached on shutdown


def test_real_local_runtime_events_reach_an_async_callback(example_settings: Any) -> None:
    from tasker_contrib_testsupport.example_tasks import order_request

    done = threading.Event()
    names: list[str] = []

    async def on_event(event: Any) -> None:
        names.append(event.name)
        if event.name == "task.execution.completed":
            done.set()

    app = FastAPI(
        lifespan=tasker_lifespan(
            example_settings, sinks=[AsyncCallbackSink(on_event)], log_events=False
        )
    )

    @app.post("/order")
    async def order(state: TaskerStateDep) -> dict[str, str]:
        task = await state.client.create_task(order_request())
        return {"task_uuid": task.task_uuid}

    with TestClient(app) as client:
        client.post("/order")
        assert done.wait(20), names
    assert "order.completed" in names  # a domain event declared by the template
    assert names[0] == "task.execution.started"
