"""The Celery app: Tasker installed in two lines, a completion handler, a beat entry.

* ``celery -A celery_orders.app worker`` runs the order workflow's real
  handlers inside the worker processes (the embedded local runtime by
  default; the real engine once ``DATABASE_URL`` is set);
* ``order_completed`` is a Celery task that receives every
  ``task.execution.completed`` event through the broker;
* beat (``-B`` or ``celery -A celery_orders.app beat``) submits one order
  every ``ORDER_EVERY_SECONDS`` (default 10) through ``submit_tasker_task``.

Broker: ``CELERY_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import tasker_contrib_celery
import tasker_contrib_example as example
from celery import Celery
from celery.utils.log import get_task_logger
from tasker_contrib_celery import tasker_event_task, tasker_schedule

logger = get_task_logger(__name__)

app = Celery("celery_orders")
app.conf.broker_url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
app.conf.broker_connection_retry_on_startup = True

# Tasker settings live in app.conf under tasker_* (environment variables still win).
app.conf.tasker_handler_packages = list(example.HANDLER_PACKAGES)
app.conf.tasker_template_paths = [str(example.TEMPLATES_DIR)]
app.conf.tasker_shutdown_timeout_seconds = 10

tasker_contrib_celery.install(app)

ORDER = json.loads((example.CONTEXTS_DIR / "order.json").read_text())

app.conf.beat_schedule = {
    "submit-order": tasker_schedule(
        example.TEMPLATE_NAME,
        example.NAMESPACE,
        example.TEMPLATE_VERSION,
        ORDER,
        schedule=float(os.environ.get("ORDER_EVERY_SECONDS", "10")),
    ),
}


@tasker_event_task("task.execution.completed", app=app, name="celery_orders.order_completed")
def order_completed(event: dict[str, Any]) -> None:
    """Runs in any worker consuming the default queue, once per finished workflow."""
    logger.info("order workflow complete: task %s (%s)", event["task_uuid"], event["namespace"])
