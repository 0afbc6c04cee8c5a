"""Run the ``tasker-contrib`` CLI with test-only sabotage, to exercise slow shutdowns.

* ``LAUNCHER_SUBMIT_SLOW=1``: right after a local runtime starts, submit the
  probe project's ``slow_probe`` task, so a step is in flight at shutdown;
* ``LAUNCHER_STUCK_TEARDOWN=SECONDS``: make the worker runtime's teardown wait
  that long first, as a step handler that will not finish would.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def _sabotage() -> None:
    if os.environ.get("LAUNCHER_SUBMIT_SLOW"):
        from tasker_contrib_core.client import TaskRequest
        from tasker_contrib_core.runtime.local import LocalRuntime

        original_start = LocalRuntime.start

        def start(self: LocalRuntime) -> None:
            original_start(self)
            self.client.create_task(
                TaskRequest(name="slow_probe", namespace="runtime_probe", version="1.0.0")
            )

        LocalRuntime.start = start  # type: ignore[method-assign]
    stuck = os.environ.get("LAUNCHER_STUCK_TEARDOWN")
    if stuck:
        from tasker_contrib_core.runtime.worker import WorkerRuntime

        original_teardown = WorkerRuntime._teardown

        def teardown(self: WorkerRuntime, session: Any, timeout: float) -> None:
            time.sleep(float(stuck))
            original_teardown(self, session, timeout)

        WorkerRuntime._teardown = teardown  # type: ignore[method-assign]


if __name__ == "__main__":
    _sabotage()
    from tasker_contrib_core.cli import main

    sys.argv = ["tasker-contrib", *sys.argv[1:]]
    main()
