"""Each handler of the order workflow on its own: real contexts, no engine run.

Contexts come from the ``step_context`` fixture with ``template=`` so every
handler sees the ``initialization`` the YAML gives it; results are checked
with the toolkit's assertions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.testing import (
    assert_batches,
    assert_decision,
    assert_failure,
    assert_no_batches,
    assert_success,
    batch_worker_inputs,
    call_handler,
)
from tasker_contrib_example.handlers.completion import CompleteOrderHandler
from tasker_contrib_example.handlers.inventory import reserve_inventory
from tasker_contrib_example.handlers.notifications import (
    PrepareNotificationsHandler,
    send_notification_batch,
)
from tasker_contrib_example.handlers.payment import ChargePaymentHandler
from tasker_contrib_example.handlers.shipping import (
    ChooseShippingHandler,
    express_shipping,
    finalize_shipment,
    standard_shipping,
)
from tasker_contrib_example.handlers.validation import ValidateOrderHandler
from tasker_core import StepContext

ContextFactory = Callable[..., StepContext]

ORDER: dict[str, Any] = {
    "order_id": "ORD-7",
    "customer": {"id": "CUST-1", "email": "ada@example.com"},
    "items": [
        {"sku": "BOOK", "quantity": 2, "unit_price": 20.0},
        {"sku": "PEN", "quantity": 1, "unit_price": 2.5},
    ],
}
VALIDATED: dict[str, Any] = {"order_id": "ORD-7", "total": 42.5, "currency": "USD"}
RESERVED: dict[str, Any] = {
    "reservation_id": "RES-ORD-7",
    "reserved": [{"sku": "BOOK", "quantity": 2}, {"sku": "PEN", "quantity": 1}],
}


@pytest.fixture
def step(step_context: ContextFactory, template: Path) -> ContextFactory:
    """``step("charge_payment", task_fields=..., ...)``: a context for that template step."""

    def build(name: str, **options: Any) -> StepContext:
        return step_context(template=template, step_name=name, **options)

    return build


# -- validate_order (class handler) ------------------------------------------------------


def test_validate_order_computes_the_totals(step: ContextFactory) -> None:
    result = call_handler(ValidateOrderHandler, step("validate_order", task_fields=ORDER))
    assert_success(
        result, order_id="ORD-7", item_count=3, skus=["BOOK", "PEN"], total=42.5, currency="USD"
    )


def test_validate_order_rejects_a_bad_order_permanently(step: ContextFactory) -> None:
    order = {**ORDER, "customer": {"id": "CUST-1"}, "items": []}
    result = call_handler(ValidateOrderHandler, step("validate_order", task_fields=order))
    assert_failure(
        result,
        error_type="validation_error",
        retryable=False,
        error_code="invalid_order",
        message_contains="customer.email is missing; the order has no items",
    )


def test_validate_order_reads_its_item_limit_from_the_config(step: ContextFactory) -> None:
    context = step("validate_order", task_fields=ORDER, step_config={"max_items": 1})
    assert_failure(
        call_handler(ValidateOrderHandler, context),
        message_contains="the order has 2 items; the limit is 1",
    )


# -- reserve_inventory (async decorator handler) -------------------------------------------


def test_reserve_inventory_reserves_every_line(step: ContextFactory) -> None:
    context = step(
        "reserve_inventory",
        task_fields=ORDER,
        dependency_results={"validate_order": VALIDATED},
        attempts=1,
    )
    assert_success(
        call_handler(reserve_inventory, context),
        reservation_id="RES-ORD-7",
        reserved=RESERVED["reserved"],
        attempt=2,
    )


def test_out_of_stock_is_a_permanent_failure(step: ContextFactory) -> None:
    context = step(
        "reserve_inventory",
        task_fields={**ORDER, "out_of_stock_skus": ["PEN", "INK"]},
        dependency_results={"validate_order": VALIDATED},
    )
    assert_failure(
        call_handler(reserve_inventory, context),
        error_type="permanent_error",
        retryable=False,
        message_contains="out of stock: PEN",
    )


# -- charge_payment (async class handler) ----------------------------------------------------


def charge(step: ContextFactory, attempts: int, **fields: Any) -> Any:
    context = step(
        "charge_payment",
        task_fields={**ORDER, **fields},
        dependency_results={"validate_order": VALIDATED},
        attempts=attempts,
    )
    return call_handler(ChargePaymentHandler, context)


def test_charge_payment_succeeds(step: ContextFactory) -> None:
    data = assert_success(charge(step, 0), amount=42.5, currency="USD", attempts=1)
    assert data["transaction_id"].startswith("TXN-")


def test_a_gateway_timeout_is_retried_and_then_succeeds(step: ContextFactory) -> None:
    for attempt in (0, 1):
        assert_failure(
            charge(step, attempt, simulate_gateway_failures=2),
            error_type="retryable_error",
            retryable=True,
            error_code="gateway_timeout",
            message_contains="did not answer within 2000 ms",
        )
    assert_success(charge(step, 2, simulate_gateway_failures=2), attempts=3)


def test_nothing_to_charge_is_permanent(step: ContextFactory) -> None:
    context = step(
        "charge_payment", dependency_results={"validate_order": {**VALIDATED, "total": 0}}
    )
    assert_failure(
        call_handler(ChargePaymentHandler, context),
        error_type="permanent_error",
        retryable=False,
        error_code="zero_amount",
    )


# -- choose_shipping (decision) and its branches -------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "total", "branch", "reason"),
    [
        ({"shipping_speed": "express"}, 10.0, "express_shipping", "requested by the customer"),
        ({"shipping_speed": "standard"}, 500.0, "standard_shipping", "requested by the customer"),
        ({}, 100.0, "express_shipping", "order total is at least 100"),
        ({}, 99.99, "standard_shipping", "order total is below 100"),
    ],
)
def test_choose_shipping_creates_exactly_one_branch(
    step: ContextFactory, fields: dict[str, Any], total: float, branch: str, reason: str
) -> None:
    context = step(
        "choose_shipping",
        task_fields={**ORDER, **fields},
        dependency_results={"validate_order": {**VALIDATED, "total": total}},
    )
    result = call_handler(ChooseShippingHandler, context)
    assert_decision(result, steps=[branch])
    assert_success(result, routing_context={"reason": reason})


@pytest.mark.parametrize(
    ("handler", "speed", "carrier", "prefix"),
    [
        (express_shipping, "express", "QuickCourier", "QC-"),
        (standard_shipping, "standard", "GroundPost", "GP-"),
    ],
)
def test_each_branch_books_its_carrier(
    step: ContextFactory, handler: Any, speed: str, carrier: str, prefix: str
) -> None:
    context = step(
        f"{speed}_shipping",
        dependency_results={"validate_order": VALIDATED, "reserve_inventory": RESERVED},
    )
    data = assert_success(call_handler(handler, context), speed=speed, carrier=carrier, parcels=2)
    assert data["tracking_number"].startswith(prefix)


def test_finalize_shipment_takes_whichever_branch_ran(step: ContextFactory) -> None:
    booking = {"speed": "standard", "tracking_number": "GP-1"}
    context = step("finalize_shipment", dependency_results={"standard_shipping": booking})
    assert_success(call_handler(finalize_shipment, context), shipment=booking, status="booked")


def test_finalize_shipment_without_a_branch_fails(step: ContextFactory) -> None:
    assert_failure(
        call_handler(finalize_shipment, step("finalize_shipment")),
        error_type="handler_error",
        message_contains="no shipping branch ran",
    )


# -- notifications (batchable + batch worker) and completion ----------------------------------


def test_prepare_notifications_splits_recipients_into_batches(step: ContextFactory) -> None:
    context = step(
        "prepare_notifications",
        task_fields={**ORDER, "notify": ["b@example.com", "ada@example.com", "c@example.com"]},
    )
    result = call_handler(PrepareNotificationsHandler, context)
    assert_batches(result, count=2, total_items=3, worker_template="send_notification_batch")
    assert_success(
        result,
        batch_metadata={"recipients": ["ada@example.com", "b@example.com", "c@example.com"]},
    )


def test_nobody_to_notify_is_an_empty_batch(step: ContextFactory) -> None:
    context = step("prepare_notifications", task_fields={"customer": {"id": "CUST-1"}})
    assert_no_batches(call_handler(PrepareNotificationsHandler, context))


PLAN = {"batch_metadata": {"recipients": ["ada@example.com", "b@example.com", "c@example.com"]}}
SHIPMENT = {"shipment": {"tracking_number": "QC-1"}, "status": "booked"}


def test_a_batch_worker_sends_its_slice(step: ContextFactory) -> None:
    context = step(
        "send_notification_batch",
        step_inputs=batch_worker_inputs(2, 3, batch_id="002"),
        dependency_results={"prepare_notifications": PLAN, "finalize_shipment": SHIPMENT},
    )
    data = assert_success(
        call_handler(send_notification_batch, context),
        batch_id="002",
        items_processed=1,
        items_failed=0,
    )
    assert [sent["recipient"] for sent in data["sent"]] == ["c@example.com"]


def test_the_placeholder_worker_of_an_empty_batch_sends_nothing(step: ContextFactory) -> None:
    context = step(
        "send_notification_batch",
        step_inputs=batch_worker_inputs(no_op=True),
        dependency_results={"prepare_notifications": PLAN, "finalize_shipment": SHIPMENT},
    )
    assert_success(
        call_handler(send_notification_batch, context),
        batch_id="000",
        items_processed=0,
        sent=[],
    )


def test_complete_order_adds_up_the_batches(step: ContextFactory) -> None:
    context = step(
        "complete_order",
        dependency_results={
            "validate_order": VALIDATED,
            "charge_payment": {"transaction_id": "TXN-1"},
            "finalize_shipment": {"shipment": {"speed": "express", "tracking_number": "QC-1"}},
            "prepare_notifications": {
                "batch_processing_outcome": {"type": "create_batches"},
                "worker_count": 2,
            },
            "send_notification_batch_001": {"items_succeeded": 2},
            "send_notification_batch_002": {"items_succeeded": 1},
        },
    )
    assert_success(
        call_handler(CompleteOrderHandler, context),
        order_id="ORD-7",
        status="completed",
        transaction_id="TXN-1",
        shipping_speed="express",
        notification_batches=2,
        notifications_sent=3,
    )
