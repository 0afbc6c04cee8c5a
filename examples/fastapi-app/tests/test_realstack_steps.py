"""The example workflow's handlers as real steps inside the FastAPI app under uvicorn.

Two uvicorn processes on the real stack, each serving its own namespace:

* the example app exactly as shipped (``fastapi_orders.main:app``): a step
  injected into its worker runs and its structlog sink logs the step's events;
* the example's settings in an app with one extra sink (``realstack_app``):
  every executed step of an order, a retryable failure and a handler
  exception are replayed there and compared with the local engine's outcome,
  domain event payloads included.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.testing import run_task
from tasker_contrib_core.testing.parity import format_report, replay_run, template_dependencies
from tasker_contrib_testsupport.realstack import Host, RealStack, ready_when_http_ok

pytestmark = [pytest.mark.realstack, pytest.mark.engine]

EXAMPLE_DIR = Path(__file__).resolve().parents[1]
TESTS_DIR = Path(__file__).resolve().parent
TEMPLATE = example.TEMPLATES_DIR / "order_processing.yaml"


def _uvicorn(app: str, app_dir: Path) -> Any:
    def argv(host: Host) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", app, "--app-dir", str(app_dir),
            "--host", "127.0.0.1", "--port", str(host.port), "--log-level", "warning",
        ]  # fmt: skip

    return argv


@pytest.fixture(scope="module")
def example_app(real_stack: RealStack) -> Iterator[Host]:
    host = real_stack.start_host(
        "fastapi_example",
        _uvicorn("fastapi_orders.main:app", EXAMPLE_DIR),
        templates=[example.TEMPLATES_DIR],
        http=True,
        ready=ready_when_http_ok("/tasker/ready"),
    )
    yield host
    real_stack.stop_host(host)


@pytest.fixture(scope="module")
def app_with_sink(real_stack: RealStack) -> Iterator[Host]:
    host = real_stack.start_host(
        "fastapi_sink",
        _uvicorn("realstack_app:app", TESTS_DIR),
        templates=[example.TEMPLATES_DIR],
        http=True,
        ready=ready_when_http_ok("/tasker/ready"),
        env={"PYTHONPATH": os.pathsep.join([str(EXAMPLE_DIR), os.environ.get("PYTHONPATH", "")])},
    )
    yield host
    real_stack.stop_host(host)


def _order(name: str = "order", **changes: Any) -> dict[str, Any]:
    return {**json.loads((example.CONTEXTS_DIR / f"{name}.json").read_text()), **changes}


def _replay(real_stack: RealStack, host: Host, context: dict[str, Any]) -> Any:
    run = run_task(TEMPLATE, context, handler_packages=example.HANDLER_PACKAGES, environment="test")
    return replay_run(real_stack, host, run, "order_processing", template_dependencies(TEMPLATE))


def test_the_shipped_example_app_runs_an_injected_step_and_logs_its_events(
    real_stack: RealStack, example_app: Host
) -> None:
    order = _order()
    validated = real_stack.inject(example_app, "order_processing", "validate_order", context=order)
    assert validated.success, validated.outcome
    assert validated.result["total"] == 114.0
    logged = _logged_event(example_app, "order.validated", validated.step_uuid)
    assert logged is not None, example_app.log()[-3000:]
    assert "tasker_event_kind=domain" in logged


def _logged_event(host: Host, name: str, step_uuid: str, timeout: float = 10.0) -> str | None:
    """The structlog sink's line for event ``name`` of the step, once it was written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in host.log().splitlines():
            if f"] {name} " in line and f"step_uuid={step_uuid}" in line:
                return line
        time.sleep(0.05)
    return None


@pytest.mark.parametrize(
    "context",
    [
        pytest.param(_order(), id="express-order"),
        pytest.param(_order("order_flaky_gateway"), id="retryable-failure"),
        pytest.param(_order(items=[{"sku": "X-1", "quantity": 1}]), id="handler-exception"),
    ],
)
def test_steps_inside_uvicorn_match_the_local_engine(
    real_stack: RealStack, app_with_sink: Host, context: dict[str, Any]
) -> None:
    results = _replay(real_stack, app_with_sink, context)
    assert results, "the local engine executed no step"
    assert not [item for item in results if item.differences], format_report(results)
    by_name = {item.step.name: item for item in results}
    if "choose_shipping" in by_name:
        decision = by_name["choose_shipping"].outcome.result["decision_point_outcome"]
        assert decision["type"] == "create_steps"
        batches = by_name["prepare_notifications"].outcome.result["batch_processing_outcome"]
        assert batches["type"] == "create_batches"
    published = app_with_sink.events(lambda e: e["kind"] == "domain")
    assert published, "no domain event reached the app's sink"
