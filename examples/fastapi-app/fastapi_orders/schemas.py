"""What the order endpoints accept and answer.

The order body mirrors the workflow's ``input_schema``
(``shared/example-workflow/templates/order_processing.yaml``): FastAPI
rejects a malformed order with a 422 before a task is ever created.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Customer(BaseModel):
    id: str
    email: str
    name: str | None = None


class LineItem(BaseModel):
    sku: str
    quantity: int = Field(ge=1)
    unit_price: float = Field(ge=0)


class OrderIn(BaseModel):
    order_id: str = Field(pattern=r"^ORD-[0-9]+$")
    customer: Customer
    items: list[LineItem] = Field(min_length=1)
    currency: Literal["USD", "EUR", "GBP"] = "USD"
    shipping_speed: Literal["express", "standard"] | None = None
    notify: list[str] = Field(default_factory=list)
    # Demo only, as in the input_schema: make the simulated systems misbehave.
    simulate_gateway_failures: int | None = Field(None, ge=0, le=5)
    out_of_stock_skus: list[str] | None = None


class OrderAccepted(BaseModel):
    task_uuid: str
    status: str
    location: str


class StepState(BaseModel):
    name: str
    state: str
    attempts: int


class OrderStatus(BaseModel):
    task_uuid: str
    order_id: str | None
    status: str
    completion_percentage: float
    steps: list[StepState]


__all__ = ["Customer", "LineItem", "OrderAccepted", "OrderIn", "OrderStatus", "StepState"]
