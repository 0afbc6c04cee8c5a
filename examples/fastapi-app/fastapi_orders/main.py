"""The example app: two endpoints on top of the two-line Tasker setup.

Run it (from the repository root, on the embedded local runtime)::

    uv run uvicorn fastapi_orders.main:app --app-dir examples/fastapi-app
"""

from __future__ import annotations

from typing import Any

import tasker_contrib_example as example
from fastapi import FastAPI, HTTPException
from tasker_contrib_core.client import TaskNotFoundError, TaskRequest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_fastapi import TaskerClientDep, tasker_lifespan, tasker_router

from fastapi_orders.schemas import OrderAccepted, OrderIn, OrderStatus, StepState
from fastapi_orders.settings import example_settings


def create_app(settings: TaskerSettings | None = None) -> FastAPI:
    """The app; ``settings`` default to :func:`example_settings` (read at start-up)."""
    app = FastAPI(
        title="Orders (tasker-contrib FastAPI example)",
        lifespan=tasker_lifespan(settings if settings is not None else example_settings),
    )
    app.include_router(tasker_router())

    @app.post("/orders", status_code=202, response_model=OrderAccepted)
    async def submit_order(order: OrderIn, tasker: TaskerClientDep) -> OrderAccepted:
        """Start the order-processing workflow for one order."""
        task = await tasker.create_task(
            TaskRequest(
                name=example.TEMPLATE_NAME,
                namespace=example.NAMESPACE,
                version=example.TEMPLATE_VERSION,
                context=order.model_dump(exclude_none=True),
                initiator="fastapi-orders",
                reason=f"order {order.order_id} submitted",
            )
        )
        return OrderAccepted(
            task_uuid=task.task_uuid, status=task.status, location=f"/orders/{task.task_uuid}"
        )

    @app.get("/orders/{task_uuid}", response_model=OrderStatus)
    async def order_status(task_uuid: str, tasker: TaskerClientDep) -> OrderStatus:
        """The workflow's status and each step's state."""
        try:
            task = await tasker.get_task(task_uuid)
            steps = await tasker.list_task_steps(task_uuid)
        except TaskNotFoundError:
            raise HTTPException(status_code=404, detail=f"no order task {task_uuid}") from None
        context: Any = task.context
        return OrderStatus(
            task_uuid=task.task_uuid,
            order_id=context.get("order_id") if isinstance(context, dict) else None,
            status=task.status,
            completion_percentage=task.completion_percentage,
            steps=[
                StepState(name=step.name, state=step.current_state, attempts=step.attempts)
                for step in steps
            ],
        )

    return app


app = create_app()
