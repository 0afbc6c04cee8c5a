"""Start Tasker workflows on a schedule with Celery beat.

::

    from celery.schedules import crontab
    from tasker_contrib_celery import tasker_schedule

    app.conf.beat_schedule = {
        "nightly-orders": tasker_schedule(
            "order_processing", "ecommerce", "1.0.0", {"order_id": "nightly"},
            crontab=crontab(hour=2, minute=0),
        ),
    }

Beat sends :func:`submit_tasker_task` through the broker; a worker hosting
Tasker creates the task with the client of its mode (the local engine of that
process, or the orchestration API in worker and submit-only modes).

Each scheduled run carries an idempotency key derived from the Celery message
id (``celery:<namespace>/<name>:<task id>``), which a redelivered or
re-published message keeps: the second delivery is refused by the engine
(409) and reported as a duplicate instead of starting the workflow twice. The
local engine remembers keys per process (its tasks live in memory); across
processes and restarts it is the orchestration service that refuses them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from celery import shared_task

logger = logging.getLogger("tasker_contrib.celery.beat")

#: Name of the Celery task beat entries send.
SUBMIT_TASK_NAME = "tasker_contrib_celery.submit_tasker_task"


@shared_task(bind=True, name=SUBMIT_TASK_NAME, acks_late=True)  # type: ignore[untyped-decorator]
def submit_tasker_task(
    self: Any,
    name: str,
    namespace: str,
    version: str,
    context: Mapping[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    tags: list[str] | None = None,
    priority: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Create one Tasker task; returns ``{"created", "task_uuid", "idempotency_key", ...}``.

    ``idempotency_key``: defaults to one derived from this Celery message's id,
    so a redelivery creates nothing new (``{"created": False, "duplicate":
    True}``). Runs only in a worker with Tasker installed.
    """
    from tasker_contrib_core.client import TaskRequest
    from tasker_contrib_core.errors import OrchestrationHTTPError

    from tasker_contrib_celery.worker import get_tasker

    message_id = getattr(self.request, "id", None)
    key = idempotency_key or (
        f"celery:{namespace}/{name}:{message_id}" if message_id is not None else None
    )
    host = get_tasker(self.app).wait_started()
    request = TaskRequest(
        name=name,
        namespace=namespace,
        version=version,
        context=dict(context or {}),
        initiator="celery beat" if _from_beat(self.request) else "celery",
        source_system="celery",
        reason=reason or f"submitted by Celery task {SUBMIT_TASK_NAME}",
        tags=list(tags or []),
        priority=priority,
        idempotency_key=key,
    )
    try:
        task = host.client.create_task(request)
    except OrchestrationHTTPError as exc:
        if exc.status_code != 409:
            raise
        logger.info("Tasker task %s/%s for key %s exists already: %s", namespace, name, key, exc)
        return {"created": False, "duplicate": True, "idempotency_key": key}
    return {
        "created": True,
        "duplicate": False,
        "task_uuid": task.task_uuid,
        "status": task.status,
        "idempotency_key": key,
    }


def _from_beat(request: Any) -> bool:
    headers = getattr(request, "headers", None) or {}
    return bool(headers.get("celery_beat_task") or getattr(request, "celery_beat_task", False))


def tasker_schedule(
    name: str,
    namespace: str,
    version: str,
    context: Mapping[str, Any] | None = None,
    *,
    crontab: Any = None,
    schedule: Any = None,
    tags: list[str] | None = None,
    priority: int | None = None,
    reason: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``app.conf.beat_schedule`` entry that creates a Tasker task on a schedule.

    Give exactly one of ``crontab`` (a ``celery.schedules.crontab``) or
    ``schedule`` (seconds, a ``timedelta`` or any Celery schedule).
    ``options``: Celery send options of the beat message (``queue``,
    ``expires``...). The rest is the task to create.
    """
    for label, value in (("name", name), ("namespace", namespace), ("version", version)):
        if not isinstance(value, str) or not value:
            raise ValueError(
                f"tasker_schedule(): {label} must be the non-empty template {label}, got {value!r}"
            )
    if (crontab is None) == (schedule is None):
        raise ValueError(
            f"tasker_schedule({name!r}): give exactly one of crontab=crontab(...) or "
            "schedule=<seconds | timedelta | schedule>"
        )
    when = crontab if crontab is not None else schedule
    if isinstance(when, (int, float)) and not isinstance(when, bool):
        when = timedelta(seconds=when)
    if context is not None and not isinstance(context, Mapping):
        raise TypeError(
            f"tasker_schedule({name!r}): context must be a mapping (the task input), got "
            f"{type(context).__name__}"
        )
    kwargs: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "version": version,
        "context": dict(context or {}),
    }
    extras: dict[str, Any] = {"tags": tags, "priority": priority, "reason": reason}
    kwargs.update({key: value for key, value in extras.items() if value is not None})
    entry: dict[str, Any] = {"task": SUBMIT_TASK_NAME, "schedule": when, "kwargs": kwargs}
    if options:
        entry["options"] = dict(options)
    return entry


__all__ = ["SUBMIT_TASK_NAME", "submit_tasker_task", "tasker_schedule"]
