"""A small bounded thread pool whose threads never hold up interpreter exit.

``concurrent.futures.ThreadPoolExecutor`` joins its (non-daemon) threads at
interpreter shutdown, so a web process whose framework forgot to call
``stop()`` would hang on exit until every queued task had run. The local
runtime's pool must instead behave like the rest of the integration: daemon
threads, a bounded number of them, an explicit bounded ``shutdown``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = object()


class PoolClosedError(RuntimeError):
    """The pool no longer accepts work (it was shut down)."""


class DaemonPool:
    """``max_workers`` daemon threads draining one FIFO queue of callables."""

    def __init__(self, max_workers: int, *, name: str = "tasker-contrib-local") -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self.max_workers = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        self._active = 0
        self._pending = 0

    def submit(self, function: Callable[[], T]) -> Future[T]:
        """Queue ``function``; its outcome lands in the returned future."""
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise PoolClosedError("the pool is shut down")
            self._pending += 1
            self._queue.put((future, function))
            if len(self._threads) < self.max_workers and self._pending > self._idle():
                self._spawn()
        return future

    def _idle(self) -> int:
        return len(self._threads) - self._active

    def _spawn(self) -> None:
        thread = threading.Thread(
            target=self._work, name=f"{self._name}-{len(self._threads) + 1}", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, function = item
            with self._lock:
                self._pending -= 1
                self._active += 1
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(function())
                    except BaseException as exc:
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._active -= 1

    @property
    def pending(self) -> int:
        """Jobs queued and not started yet."""
        return self._pending

    @property
    def active(self) -> int:
        """Jobs running right now."""
        return self._active

    def threads_alive(self) -> bool:
        """True while the pool accepts work and its threads (if any) are alive."""
        with self._lock:
            threads = list(self._threads)
            closed = self._closed
        return not closed and all(thread.is_alive() for thread in threads)

    def shutdown(self, timeout: float) -> bool:
        """Stop accepting work and wait up to ``timeout`` for running jobs to end.

        Jobs still queued are skipped (their futures are cancelled). Returns
        True when every thread finished within the bound.
        """
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                item[0].cancel()
                with self._lock:
                    self._pending -= 1
        for _ in threads:
            self._queue.put(_STOP)
        deadline = time.monotonic() + max(0.0, timeout)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)


__all__ = ["DaemonPool", "PoolClosedError"]
