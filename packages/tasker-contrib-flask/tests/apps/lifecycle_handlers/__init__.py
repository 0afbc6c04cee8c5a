"""Step handlers of the lifecycle test app."""

from __future__ import annotations

import os
import time
from typing import Any

from tasker_contrib_core.integration import record_lifecycle
from tasker_core import StepHandler


class Linger(StepHandler):  # type: ignore[misc]
    """Sleeps LINGER_SECONDS: a handler that outlives any shutdown bound."""

    handler_name = "lifecycle_handlers.Linger"

    def call(self, context: Any) -> Any:
        record_lifecycle("handler.started", step="linger")
        time.sleep(float(os.environ.get("LINGER_SECONDS", "60")))
        return self.success({"lingered": True})
