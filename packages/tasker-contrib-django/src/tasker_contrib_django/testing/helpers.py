"""The Django test helpers of :mod:`tasker_contrib_django.testing`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tasker_contrib_django import conf

if TYPE_CHECKING:
    from django.dispatch import Signal
    from tasker_contrib_core.client import TaskResponse
    from tasker_contrib_core.events import TaskerEvent
    from tasker_contrib_core.integration import TaskerHost


def override_tasker(**values: Any) -> Any:
    """``override_settings(TASKER=...)``: the project's ``TASKER`` plus ``values``,
    on the local runtime unless ``runtime`` is given. Use as decorator or ``with``."""
    from django.conf import settings
    from django.test import override_settings

    current = getattr(settings, conf.SETTINGS_NAME, None) or {}
    if not isinstance(current, Mapping):
        raise TypeError(f"settings.{conf.SETTINGS_NAME} must be a dict to be overridden")
    merged = {**current, "runtime": "local", **values}
    return override_settings(**{conf.SETTINGS_NAME: merged})


def wait_for_task(
    host: TaskerHost, task_uuid: str, *, timeout: float = 10.0, poll: float = 0.01
) -> TaskResponse:
    """Poll the host's client until the task reaches a terminal status; fails on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        task = host.client.get_task(task_uuid)
        if task.status in ("complete", "error", "cancelled", "resolved_manually"):
            return task
        if time.monotonic() > deadline:
            raise AssertionError(
                f"task {task_uuid} still {task.status!r} after {timeout:g}s "
                "(is a step waiting for a retry? use a fake clock or a shorter backoff)"
            )
        time.sleep(poll)


class SignalRecorder:
    """Records what Tasker signals carried: ``with SignalRecorder() as events:``."""

    def __init__(self, signal: Signal | None = None) -> None:
        from tasker_contrib_django.signals import tasker_event

        self.signal = signal if signal is not None else tasker_event
        self.events: list[TaskerEvent] = []
        self._uid = f"tasker_contrib_django.testing.SignalRecorder.{id(self)}"

    def _receive(self, sender: Any, event: TaskerEvent, **kwargs: Any) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [event.name for event in self.events]

    def __enter__(self) -> list[TaskerEvent]:
        self.signal.connect(self._receive, weak=False, dispatch_uid=self._uid)
        return self.events

    def __exit__(self, *exc_info: object) -> None:
        self.signal.disconnect(dispatch_uid=self._uid)


class TaskerTestCaseMixin:
    """For ``TestCase`` / ``TransactionTestCase``: a started local engine per test.

    ``tasker_settings``: extra ``TASKER`` values for the class (the local
    runtime unless it says otherwise). In each test ``self.tasker`` is the
    started host, ``self.tasker_events`` the events received so far. Note that
    ``TestCase`` wraps each test in a transaction that is never committed:
    ``enqueue_on_commit`` submits there only inside
    ``self.captureOnCommitCallbacks(execute=True)``; the engine's threads use
    their own database connections, so handlers that read rows the test
    wrote need ``TransactionTestCase``.
    """

    tasker_settings: Mapping[str, Any] = {}

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        override = override_tasker(**dict(self.tasker_settings))
        override.enable()
        self.addCleanup(override.disable)  # type: ignore[attr-defined]
        self._tasker_recorder = SignalRecorder()
        self.tasker_events = self._tasker_recorder.__enter__()
        self.addCleanup(self._tasker_recorder.__exit__)  # type: ignore[attr-defined]
        conf.reset()
        self.tasker = conf.get_host()
        self.tasker.start()
        self.addCleanup(conf.reset)  # type: ignore[attr-defined]

    def wait_for_task(self, task_uuid: str, timeout: float = 10.0) -> TaskResponse:
        return wait_for_task(self.tasker, task_uuid, timeout=timeout)


__all__ = ["SignalRecorder", "TaskerTestCaseMixin", "override_tasker", "wait_for_task"]
