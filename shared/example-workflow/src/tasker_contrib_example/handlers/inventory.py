"""``reserve_inventory``: reserve stock in a simulated warehouse (decorator style, async)."""

from __future__ import annotations

import asyncio
from typing import Any

from tasker_core import StepContext
from tasker_core.errors import PermanentError
from tasker_core.step_handler.functional import depends_on, inputs, step_handler


@step_handler("order_processing.reserve_inventory")
@depends_on(order="validate_order")
@inputs("items", "out_of_stock_skus")
async def reserve_inventory(
    order: dict[str, Any],
    items: list[dict[str, Any]],
    out_of_stock_skus: list[str] | None,
    context: StepContext,
) -> dict[str, Any]:
    """Reserve each line; an out-of-stock SKU is a permanent failure (retrying won't help)."""
    await asyncio.sleep(0)  # where a real handler would await the warehouse API
    missing = sorted(set(out_of_stock_skus or []) & {item["sku"] for item in items})
    if missing:
        raise PermanentError(f"out of stock: {', '.join(missing)}")
    return {
        "reservation_id": f"RES-{order['order_id']}",
        "reserved": [{"sku": item["sku"], "quantity": item["quantity"]} for item in items],
        "attempt": context.retry_count + 1,
    }
