"""The example's one command as a user runs it.

Beat submits an order, the worker runs it, an event task sees it complete.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_run_py_completes_one_order_through_a_real_broker(redis_server: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKER_")}
    env.pop("DATABASE_URL", None)
    env["CELERY_BROKER_URL"] = redis_server.new_url()
    env["ORDER_EVERY_SECONDS"] = "1"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "run.py"), "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "order workflow complete: task" in result.stdout
    assert "tasker_contrib_celery.submit_tasker_task" in result.stdout
