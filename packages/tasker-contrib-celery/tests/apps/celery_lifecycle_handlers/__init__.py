"""Step handlers of the Celery lifecycle test app."""

from __future__ import annotations

import os
from typing import Any

from tasker_core import StepHandler


class Ping(StepHandler):  # type: ignore[misc]
    handler_name = "celery_lifecycle_handlers.Ping"

    def call(self, context: Any) -> Any:
        return self.success({"pid": os.getpid()})


from celery_lifecycle_tasks import apply_rate, fetch_rate  # noqa: E402
from tasker_contrib_celery import celery_task_step  # noqa: E402

FetchRate = celery_task_step(fetch_rate, "celery_lifecycle_handlers.FetchRate")
ApplyRate = celery_task_step(apply_rate, "celery_lifecycle_handlers.ApplyRate")
