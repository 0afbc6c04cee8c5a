"""``complete_order``: summarise the order after every notification batch (class style).

A deferred convergence over the batch worker template: it runs once all
created worker instances are done (or after the single placeholder worker
when there was nothing to send) and aggregates their results.
"""

from __future__ import annotations

from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult

BATCHABLE_STEP = "prepare_notifications"
WORKER_PREFIX = "send_notification_batch_"


class CompleteOrderHandler(Batchable, StepHandler):
    """Aggregate notification batches and report the order as completed."""

    handler_name = "order_processing.complete_order"

    def call(self, context: StepContext) -> StepHandlerResult:
        scenario = self.detect_aggregation_scenario(
            context.dependency_results, BATCHABLE_STEP, WORKER_PREFIX
        )
        sent = sum(
            int(result.get("items_succeeded", 0)) for result in scenario.batch_results.values()
        )
        order = context.get_dependency_result("validate_order") or {}
        payment = context.get_dependency_result("charge_payment") or {}
        shipment = (context.get_dependency_result("finalize_shipment") or {}).get("shipment", {})
        return self.success(
            {
                "order_id": order.get("order_id"),
                "status": "completed",
                "total": order.get("total"),
                "transaction_id": payment.get("transaction_id"),
                "shipping_speed": shipment.get("speed"),
                "tracking_number": shipment.get("tracking_number"),
                "notification_batches": scenario.worker_count,
                "notifications_sent": sent,
            }
        )
