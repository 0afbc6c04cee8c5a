"""A real worker step inside a Celery worker; its completion reaches an event task via Redis.

The Celery worker (prefork, one child) hosts the real engine against the
real-stack database; a step of the example workflow is injected into it; the
step-completed event travels from the child's engine through the broker to
the ``tasker_event_task``, which records it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_celery_tests_support import APPS, read_entries, worker_args
from tasker_contrib_testsupport.example_tasks import order_context

pytestmark = [pytest.mark.realstack, pytest.mark.engine, pytest.mark.slow]


def test_event_task_receives_a_real_steps_completion_through_the_broker(
    real_stack: Any, broker_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    host = real_stack.start_host(
        "celery",
        [sys.executable, "-m", "celery", "-A", "celery_realstack_app", *worker_args("prefork", 1)],
        templates=[example.TEMPLATES_DIR],
        env={
            "PYTHONPATH": os.pathsep.join([str(APPS), os.environ.get("PYTHONPATH", "")]),
            "TEST_BROKER_URL": broker_url,
            "TASKER_CONTRIB_LIFECYCLE_LOG": str(log),
        },
        cwd=tmp_path,
        timeout=90,
    )
    try:
        order = order_context()
        out = real_stack.inject(
            host, "order_processing", "validate_order", context=order, timeout=60
        )
        assert out.success, out.outcome
        deadline = time.monotonic() + 30
        received: list[dict[str, Any]] = []
        while not received and time.monotonic() < deadline:
            received = [
                entry
                for entry in read_entries(log)
                if entry["event"] == "test.event_task" and entry.get("step_uuid") == out.step_uuid
            ]
            time.sleep(0.1)
        entries = read_entries(log)
        assert received, host.log()[-4000:] + "\n" + "\n".join(map(json.dumps, entries))
        started = [e for e in entries if e["event"] == "runtime.started"]
        main = next(e for e in entries if e["event"] == "celery.worker_init")["pid"]
        assert [e["kind"] for e in started] == ["worker"]
        assert started[0]["pid"] != main
        assert received[0]["name"] == "step.execution.completed"
        assert received[0]["step_name"] == "validate_order"
    finally:
        real_stack.stop_host(host)
