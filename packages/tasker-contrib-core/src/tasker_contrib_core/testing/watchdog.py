"""Run a workflow with a time limit, and say where it was stuck when the limit hits.

A handler that blocks (a network call without a timeout, a lock, an
``input()``) would otherwise hang the whole test session. The run goes to a
daemon thread; the caller waits at most ``timeout`` seconds and then raises
:class:`~tasker_contrib_core.testing.errors.TaskRunTimeoutError` naming the
steps still executing and those waiting to retry, which a
:class:`Progress` listener follows from the run's own lifecycle events.

Python cannot stop a thread, so an abandoned run keeps going in the
background until its handler returns; being a daemon it never blocks exit.
The thread runs in a copy of the caller's ``contextvars`` context so
context-local state (request ids, test settings) is visible to handlers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, Any, TypeVar

from tasker_contrib_core._internal.bounded_call import call_bounded
from tasker_contrib_core.events.event import (
    STEP_CHECKPOINT_YIELD,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_STARTED,
)
from tasker_contrib_core.testing.errors import TaskRunTimeoutError

if TYPE_CHECKING:
    from tasker_contrib_core.events.event import TaskerEvent

T = TypeVar("T")


class Progress:
    """A listener that knows which steps are executing and which wait for a retry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, tuple[int, float]] = {}
        self._waiting: dict[str, Any] = {}

    def __call__(self, event: TaskerEvent) -> None:
        step = event.step_name
        if step is None:
            return
        with self._lock:
            if event.name == STEP_STARTED:
                self._waiting.pop(step, None)
                self._running[step] = (int(event.payload.get("attempt", 0)), monotonic())
            elif event.name in (STEP_COMPLETED, STEP_CHECKPOINT_YIELD):
                self._running.pop(step, None)
            elif event.name == STEP_FAILED:
                self._running.pop(step, None)
                if event.payload.get("will_retry"):
                    self._waiting[step] = event.payload.get("retry_in_ms")

    def running(self) -> list[str]:
        """``"name (attempt N, for X.Xs)"`` for every step executing now."""
        now = monotonic()
        with self._lock:
            return [
                f"{name} (attempt {attempt}, for {now - since:.1f}s)"
                for name, (attempt, since) in self._running.items()
            ]

    def waiting(self) -> list[str]:
        """``"name (retry in N ms)"`` for every step waiting out its backoff."""
        with self._lock:
            return [
                f"{name} (retry in {delay} ms)" if delay is not None else name
                for name, delay in self._waiting.items()
            ]


def timeout_message(task: str, timeout: float, running: list[str], waiting: list[str]) -> str:
    """The explanation a stuck test shows."""
    lines = [f"task {task} did not finish within {timeout:g}s"]
    if running:
        lines.append(f"  still running: {', '.join(running)}")
    if waiting:
        lines.append(f"  waiting to retry: {', '.join(waiting)}")
    if not running and not waiting:
        lines.append("  no step was executing (the run was starting or finishing)")
    lines.append(
        "The run's thread was abandoned and may keep running in the background. Look for a "
        "handler that blocks (a network call without a timeout, a lock, input()), or raise "
        "the limit: run_task(timeout=...), @pytest.mark.tasker_run_timeout(seconds), "
        "--tasker-run-timeout or the tasker_run_timeout ini option (0 disables it)."
    )
    return "\n".join(lines)


def run_with_deadline(
    work: Callable[[], T], *, timeout: float | None, task: str, progress: Progress
) -> T:
    """``work()``, on this thread without a limit or on a daemon thread with one.

    An exception raised by ``work`` is re-raised here unchanged, traceback
    included, so ``fail_fast`` still points at the handler's line.
    """
    __tracebackhide__ = True
    if timeout is None:
        return work()
    if timeout <= 0:
        raise ValueError(f"timeout must be positive (or None for no limit), got {timeout}")
    outcome = call_bounded(work, timeout, name=f"tasker-run-{task}")
    if outcome.timed_out:
        running, waiting = progress.running(), progress.waiting()
        raise TaskRunTimeoutError(
            timeout_message(task, timeout, running, waiting),
            task=task,
            timeout=timeout,
            running=running,
            waiting=waiting,
        )
    return outcome.result()


__all__ = ["Progress", "run_with_deadline", "timeout_message"]
