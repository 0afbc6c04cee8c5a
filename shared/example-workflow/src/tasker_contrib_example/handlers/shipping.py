"""Shipping: a decision (class style) and its branches and convergence (decorator style).

``choose_shipping`` creates exactly one of ``express_shipping`` and
``standard_shipping``; ``finalize_shipment`` is a deferred convergence step, so
it waits only for the branch that was created and reads whichever result exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tasker_core import DecisionHandler, StepContext, StepHandlerResult
from tasker_core.step_handler.functional import depends_on, step_handler

EXPRESS = "express"
STANDARD = "standard"
BRANCH_STEPS = {EXPRESS: "express_shipping", STANDARD: "standard_shipping"}


class ChooseShippingHandler(DecisionHandler):
    """Use the customer's ``shipping_speed`` if given, else express above a total."""

    handler_name = "order_processing.choose_shipping"

    def call(self, context: StepContext) -> StepHandlerResult:
        order = context.get_dependency_result("validate_order") or {}
        threshold = float(context.get_config("express_threshold") or 100)
        requested = context.get_input("shipping_speed")
        if requested in BRANCH_STEPS:
            speed, reason = requested, "requested by the customer"
        elif float(order.get("total", 0)) >= threshold:
            speed, reason = EXPRESS, f"order total is at least {threshold:g}"
        else:
            speed, reason = STANDARD, f"order total is below {threshold:g}"
        return self.decision_success(
            [BRANCH_STEPS[speed]], routing_context={"speed": speed, "reason": reason}
        )


def _tracking_number(prefix: str, order_id: str) -> str:
    return f"{prefix}-{hashlib.sha256(order_id.encode()).hexdigest()[:10].upper()}"


@step_handler("order_processing.express_shipping")
@depends_on(order="validate_order", reservation="reserve_inventory")
def express_shipping(order: dict[str, Any], reservation: dict[str, Any]) -> dict[str, Any]:
    """Book a next-day courier for the reserved items."""
    return {
        "speed": EXPRESS,
        "carrier": "QuickCourier",
        "tracking_number": _tracking_number("QC", order["order_id"]),
        "estimated_days": 1,
        "parcels": len(reservation["reserved"]),
    }


@step_handler("order_processing.standard_shipping")
@depends_on(order="validate_order", reservation="reserve_inventory")
def standard_shipping(order: dict[str, Any], reservation: dict[str, Any]) -> dict[str, Any]:
    """Book ground shipping for the reserved items."""
    return {
        "speed": STANDARD,
        "carrier": "GroundPost",
        "tracking_number": _tracking_number("GP", order["order_id"]),
        "estimated_days": 5,
        "parcels": len(reservation["reserved"]),
    }


@step_handler("order_processing.finalize_shipment")
@depends_on(express="express_shipping", standard="standard_shipping")
def finalize_shipment(
    express: dict[str, Any] | None, standard: dict[str, Any] | None
) -> dict[str, Any]:
    """Record the booked shipment; exactly one branch result is present."""
    booking = express or standard
    if booking is None:
        raise ValueError("no shipping branch ran before finalize_shipment")
    return {"shipment": booking, "status": "booked"}
