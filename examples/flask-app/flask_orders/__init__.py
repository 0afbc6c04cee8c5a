"""Example Flask app: submit the shared order-processing workflow and watch it run.

``create_app()`` is the app factory (``flask --app flask_orders run``); the
Tasker part is ``tasker.init_app(app)`` plus the blueprint. Nothing here
depends on which runtime runs the workflow: that is configuration (README.md).
"""

from __future__ import annotations

from typing import Any

import tasker_contrib_example as example
from flask import Flask, abort, jsonify, request
from tasker_contrib_core.client import TaskNotFoundError, TaskRequest
from tasker_contrib_flask import Tasker, tasker_blueprint, tasker_client

from flask_orders.orders import OrderError, parse_order

tasker = Tasker()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app; ``config`` updates ``app.config`` (the tests use it)."""
    app = Flask(__name__)
    # Only what this app knows: where its workflow lives. The rest comes from
    # TASKER_* / DATABASE_URL variables and config/tasker/, which win over code.
    app.config["TASKER"] = {
        "handler_packages": list(example.HANDLER_PACKAGES),
        "template_paths": [str(example.TEMPLATES_DIR)],
    }
    # `flask run` has no server hook: start on the first request (once per process).
    app.config["TASKER_START_ON_FIRST_REQUEST"] = True
    app.config.from_prefixed_env()
    app.config.update(config or {})
    tasker.init_app(app)
    app.register_blueprint(tasker_blueprint())

    @app.post("/orders")
    def submit_order() -> Any:
        """Start the order-processing workflow for one order."""
        try:
            order = parse_order(request.get_json(silent=True))
        except OrderError as exc:
            return jsonify(error=str(exc), field=exc.field), 422
        task = tasker_client().create_task(
            TaskRequest(
                name=example.TEMPLATE_NAME,
                namespace=example.NAMESPACE,
                version=example.TEMPLATE_VERSION,
                context=order,
                initiator="flask-orders",
                reason=f"order {order['order_id']} submitted",
            )
        )
        location = f"/orders/{task.task_uuid}"
        return jsonify(task_uuid=task.task_uuid, status=task.status, location=location), 202

    @app.get("/orders/<task_uuid>")
    def order_status(task_uuid: str) -> Any:
        """The workflow's status and each step's state."""
        client = tasker_client()
        try:
            task = client.get_task(task_uuid)
            steps = client.list_task_steps(task_uuid)
        except TaskNotFoundError:
            abort(404, description=f"no order task {task_uuid}")
        context: Any = task.context
        return jsonify(
            task_uuid=task.task_uuid,
            order_id=context.get("order_id") if isinstance(context, dict) else None,
            status=task.status,
            completion_percentage=task.completion_percentage,
            steps=[
                {"name": step.name, "state": step.current_state, "attempts": step.attempts}
                for step in steps
            ],
        )

    return app


__all__ = ["create_app", "tasker"]
