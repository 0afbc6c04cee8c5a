"""Submit a task only once the surrounding transaction commits.

A view that saves an order and submits "process this order" in the same
breath has a race and a lie: the task may start before the row is
committed (and not find it), and a rollback after the submit leaves a task
about an order that never existed. Like Celery's ``delay_on_commit``, these
functions register the submission with ``transaction.on_commit``: it
happens after a successful commit, exactly once, and never after a
rollback. Outside ``atomic()`` (autocommit) it happens at once.

    with transaction.atomic():
        order = Order.objects.create(...)
        enqueue_on_commit(name="order_processing", namespace="ecommerce",
                          version="1.0.0", context={"order_id": order.pk})
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tasker_contrib_django import conf

if TYPE_CHECKING:
    from tasker_contrib_core.client import TaskRequest, TaskResponse

logger = logging.getLogger("tasker_contrib.django")

OnSubmitted = Callable[["TaskResponse"], Any]


def _request(request: TaskRequest | None, fields: dict[str, Any]) -> TaskRequest:
    from tasker_contrib_core.client import TaskRequest

    if request is not None:
        if fields:
            raise TypeError("pass either a TaskRequest or its fields as keywords, not both")
        return request
    return TaskRequest(**fields)


def _on_commit(callback: Callable[[], None], using: str | None, robust: bool) -> None:
    from django.db import transaction

    if robust:
        transaction.on_commit(callback, using=using, robust=True)  # Django >= 5.0
    else:
        transaction.on_commit(callback, using=using)


def enqueue_on_commit(
    request: TaskRequest | None = None,
    /,
    *,
    using: str | None = None,
    robust: bool = False,
    on_submitted: OnSubmitted | None = None,
    **fields: Any,
) -> TaskRequest:
    """Submit ``request`` (or ``TaskRequest(**fields)``) after the transaction on ``using`` commits.

    The request is validated now (a bad field raises here, inside your
    transaction); the submission uses this process's task client (the local
    engine, or the orchestration API in worker / submit-only mode) and then
    calls ``on_submitted(task)``. ``robust=True`` (Django >= 5.0) logs a
    failing submission instead of raising it from the commit. Returns the
    request that will be submitted.
    """
    task_request = _request(request, fields)

    def submit() -> None:
        task = conf.get_host().client.create_task(task_request)
        if on_submitted is not None:
            on_submitted(task)

    _on_commit(submit, using, robust)
    return task_request


async def aenqueue_on_commit(
    request: TaskRequest | None = None,
    /,
    *,
    using: str | None = None,
    on_submitted: OnSubmitted | None = None,
    **fields: Any,
) -> TaskRequest:
    """:func:`enqueue_on_commit` for async code: the submit uses the async client on this loop.

    The ``on_commit`` registration runs through ``sync_to_async`` (the thread
    where your ``sync_to_async`` ORM work and its transactions run). After
    the commit the submission is scheduled on the calling event loop;
    ``on_submitted`` may be a coroutine function. Failures are logged.
    """
    from asgiref.sync import sync_to_async

    task_request = _request(request, fields)
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()

    async def submit() -> None:
        try:
            task = await conf.get_host().async_client.create_task(task_request)
            if on_submitted is not None:
                outcome = on_submitted(task)
                if inspect.isawaitable(outcome):
                    await outcome
        except Exception:
            logger.exception(
                "submitting task %s/%s after commit failed",
                task_request.namespace,
                task_request.name,
            )

    def schedule() -> None:
        def create() -> None:
            job = loop.create_task(submit())
            pending.add(job)
            job.add_done_callback(pending.discard)

        loop.call_soon_threadsafe(create)

    await sync_to_async(_on_commit)(schedule, using, False)
    return task_request


__all__ = ["aenqueue_on_commit", "enqueue_on_commit"]
