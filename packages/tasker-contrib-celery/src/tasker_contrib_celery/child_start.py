"""Start the engine in a prefork child without missing the child's start-up deadline.

Celery kills a pool child that has not reported itself up within
``worker_proc_alive_timeout`` (4 s by default) after the fork, and the child
reports only after every ``worker_process_init`` receiver returned. A real
engine bootstrap can take longer than that (a slow database, big handler
packages), so the receiver only launches the start on a daemon thread and
returns at once.

One more hazard: the engine's Rust calls hold the GIL while they run, which
would stop the child's main thread from sending its "I am up" message. So the
start thread first waits (briefly, bounded) until the main thread has entered
the pool's work loop, i.e. has announced itself, and only then starts the
engine.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

#: Function names of billiard's child main loop: once the main thread runs one
#: of them, the child has told its parent it is up.
WORK_LOOP_FUNCTIONS = frozenset({"workloop"})

#: How long the start thread waits for the work loop before starting anyway.
WORK_LOOP_WAIT_SECONDS = 2.0


def main_thread_in(functions: frozenset[str]) -> bool:
    """True when the main thread is currently inside one of ``functions``."""
    main = threading.main_thread()
    if main.ident is None:
        return False
    frame = sys._current_frames().get(main.ident)
    while frame is not None:
        if frame.f_code.co_name in functions:
            return True
        frame = frame.f_back
    return False


def wait_for_work_loop(timeout: float = WORK_LOOP_WAIT_SECONDS, interval: float = 0.02) -> bool:
    """Wait until the child's main thread runs its work loop; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if main_thread_in(WORK_LOOP_FUNCTIONS):
            return True
        time.sleep(interval)
    return False


class BackgroundStart:
    """One start of the engine on a daemon thread, which callers can wait for."""

    def __init__(self, start: Callable[[], object], *, name: str = "tasker-contrib-child-start"):
        self._start = start
        self._done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def launch(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            wait_for_work_loop()
            self._start()
        except BaseException as exc:  # recorded for wait(); logged for operators
            self.error = exc
            logging.getLogger("tasker_contrib.celery").error(
                "Tasker did not start in worker process %d: %s: %s",
                os.getpid(),
                type(exc).__name__,
                exc,
            )
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None) -> bool:
        """Wait for the start to finish; True when it finished (successfully or not)."""
        return self._done.wait(timeout)


__all__ = ["BackgroundStart", "main_thread_in", "wait_for_work_loop"]
