"""The shipped example app on the real stack, by configuration only.

gunicorn serves ``flask_orders:create_app()`` with the package's hooks and
``DATABASE_URL`` from ``shared/realstack``: the real worker runs in the
gunicorn worker, ``/tasker/ready`` says so, and a step of the order workflow
injected into it runs the example's handler there.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.realstack import Host, RealStack, ready_when_http_ok

pytestmark = [pytest.mark.realstack, pytest.mark.engine, pytest.mark.slow]

EXAMPLE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example_app(real_stack: RealStack) -> Iterator[Host]:
    def argv(host: Host) -> list[str]:
        return [
            *(sys.executable, "-m", "gunicorn", "flask_orders:create_app()"),
            *("--chdir", str(EXAMPLE_DIR), "-w", "1", "--bind", f"127.0.0.1:{host.port}"),
            *("-c", "python:tasker_contrib_flask.gunicorn"),
        ]

    host = real_stack.start_host(
        "flask_example",
        argv,
        templates=[example.TEMPLATES_DIR],
        http=True,
        ready=ready_when_http_ok("/tasker/ready"),
        env={"PYTHONPATH": os.pathsep.join([str(EXAMPLE_DIR), os.environ.get("PYTHONPATH", "")])},
    )
    yield host
    real_stack.stop_host(host)


def test_the_example_runs_a_real_step_in_its_gunicorn_worker(
    real_stack: RealStack, example_app: Host
) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{example_app.port}/tasker/ready") as answer:
        ready = json.loads(answer.read())
    assert ready["runtime"]["kind"] == "worker", ready
    order = json.loads((example.CONTEXTS_DIR / "order.json").read_text(encoding="utf-8"))
    validated = real_stack.inject(example_app, "order_processing", "validate_order", context=order)
    assert validated.success, validated.outcome
    assert validated.result["total"] == 114.0
