"""call_bounded: the caller gets control back after the bound, whatever the call does."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest
from tasker_contrib_core.integration import call_bounded, call_bounded_async


@pytest.fixture
def anyio_backend() -> str:
    """The kit's async entry points are for asyncio hosts (trio is not supported)."""
    return "asyncio"


def test_value_and_error_are_handed_back() -> None:
    assert call_bounded(lambda: 42, 1.0).result() == 42
    outcome = call_bounded(lambda: 1 / 0, 1.0)
    assert outcome.finished
    assert isinstance(outcome.error, ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):
        outcome.result()


def test_a_call_that_never_returns_is_abandoned_on_a_daemon_thread() -> None:
    release = threading.Event()
    started = time.monotonic()
    outcome = call_bounded(release.wait, 0.2, name="stuck-call")
    assert time.monotonic() - started < 1.0
    assert outcome.timed_out
    with pytest.raises(TimeoutError):
        outcome.result()
    stuck = [thread for thread in threading.enumerate() if thread.name == "stuck-call"]
    assert stuck
    assert all(thread.daemon for thread in stuck)  # cannot hold interpreter exit
    release.set()


def test_a_late_result_is_handed_to_on_late_and_never_lost() -> None:
    release = threading.Event()
    undone: list[str] = []
    outcome = call_bounded(
        lambda: release.wait(5) and "engine", 0.1, name="late-call", on_late=undone.append
    )
    assert outcome.timed_out
    release.set()
    deadline = time.monotonic() + 5
    while not undone:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert undone == ["engine"]


def test_a_result_in_time_is_not_undone() -> None:
    undone: list[object] = []
    assert call_bounded(lambda: "ok", 1.0, on_late=undone.append).result() == "ok"
    time.sleep(0.05)
    assert undone == []


def test_contextvars_of_the_caller_are_visible_in_the_call() -> None:
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id")
    request_id.set("req-42")
    assert call_bounded(request_id.get, 1.0).result() == "req-42"


@pytest.mark.anyio
async def test_the_async_form_keeps_the_event_loop_running() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.ensure_future(tick())
    outcome = await call_bounded_async(lambda: time.sleep(0.3) or 7, 2.0)
    ticker.cancel()
    assert outcome.result() == 7
    assert ticks >= 10  # the loop ran while the call blocked a thread


def test_when_no_thread_can_start_the_call_runs_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """At interpreter shutdown (gh-113964) an atexit stop must still run."""

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't create new thread at interpreter shutdown")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    ran_on: list[str] = []

    def record() -> int:
        ran_on.append(threading.current_thread().name)
        return 7

    outcome = call_bounded(record, 1.0, name="at-exit-stop")
    assert outcome.finished
    assert outcome.result() == 7
    assert ran_on == [threading.current_thread().name]
    failing = call_bounded(lambda: 1 / 0, 1.0)
    assert isinstance(failing.error, ZeroDivisionError)
