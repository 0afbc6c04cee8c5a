"""Real ``celery worker`` processes on a real Redis broker: where the engine starts and stops.

Scenarios 14 and 15 of the lifecycle reference, warm shutdown, and the
processes that import the app but must host nothing (``celery beat``,
``celery inspect ping``). Every process logs ``{event, pid, ppid}`` lines.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def starts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["event"] == "runtime.started"]


def test_prefork_starts_in_each_child_never_in_main_and_sigterm_stops_all(
    celery_proc: Callable[..., Any], helpers: Any
) -> None:
    with celery_proc(helpers.worker_args("prefork", 2)) as worker:
        entries = worker.wait_for(lambda es: len(starts(es)) >= 2, timeout=60, what="2 starts")
        main = helpers.events(entries, "celery.worker_init")[0]["pid"]
        assert main == worker.pid
        started = starts(entries)
        assert len({e["pid"] for e in started}) == 2
        assert all(e["ppid"] == main and e["pid"] != main for e in started)
        sent = worker.send(signal.SIGTERM)
        code = worker.wait_exit(timeout=30)
        took = time.monotonic() - sent
    entries = worker.entries()
    stopped = helpers.events(entries, "runtime.stopped")
    assert {e["pid"] for e in stopped} == {e["pid"] for e in started}, worker.describe()
    assert all(e["clean"] for e in stopped)
    # every stop within its bound (shutdown_timeout_seconds=5 + the host's grace)
    assert all(e["seconds"] <= 7.0 for e in stopped)
    assert code == 0, worker.describe()
    assert took < 30
    assert not [e for e in entries if e["event"] == "runtime.starting" and e["pid"] == main]


def test_threads_pool_starts_once_in_the_main_process(
    celery_proc: Callable[..., Any], helpers: Any
) -> None:
    with celery_proc(helpers.worker_args("threads", 4)) as worker:
        worker.wait_for(lambda es: len(starts(es)) >= 1, timeout=60, what="a start")
        worker.wait_for(lambda es: "ready." in worker.output(), timeout=30, what="worker ready")
        time.sleep(0.5)
        worker.send(signal.SIGTERM)
        assert worker.wait_exit(timeout=30) == 0, worker.describe()
    entries = worker.entries()
    assert [e["pid"] for e in starts(entries)] == [worker.pid]
    assert [e["pid"] for e in helpers.events(entries, "runtime.stopped")] == [worker.pid]


def test_solo_pool_starts_exactly_once_despite_two_signals(
    celery_proc: Callable[..., Any], helpers: Any
) -> None:
    with celery_proc(helpers.worker_args("solo")) as worker:
        worker.wait_for(lambda es: len(starts(es)) >= 1, timeout=60, what="a start")
        worker.wait_for(lambda es: "ready." in worker.output(), timeout=30, what="worker ready")
        worker.send(signal.SIGTERM)
        assert worker.wait_exit(timeout=30) == 0, worker.describe()
    entries = worker.entries()
    assert [e["pid"] for e in helpers.events(entries, "celery.worker_init")] == [worker.pid]
    process_init = helpers.events(entries, "celery.worker_process_init")
    # Celery >= 5.4 sends worker_process_init in the solo main process as well
    assert all(e["pid"] == worker.pid and e["in_main"] for e in process_init)
    assert [e["pid"] for e in starts(entries)] == [worker.pid]
    assert len(helpers.events(entries, "runtime.starting")) == 1
    assert [e["pid"] for e in helpers.events(entries, "runtime.stopped")] == [worker.pid]


def test_bootstep_wiring_runs_the_threads_pool_engine(
    celery_proc: Callable[..., Any], helpers: Any
) -> None:
    with celery_proc(helpers.worker_args("threads", 2), TASKER_TEST_BOOTSTEP="1") as worker:
        worker.wait_for(lambda es: len(starts(es)) >= 1, timeout=60, what="a start")
        worker.wait_for(lambda es: "ready." in worker.output(), timeout=30, what="worker ready")
        worker.send(signal.SIGTERM)
        assert worker.wait_exit(timeout=30) == 0, worker.describe()
    entries = worker.entries()
    assert [e["pid"] for e in starts(entries)] == [worker.pid]
    assert [e["pid"] for e in helpers.events(entries, "runtime.stopped")] == [worker.pid]


def test_slow_bootstrap_does_not_get_a_prefork_child_killed(
    celery_proc: Callable[..., Any], helpers: Any
) -> None:
    args = helpers.worker_args("prefork", 1)
    with celery_proc(args, SLOW_START_SECONDS="6") as worker:
        entries = worker.wait_for(lambda es: len(starts(es)) >= 1, timeout=60, what="a slow start")
        child = starts(entries)[0]
        assert child["seconds"] >= 6.0
        time.sleep(1.0)
        output = worker.output()
        assert "Timed out waiting for UP message" not in output
        assert "exited with" not in output, worker.describe()
        # the child that started is the one that was forked first: not replaced
        inits = helpers.events(worker.entries(), "celery.worker_process_init")
        assert [e["pid"] for e in inits] == [child["pid"]]
        worker.send(signal.SIGTERM)
        assert worker.wait_exit(timeout=30) == 0, worker.describe()


def test_beat_and_inspect_ping_start_nothing(
    celery_proc: Callable[..., Any], helpers: Any, tmp_path: Any
) -> None:
    schedule = str(tmp_path / "beat-schedule")
    with celery_proc(["beat", "-l", "info", "-s", schedule], BEAT_EVERY_SECONDS="1") as beat:
        deadline = time.monotonic() + 30
        while "Sending due task ping-often" not in beat.output():
            assert time.monotonic() < deadline, beat.describe()
            assert beat.proc is not None
            assert beat.proc.poll() is None, beat.describe()
            time.sleep(0.1)
        beat.send(signal.SIGTERM)
        beat.wait_exit(timeout=20)
    with celery_proc(["inspect", "ping", "--timeout", "1"]) as inspect:
        inspect.wait_exit(timeout=30)
    entries = beat.entries()
    assert not [e for e in entries if e["event"].startswith(("runtime.", "celery."))], entries
