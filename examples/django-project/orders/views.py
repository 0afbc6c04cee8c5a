"""``POST /orders/`` stores the order and starts its workflow once the row is committed;
``GET /orders/<order_id>/`` shows the order and each step of its task."""

from __future__ import annotations

import json
import re
from typing import Any

import tasker_contrib_example as example
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from tasker_contrib_core.errors import TaskNotFoundError
from tasker_contrib_django import enqueue_on_commit, get_host

from orders.models import Order

ORDER_ID = re.compile(r"^ORD-\d{4,}$")


@csrf_exempt  # a JSON API for the example; use your API's authentication in a real shop
@require_POST
def submit_order(request: HttpRequest) -> JsonResponse:
    try:
        payload: Any = json.loads(request.body)
    except json.JSONDecodeError:
        return JsonResponse({"error": "the body must be JSON"}, status=400)
    order_id = payload.get("order_id") if isinstance(payload, dict) else None
    if not isinstance(order_id, str) or not ORDER_ID.match(order_id):
        return JsonResponse({"error": "order_id must look like ORD-1001"}, status=422)
    if Order.objects.filter(order_id=order_id).exists():
        return JsonResponse({"error": f"order {order_id} exists"}, status=409)

    def remember(task: Any) -> None:
        # The receivers may already have marked a fast task complete: keep their status.
        Order.objects.filter(order_id=order_id).update(task_uuid=task.task_uuid)
        Order.objects.filter(order_id=order_id, status="received").update(status="processing")

    with transaction.atomic():
        Order.objects.create(order_id=order_id, payload=payload)
        # Submitted after COMMIT: the workflow never sees an order that was rolled back.
        enqueue_on_commit(
            name=example.TEMPLATE_NAME,
            namespace=example.NAMESPACE,
            version=example.TEMPLATE_VERSION,
            context=payload,
            initiator="django-shop",
            reason=f"order {order_id} submitted",
            on_submitted=remember,
        )
    return JsonResponse({"order_id": order_id, "location": f"/orders/{order_id}/"}, status=202)


@require_GET
def order_status(request: HttpRequest, order_id: str) -> JsonResponse:
    order = Order.objects.filter(order_id=order_id).first()
    if order is None:
        return JsonResponse({"error": f"no order {order_id}"}, status=404)
    body: dict[str, Any] = {"order_id": order.order_id, "status": order.status, "steps": []}
    if order.task_uuid:
        client = get_host().client
        try:
            task = client.get_task(order.task_uuid)
            steps = client.list_task_steps(order.task_uuid)
        except TaskNotFoundError:
            return JsonResponse(body)
        if task.status in ("complete", "error") and order.status == "processing":
            # The task finished before its uuid was stored: the receiver found no row.
            order.status = "complete" if task.status == "complete" else "failed"
            order.save(update_fields=["status"])
            body["status"] = order.status
        body.update(
            task_uuid=task.task_uuid,
            task_status=task.status,
            completion_percentage=task.completion_percentage,
            steps=[{"name": s.name, "state": s.current_state} for s in steps],
        )
    return JsonResponse(body)
