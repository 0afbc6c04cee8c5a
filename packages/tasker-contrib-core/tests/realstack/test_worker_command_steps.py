"""The example workflow's handlers as real steps inside ``tasker-contrib worker``.

Every step the local engine executes for an order is replayed on the real
tasker-py worker (one injected step at a time, same context, inputs and
dependency results) and both outcomes must be identical: results, failure
classification and published domain events. Shapes the real worker must
carry unchanged (a decision outcome, a batch outcome) and the events the
worker command's sink saw are checked explicitly too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.testing import run_task
from tasker_contrib_core.testing.parity import (
    RETRY_AWARE_EXPLANATION,
    StepParity,
    format_report,
    replay_run,
    template_dependencies,
)
from tasker_contrib_testsupport.realstack import Host, RealStack, worker_command

pytestmark = [pytest.mark.realstack, pytest.mark.engine]

TEMPLATE = example.TEMPLATES_DIR / "order_processing.yaml"


def _order(name: str = "order", **changes: Any) -> dict[str, Any]:
    return {**json.loads((example.CONTEXTS_DIR / f"{name}.json").read_text()), **changes}


def _local_run(context: dict[str, Any]) -> Any:
    return run_task(
        TEMPLATE, context, handler_packages=example.HANDLER_PACKAGES, environment="test"
    )


@pytest.fixture(scope="module")
def worker_host(real_stack: RealStack) -> Iterator[Host]:
    host = real_stack.start_host(
        "worker_cmd",
        lambda h: worker_command(h, example.HANDLER_PACKAGES),
        templates=[example.TEMPLATES_DIR],
    )
    yield host
    real_stack.stop_host(host)


def _replay(real_stack: RealStack, host: Host, context: dict[str, Any]) -> list[StepParity]:
    return replay_run(
        real_stack, host, _local_run(context), "order_processing", template_dependencies(TEMPLATE)
    )


def _assert_parity(results: list[StepParity]) -> None:
    """No unexplained difference (explained ones are named in parity.RETRY_AWARE_*)."""
    assert not [item for item in results if item.differences], format_report(results)


@pytest.mark.parametrize("order", ["order", "order_standard"])
def test_every_step_of_an_order_matches_the_local_engine(
    real_stack: RealStack, worker_host: Host, order: str
) -> None:
    results = _replay(real_stack, worker_host, _order(order))
    assert [item.step.name for item in results][:3] == [
        "validate_order",
        "reserve_inventory",
        "charge_payment",
    ]
    _assert_parity(results)
    assert all(item.outcome.success for item in results), format_report(results)
    by_name = {item.step.name: item.outcome.result for item in results}
    # A decision outcome and a batch outcome come back from the worker unchanged.
    chosen = "express_shipping" if order == "order" else "standard_shipping"
    assert by_name["choose_shipping"]["decision_point_outcome"] == {
        "type": "create_steps",
        "step_names": [chosen],
    }
    batches = by_name["prepare_notifications"]["batch_processing_outcome"]
    assert batches["type"] == "create_batches"
    assert [c["batch_id"] for c in batches["cursor_configs"]] == sorted(
        name.rsplit("_", 1)[1] for name in by_name if name.startswith("send_notification_batch_")
    )


def test_a_retryable_failure_is_classified_like_the_local_engine(
    real_stack: RealStack, worker_host: Host
) -> None:
    results = _replay(real_stack, worker_host, _order("order_flaky_gateway"))
    _assert_parity(results)
    charge = next(item for item in results if item.step.name == "charge_payment")
    assert not charge.outcome.success
    assert charge.outcome.state == "enqueued_as_error_for_orchestration"
    assert charge.real.retryable is True
    assert charge.real.error_type == "retryable_error"
    # Known difference: the local engine publishes payment.retrying, the worker cannot.
    assert [why for _, why in charge.explained] == [RETRY_AWARE_EXPLANATION]


@pytest.mark.parametrize(
    ("changes", "failing", "error_type", "retryable"),
    [
        # A class handler whose code raises (KeyError on a missing price).
        ({"items": [{"sku": "X-1", "quantity": 1}]}, "validate_order", "KeyError", True),
        # A decorator handler raising PermanentError.
        ({"out_of_stock_skus": ["PUNCH-CARDS-100"]}, "reserve_inventory", "permanent_error", False),
        # A failure result with a permanent_failure event (order.rejected).
        ({"items": []}, "validate_order", "validation_error", False),
    ],
)
def test_handler_failures_match_the_local_engine(
    real_stack: RealStack,
    worker_host: Host,
    changes: dict[str, Any],
    failing: str,
    error_type: str,
    retryable: bool,
) -> None:
    results = _replay(real_stack, worker_host, _order(**changes))
    _assert_parity(results)
    failed = next(item for item in results if item.step.name == failing)
    assert (failed.real.success, failed.real.error_type, failed.real.retryable) == (
        False,
        error_type,
        retryable,
    ), format_report(results)


def test_fast_domain_events_and_step_events_reach_the_worker_commands_sink(
    real_stack: RealStack, worker_host: Host
) -> None:
    order = _order()
    validated = real_stack.inject(worker_host, "order_processing", "validate_order", context=order)
    assert validated.success, validated.outcome
    events = worker_host.wait_for_events(
        lambda e: e["step_uuid"] == validated.step_uuid and e["name"] == "order.validated"
    )
    assert len(events) == 1, worker_host.step_events(validated.step_uuid)
    assert events[0]["payload"]["payload"] == validated.result
    assert events[0]["namespace"] == worker_host.namespace
    lifecycle = [
        e["name"]
        for e in worker_host.wait_for_events(
            lambda e: e["step_uuid"] == validated.step_uuid and e["kind"] == "lifecycle", count=2
        )
    ]
    assert lifecycle == ["step.execution.started", "step.execution.completed"]
