"""POST /orders runs the example workflow; GET /orders/<id> shows its progress."""

from __future__ import annotations

import json
import time
from typing import Any

import tasker_contrib_example as example


def sample_order() -> dict[str, Any]:
    return dict(json.loads((example.CONTEXTS_DIR / "order.json").read_text(encoding="utf-8")))


def wait_until_done(client: Any, location: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(location)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json
        if body["status"] in ("complete", "error"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def test_an_order_runs_the_whole_workflow(tasker_flask_client: Any) -> None:
    accepted = tasker_flask_client.post("/orders", json=sample_order())
    assert accepted.status_code == 202, accepted.text
    location = accepted.json["location"]
    assert location == f"/orders/{accepted.json['task_uuid']}"
    done = wait_until_done(tasker_flask_client, location)
    assert done["status"] == "complete"
    assert done["order_id"] == "ORD-1001"
    assert done["completion_percentage"] == 100.0
    states = {step["name"]: step["state"] for step in done["steps"]}
    for step in ("validate_order", "reserve_inventory", "charge_payment", "express_shipping"):
        assert states[step] == "complete"
    assert "standard_shipping" not in states  # the decision took the express branch


def test_a_malformed_order_is_refused_before_any_task_exists(tasker_flask_client: Any) -> None:
    response = tasker_flask_client.post("/orders", json={**sample_order(), "order_id": "nope"})
    assert response.status_code == 422
    assert response.json["field"] == "order_id"


def test_unknown_orders_are_404(tasker_flask_client: Any) -> None:
    missing = tasker_flask_client.get("/orders/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_health_and_readiness_are_mounted(tasker_flask_client: Any) -> None:
    assert tasker_flask_client.get("/tasker/health").status_code == 200
    ready = tasker_flask_client.get("/tasker/ready").json
    assert ready["status"] == "ok"
    assert ready["runtime"]["kind"] == "local"
    assert "ecommerce" in ready["runtime"]["namespaces"]
