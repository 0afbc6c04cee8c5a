"""``charge_payment``: charge through a simulated gateway (class style, async).

The gateway is deterministic: the transaction id is derived from the order,
and it times out exactly ``simulate_gateway_failures`` times before it
succeeds, which demonstrates retries and backoff without a network.
"""

from __future__ import annotations

import asyncio
import hashlib

from tasker_core import ErrorType, StepContext, StepHandler, StepHandlerResult


class ChargePaymentHandler(StepHandler):
    """Charge the validated total; gateway timeouts are retryable, declines are not."""

    handler_name = "order_processing.charge_payment"

    async def call(self, context: StepContext) -> StepHandlerResult:
        order = context.get_dependency_result("validate_order") or {}
        failures_wanted = int(context.get_input_or("simulate_gateway_failures", 0))
        timeout_ms = int(context.get_config("gateway_timeout_ms") or 2000)

        await asyncio.sleep(0)  # where a real handler would await the gateway
        if context.retry_count < failures_wanted:
            return self.failure(
                f"payment gateway did not answer within {timeout_ms} ms (simulated)",
                error_type=ErrorType.RETRYABLE_ERROR,
                retryable=True,
                error_code="gateway_timeout",
            )
        amount = float(order.get("total", 0))
        if amount <= 0:
            return self.failure(
                "nothing to charge: the order total is zero",
                error_type=ErrorType.PERMANENT_ERROR,
                retryable=False,
                error_code="zero_amount",
            )
        digest = hashlib.sha256(f"{order.get('order_id')}:{amount}".encode()).hexdigest()
        return self.success(
            {
                "transaction_id": f"TXN-{digest[:12]}",
                "amount": amount,
                "currency": order.get("currency", "USD"),
                "attempts": context.retry_count + 1,
            }
        )
