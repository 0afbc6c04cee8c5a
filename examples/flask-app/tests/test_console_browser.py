"""The console of the Flask example in headless Chromium: ``flask run``, a real order, clicks.

The example app runs as its README says (``flask --app examples/flask-app/flask_orders
run``) on the embedded local runtime with ``TASKER_CONSOLE__ENABLED=true``; an order is
submitted through the app's own ``POST /orders``; the browser opens
``/tasker/console/``, waits for the task to complete, clicks into it and into a step.
Screenshots land in ``build/test-artifacts/console/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.console_walk import ConsoleWalk, assert_rendered_as_text
from tasker_contrib_testsupport.example_servers import flask_example, post_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def order(**changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = json.loads((example.CONTEXTS_DIR / "order.json").read_text("utf-8"))
    context.update(changes)
    return context


def submit(base: str, context: dict[str, Any]) -> str:
    status, accepted = post_json(base, "/orders", context)
    assert status == 202, accepted
    return str(accepted["task_uuid"])


def test_the_console_shows_an_order_running_to_completion(browser: Any, tmp_path: Path) -> None:
    with flask_example(tmp_path) as server:
        base = f"http://127.0.0.1:{server.port}"
        task_uuid = submit(base, order())
        ConsoleWalk(browser, f"{base}/tasker/console/", "flask").run(task_uuid, "ORD-1001")


def test_markup_in_a_step_result_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    items = [{"sku": EVIL, "quantity": 1, "unit_price": 5.0}]
    with flask_example(tmp_path) as server:
        base = f"http://127.0.0.1:{server.port}"
        task_uuid = submit(base, order(order_id="ORD-6006", items=items))
        assert_rendered_as_text(browser, f"{base}/tasker/console/", task_uuid, EVIL)
