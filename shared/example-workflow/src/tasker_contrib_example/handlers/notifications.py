"""Notifications: split recipients into batches (class style) and send each batch.

``prepare_notifications`` uses the ``Batchable`` mixin to cut the recipient
list into cursor ranges; the orchestrator then creates one
``send_notification_batch`` instance per range (``send_notification_batch_001``,
``_002``, ...). The worker (decorator style) reads the recipient list from the
batchable step's result and sends its slice.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import batch_worker, depends_on

WORKER_TEMPLATE = "send_notification_batch"


def recipients_for(context: StepContext) -> list[str]:
    """The customer first, then extra ``notify`` addresses, without duplicates."""
    customer = context.get_input_or("customer", {})
    extra: list[str] = context.get_input_or("notify", [])
    return [address for address in dict.fromkeys([customer.get("email"), *extra]) if address]


class PrepareNotificationsHandler(Batchable, StepHandler):
    """Plan one batch per ``batch_size`` recipients (no batches when nobody to notify)."""

    handler_name = "order_processing.prepare_notifications"

    def call(self, context: StepContext) -> StepHandlerResult:
        recipients = recipients_for(context)
        batch_size = int(context.get_config("batch_size") or 2)
        if not recipients:
            return self.no_batches_outcome(reason="nobody to notify")
        outcome = self.create_batch_outcome(
            total_items=len(recipients),
            batch_size=batch_size,
            batch_metadata={"recipients": recipients},
        )
        return self.batch_analyzer_success(outcome, worker_template_name=WORKER_TEMPLATE)


@batch_worker("order_processing.send_notification_batch")
@depends_on(plan="prepare_notifications", shipment="finalize_shipment")
def send_notification_batch(
    plan: dict[str, Any], shipment: dict[str, Any], batch_context: Any
) -> dict[str, Any]:
    """Send the batch's slice of recipients; a placeholder worker sends nothing."""
    recipients: list[str] = (plan.get("batch_metadata") or {}).get("recipients", [])
    if batch_context is None:
        start, end, batch_id = 0, 0, "000"
    else:
        start, end, batch_id = (
            int(batch_context.start_cursor),
            int(batch_context.end_cursor),
            batch_context.batch_id,
        )
    tracking = shipment["shipment"]["tracking_number"]
    sent = [
        {
            "recipient": address,
            "message_id": hashlib.sha256(f"{tracking}:{address}".encode()).hexdigest()[:16],
        }
        for address in recipients[start:end]
    ]
    return {
        "batch_id": batch_id,
        "items_processed": len(sent),
        "items_succeeded": len(sent),
        "items_failed": 0,
        "sent": sent,
    }
