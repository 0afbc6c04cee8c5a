"""A Celery app hosting the real engine (``DATABASE_URL`` set by the real-stack host).

The example workflow's handlers run in the worker's prefork child; a
``tasker_event_task`` records every step-completed event it receives through
the broker (``TEST_BROKER_URL``) as a ``test.event_task`` lifecycle line.
"""

from __future__ import annotations

import os
from typing import Any

import tasker_contrib_celery
from celery import Celery
from tasker_contrib_celery import tasker_event_task
from tasker_contrib_core.integration import record_lifecycle

app = Celery("celery_realstack_app")
app.conf.broker_url = os.environ["TEST_BROKER_URL"]
app.conf.broker_connection_retry_on_startup = True
app.conf.worker_hijack_root_logger = False
app.conf.tasker_handler_packages = ["tasker_contrib_example.handlers"]
app.conf.tasker_shutdown_timeout_seconds = 5
tasker_contrib_celery.install(app)


@tasker_event_task("step.execution.completed", app=app, name="realstack.on_step_completed")
def on_step_completed(event: dict[str, Any]) -> None:
    record_lifecycle(
        "test.event_task",
        name=event["name"],
        step_name=event.get("step_name"),
        step_uuid=event.get("step_uuid"),
        task_uuid=event.get("task_uuid"),
        kind=event.get("kind"),
    )
