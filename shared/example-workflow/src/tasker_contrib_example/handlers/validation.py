"""``validate_order``: check the order and compute its totals (class style)."""

from __future__ import annotations

from typing import Any

from tasker_core import ErrorType, StepContext, StepHandler, StepHandlerResult


class ValidateOrderHandler(StepHandler):
    """Reject malformed orders permanently; everything downstream trusts its totals."""

    handler_name = "order_processing.validate_order"

    def call(self, context: StepContext) -> StepHandlerResult:
        order_id = context.get_input("order_id")
        customer = context.get_input_or("customer", {})
        items: list[dict[str, Any]] = context.get_input_or("items", [])
        max_items = int(context.get_config("max_items") or 50)

        problems = []
        if not order_id:
            problems.append("order_id is missing")
        if not customer.get("email"):
            problems.append("customer.email is missing")
        if not items:
            problems.append("the order has no items")
        if len(items) > max_items:
            problems.append(f"the order has {len(items)} items; the limit is {max_items}")
        for item in items:
            if int(item.get("quantity", 0)) < 1:
                problems.append(f"item {item.get('sku')} has no quantity")
        if problems:
            return self.failure(
                "; ".join(problems),
                error_type=ErrorType.VALIDATION_ERROR,
                retryable=False,
                error_code="invalid_order",
            )

        subtotal = round(sum(item["quantity"] * item["unit_price"] for item in items), 2)
        return self.success(
            {
                "order_id": order_id,
                "customer_email": customer["email"],
                "item_count": sum(int(item["quantity"]) for item in items),
                "skus": [item["sku"] for item in items],
                "total": subtotal,
                "currency": context.get_input_or("currency", "USD"),
            }
        )
