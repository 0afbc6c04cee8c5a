"""The order body a request must carry, checked before any task exists.

It mirrors the workflow's ``input_schema``
(``shared/example-workflow/templates/order_processing.yaml``) for the fields
a caller most often gets wrong; the engine validates the rest.
"""

from __future__ import annotations

import re
from typing import Any

_ORDER_ID = re.compile(r"^ORD-[0-9]+$")


class OrderError(ValueError):
    """The request body is not an order; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def parse_order(body: Any) -> dict[str, Any]:
    """The order as the workflow's task context, or :class:`OrderError`."""
    if not isinstance(body, dict):
        raise OrderError("body", "send the order as a JSON object")
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not _ORDER_ID.match(order_id):
        raise OrderError("order_id", "must look like ORD-1001")
    customer = body.get("customer")
    if not isinstance(customer, dict) or not customer.get("id") or not customer.get("email"):
        raise OrderError("customer", "needs an id and an email")
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise OrderError("items", "needs at least one line item")
    return body


__all__ = ["OrderError", "parse_order"]
