"""Tasker events as Celery tasks: durable, retried and routed by Celery's own rules.

::

    @tasker_event_task("order.*", "step.execution.failed", queue="events")
    def on_order_event(event: dict) -> None:
        ...   # runs wherever a worker consumes the "events" queue

registers a Celery task (``shared_task`` or ``app.task`` with your options:
``queue``, ``autoretry_for``, ``acks_late``...) and a route: every event the
engine of a worker process reports whose name matches one of the fnmatch
patterns is sent to that task through the broker, as the JSON-safe dict of
``TaskerEvent.to_dict()`` (``name, id, timestamp, task_uuid, step_uuid,
step_name, namespace, kind, payload, metadata``).

Sending never stalls the engine: events reach :class:`CeleryTaskSink` through
the event dispatcher's bounded queue (``event_bridge.queue_size``, 1000
unless configured; its ``overflow`` policy decides what a full queue drops),
and each publish retries a broken broker connection only briefly
(:data:`SEND_RETRY_POLICY`).
"""

from __future__ import annotations

import fnmatch
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent

logger = logging.getLogger("tasker_contrib.celery.events")

F = TypeVar("F", bound=Callable[..., Any])

#: kombu retry policy of one event publish: at most ~1.5 s on a broken connection.
SEND_RETRY_POLICY: dict[str, float] = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.25,
    "interval_max": 0.5,
}


@dataclass(frozen=True)
class EventRoute:
    """Events matching ``patterns`` (and none of ``exclude``) go to Celery task ``task_name``."""

    task_name: str
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    app: Any = None

    def matches(self, name: str) -> bool:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.exclude):
            return False
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.patterns)


_routes: list[EventRoute] = []
_routes_lock = threading.Lock()


def event_routes() -> tuple[EventRoute, ...]:
    """Every registered event route (in registration order)."""
    return tuple(_routes)


def tasker_event_task(
    *patterns: str,
    exclude: Iterable[str] = (),
    app: Any = None,
    **task_options: Any,
) -> Callable[[F], Any]:
    """Register a Celery task that receives the Tasker events matching ``patterns``.

    ``patterns``: fnmatch patterns of event names (``"order.*"``,
    ``"step.execution.completed"``); ``exclude``: patterns to leave out.
    ``app``: the Celery app to register on (default: ``shared_task``, every
    app). ``task_options``: any Celery task option (``name``, ``queue``,
    ``bind``, ``autoretry_for``, ``acks_late``...). Returns the Celery task.
    """
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise ValueError(
            "tasker_event_task() needs at least one event name pattern, e.g. "
            '@tasker_event_task("order.*")'
        )
    excluded = tuple(exclude)

    def decorator(fn: F) -> Any:
        from celery import shared_task

        options = dict(task_options)
        name = options.pop("name", None) or f"{fn.__module__}.{fn.__qualname__}"
        register = app.task if app is not None else shared_task
        task = register(name=name, **options)(fn)
        route = EventRoute(task_name=name, patterns=tuple(patterns), exclude=excluded, app=app)
        with _routes_lock:
            _routes[:] = [r for r in _routes if r.task_name != name or r.app is not app]
            _routes.append(route)
        return task

    return decorator


class CeleryTaskSink:
    """Event sink publishing matching events to their Celery tasks through the broker."""

    name = "celery-tasks"

    def __init__(self, app: Any, *, retry_policy: dict[str, float] | None = None) -> None:
        self.app = app
        self.retry_policy = dict(SEND_RETRY_POLICY if retry_policy is None else retry_policy)
        self.sent = 0

    def routes_for(self, name: str) -> list[EventRoute]:
        return [
            route
            for route in _routes
            if (route.app is None or route.app is self.app) and route.matches(name)
        ]

    def publish(self, event: TaskerEvent) -> None:
        routes = self.routes_for(event.name)
        if not routes:
            return
        body = event.to_dict()
        failure: BaseException | None = None
        for route in routes:
            try:
                self._send(route.task_name, body)
                self.sent += 1
            except Exception as exc:  # one route's broker trouble must not hide the others
                logger.warning(
                    "sending Tasker event %s (task %s) to Celery task %s failed: %s",
                    event.name,
                    event.task_uuid,
                    route.task_name,
                    exc,
                )
                failure = exc
        if failure is not None:
            raise failure

    def _send(self, task_name: str, body: dict[str, Any]) -> None:
        options = {"retry": True, "retry_policy": self.retry_policy}
        task = self.app.tasks.get(task_name)
        if task is not None:
            task.apply_async(args=(body,), **options)
        else:
            self.app.send_task(task_name, args=(body,), **options)


__all__ = [
    "SEND_RETRY_POLICY",
    "CeleryTaskSink",
    "EventRoute",
    "event_routes",
    "tasker_event_task",
]
