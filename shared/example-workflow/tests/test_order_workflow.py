"""The whole order workflow on the local engine: branches, retries, failures, events.

Runs use the ``tasker_run`` fixture (through ``run_order`` in conftest.py):
real template, real handlers, a fake clock, a time limit, and every event
recorded by ``tasker_events``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.testing import (
    EventRecorder,
    TaskRun,
    assert_failure,
    assert_success,
    assert_task_completed,
    assert_task_failed,
)
from tasker_contrib_example.handlers.notifications import PrepareNotificationsHandler
from tasker_core import StepContext, StepHandlerResult

RunOrder = Callable[..., TaskRun]
Sample = Callable[..., dict[str, Any]]


def test_an_express_order_runs_end_to_end(
    run_order: RunOrder, sample: Sample, tasker_events: EventRecorder
) -> None:
    run = run_order(sample("order"))
    assert_task_completed(run)
    assert run.not_created == ["standard_shipping"]
    assert_success(
        run.step("complete_order"),
        order_id="ORD-1001",
        status="completed",
        total=114.0,
        shipping_speed="express",
        notification_batches=2,
        notifications_sent=4,
    )
    assert [name for name in run.steps if name.startswith("send_notification_batch_")] == [
        "send_notification_batch_001",
        "send_notification_batch_002",
    ]
    tasker_events.assert_order(
        [
            ("step.execution.completed", "validate_order"),
            "order.validated",
            "payment.charged",
            ("step.execution.completed", "express_shipping"),
            ("step.execution.started", "send_notification_batch_*"),
            "order.completed",
            "task.execution.completed",
        ]
    )
    tasker_events.assert_not_emitted("step.execution.failed")
    completed = tasker_events.assert_emitted("order.completed", times=1)
    assert completed.metadata["delivery_mode"] == "broadcast"


def test_a_small_order_takes_the_standard_branch(run_order: RunOrder, sample: Sample) -> None:
    run = run_order(sample("order_standard"))
    assert_task_completed(run)
    assert run.not_created == ["express_shipping"]
    assert_success(run.step("choose_shipping"), routing_context={"speed": "standard"})
    assert_success(run.step("finalize_shipment"), shipment={"carrier": "GroundPost"})


def test_gateway_timeouts_are_retried_until_the_charge_succeeds(
    run_order: RunOrder, sample: Sample, tasker_events: EventRecorder
) -> None:
    run = run_order(sample("order_flaky_gateway"))
    assert_task_completed(run)
    assert run.attempts("charge_payment") == 3
    assert_success(run.step("charge_payment"), attempts=3)
    # exponential backoff from 500 ms, on the fake clock: no real waiting
    assert run.clock.sleeps == [0.5, 1.0]
    assert tasker_events.names("step.execution.failed", step="charge_payment") == [
        "step.execution.failed",
        "step.execution.failed",
    ]
    tasker_events.assert_emitted("payment.charged", times=1)


def test_an_injected_fault_is_retried_like_a_real_one(run_order: RunOrder, sample: Sample) -> None:
    run = run_order(sample("order"), fail={"reserve_inventory": [1, 2]})
    assert_task_completed(run)
    assert run.attempts("reserve_inventory") == 3
    assert_success(run.step("reserve_inventory"), attempt=3)


def test_the_test_environment_gives_the_gateway_fewer_attempts(
    run_order: RunOrder, sample: Sample
) -> None:
    run = run_order(sample("order_flaky_gateway"), environment="test")
    assert_task_failed(run, step="charge_payment", error_type="retryable_error")
    assert run.attempts("charge_payment") == 2


def test_out_of_stock_fails_the_order_permanently(
    run_order: RunOrder, sample: Sample, tasker_events: EventRecorder
) -> None:
    run = run_order(sample("order", out_of_stock_skus=["PUNCH-CARDS-100"]))
    assert_task_failed(run, step="reserve_inventory", error_type="permanent_error")
    assert run.attempts("reserve_inventory") == 1
    assert_failure(run.step("reserve_inventory"), retryable=False, message_contains="out of stock")
    assert "choose_shipping" not in run.failed_steps
    assert {"finalize_shipment", "complete_order"} <= set(run.not_created)
    tasker_events.assert_not_emitted("order.completed")


def test_an_invalid_order_is_rejected_without_a_retry(
    run_order: RunOrder, sample: Sample, tasker_events: EventRecorder
) -> None:
    run = run_order(sample("order", items=[{"sku": "X", "quantity": 0, "unit_price": 1.0}]))
    assert_task_failed(run, step="validate_order", error_type="validation_error")
    assert_failure(run.step("validate_order"), message_contains="item X has no quantity")
    failed = tasker_events.assert_emitted("step.execution.failed", step="validate_order", times=1)
    assert failed.payload["will_retry"] is False
    assert failed.payload["error"]["error_type"] == "validation_error"
    tasker_events.assert_not_emitted("order.validated")
    tasker_events.assert_order(["step.execution.failed", "task.execution.failed"])


class NotificationsDisabled(PrepareNotificationsHandler):
    """The batchable step finding nothing to do."""

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.no_batches_outcome(reason="notifications disabled")


def test_an_empty_batch_still_completes_the_order(run_order: RunOrder, sample: Sample) -> None:
    run = run_order(sample("order"), handlers={"prepare_notifications": NotificationsDisabled})
    assert_task_completed(run)
    # the orchestrator's single placeholder worker keeps the convergence step reachable
    assert [name for name in run.steps if name.startswith("send_notification_batch_")] == [
        "send_notification_batch_000"
    ]
    assert_success(run.step("send_notification_batch_000"), items_processed=0)
    assert_success(run.step("complete_order"), notifications_sent=0)


@pytest.mark.tasker_run_timeout(None)
def test_runs_work_without_a_time_limit(run_order: RunOrder, sample: Sample) -> None:
    assert run_order(sample("order_standard")).ok
