"""Real steps through the real worker inside ``flask tasker worker`` and a gunicorn-hosted app.

A step of the shared example workflow is injected (``shared/realstack``) into
each host; its handler runs in that process, and ``step_execution_completed``
plus the step's domain event ``order.validated`` reach the app's blinker
receivers there, with the app as sender and its app context pushed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.example_tasks import order_context
from tasker_contrib_testsupport.realstack import Host, RealStack, ready_when_http_ok

pytestmark = [pytest.mark.realstack, pytest.mark.engine, pytest.mark.slow]

APPS = Path(__file__).resolve().parent / "apps"


def _env() -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join([str(APPS), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def flask_worker(real_stack: RealStack) -> Iterator[Host]:
    host = real_stack.start_host(
        "flask_worker",
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "realstack_flask_app",
            "tasker",
            "worker",
            "--runtime",
            "worker",
        ],
        templates=[example.TEMPLATES_DIR],
        env=_env(),
    )
    yield host
    real_stack.stop_host(host)


@pytest.fixture(scope="module")
def gunicorn_app(real_stack: RealStack) -> Iterator[Host]:
    def argv(host: Host) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "realstack_flask_app:app", "-w", "1",
            "-c", str(APPS / "gunicorn_conf.py"), "--bind", f"127.0.0.1:{host.port}",
        ]  # fmt: skip

    host = real_stack.start_host(
        "flask_gunicorn",
        argv,
        templates=[example.TEMPLATES_DIR],
        http=True,
        ready=ready_when_http_ok("/tasker/ready"),
        env={**_env(), "TASKER_RUNTIME": "worker"},
    )
    yield host
    real_stack.stop_host(host)


def _order() -> dict[str, Any]:
    return order_context()


@pytest.mark.parametrize("which", ["flask_worker", "gunicorn_app"])
def test_an_injected_step_runs_and_its_events_reach_blinker_receivers(
    which: str, real_stack: RealStack, request: pytest.FixtureRequest
) -> None:
    host: Host = request.getfixturevalue(which)
    out = real_stack.inject(host, "order_processing", "validate_order", context=_order())
    assert out.success, out.outcome
    assert out.result["total"] == 114.0
    completed = host.wait_for_events(
        lambda e: e["receiver"] == "step_execution_completed" and e["step_uuid"] == out.step_uuid
    )
    assert completed, host.log()[-3000:]
    assert completed[0]["name"] == "step.execution.completed"
    assert completed[0]["app"] == "realstack_orders"
    domain = host.wait_for_events(
        lambda e: e["receiver"] == "order.validated" and e["step_uuid"] == out.step_uuid
    )
    assert domain, host.log()[-3000:]
    assert domain[0]["kind"] == "domain"
    assert domain[0]["pid"] == completed[0]["pid"]
