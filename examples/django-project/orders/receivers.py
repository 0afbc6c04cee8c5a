"""Receivers: the order's row follows its workflow (ORM on the engine's thread).

``tasker_contrib_django`` closes the thread's old database connections around
each dispatch, so receivers use the ORM as a view would.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from tasker_contrib_django.signals import task_execution_completed, task_execution_failed

logger = logging.getLogger("orders")


@receiver(task_execution_completed, dispatch_uid="orders.receivers.mark_complete")
def mark_complete(sender: Any, event: Any, **kwargs: Any) -> None:
    from orders.models import Order

    updated = Order.objects.filter(task_uuid=event.task_uuid).update(status="complete")
    logger.info("order task %s complete (%d row)", event.task_uuid, updated)


@receiver(task_execution_failed, dispatch_uid="orders.receivers.mark_failed")
def mark_failed(sender: Any, event: Any, **kwargs: Any) -> None:
    from orders.models import Order

    Order.objects.filter(task_uuid=event.task_uuid).update(status="failed")
