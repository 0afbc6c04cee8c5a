"""Step handlers of the Celery lifecycle test app."""

from __future__ import annotations

import os
from typing import Any

from tasker_core import StepHandler


class Ping(StepHandler):  # type: ignore[misc]
    handler_name = "celery_lifecycle_handlers.Ping"

    def call(self, context: Any) -> Any:
        return self.success({"pid": os.getpid()})
