"""What the lifespan does off the event loop, and a shutdown whose flush fails.

* Settings (TOML files, the environment) are resolved on a worker thread, and
  the task client is built at start-up, also off the loop: a configuration
  error stops start-up with its own message instead of being hidden until
  (and misreported by) the first request.
* A failing event flush or sink drain during shutdown still closes the
  client the lifespan opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tasker_contrib_fastapi import tasker_lifespan, tasker_router


def test_settings_are_resolved_off_the_event_loop(
    tasker_local_settings: Callable[..., Any], fake: ModuleType
) -> None:
    seen: list[bool] = []

    def settings() -> Any:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:
            seen.append(False)
        return tasker_local_settings()

    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=fake.FakeRuntime()))
    with TestClient(app):
        pass
    assert seen == [False], "settings were resolved on the event loop"


def test_a_configuration_error_stops_start_up_with_its_own_message(
    tasker_settings: Callable[..., Any],
) -> None:
    """Submit-only: no engine starts, so only building the client reads the engine config.
    It used to swallow the error and fail the first request with 'no orchestration URL'."""
    from tasker_contrib_core.errors import ConfigErrors

    settings = tasker_settings(
        runtime="worker",
        worker_enabled=False,
        overrides={"common.database.pool.max_connections": 0},
    )
    app = FastAPI(lifespan=tasker_lifespan(settings))
    app.include_router(tasker_router())
    with pytest.raises(ConfigErrors) as caught, TestClient(app):
        pass
    assert "common.database.pool.max_connections" in str(caught.value)
    assert "orchestration URL" not in str(caught.value)


class FailingDrainSink:
    """A loop-bound sink whose drain raises (a bug in a sink must not leak the client)."""

    def publish(self, event: Any) -> None:
        pass

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        pass

    async def drain(self, timeout: float) -> bool:
        raise RuntimeError("drain failed")


def test_a_failing_flush_still_closes_the_client(
    tasker_local_settings: Callable[..., Any], fake: ModuleType, monkeypatch: Any
) -> None:
    from tasker_contrib_core.events import EventDispatcher

    def failing_stop(self: Any, timeout: float | None = None) -> bool:
        raise RuntimeError("flush failed")

    monkeypatch.setattr(EventDispatcher, "stop", failing_stop)
    runtime = fake.FakeRuntime()
    app = FastAPI(
        lifespan=tasker_lifespan(
            tasker_local_settings(shutdown_timeout_seconds=1),
            runtime=lambda settings: runtime,  # a factory: the lifespan owns its client
            sinks=[FailingDrainSink()],
        )
    )
    with TestClient(app):
        pass
    assert runtime.fake_client.closed, "the client stayed open after a failing flush"
    assert not runtime.running_flag
