"""The example's settings in an app that adds one event sink, as a user would.

``tasker_lifespan(example_settings, sinks=[...])`` with a JSON-lines sink at
``$REALSTACK_EVENT_LOG``, so the real-stack tests can read every event this
uvicorn process's sinks received (the example app's own structlog sink only
logs names and ids).
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi_orders.settings import example_settings
from tasker_contrib_core.events import JsonLinesSink
from tasker_contrib_fastapi import tasker_lifespan, tasker_router

app = FastAPI(
    lifespan=tasker_lifespan(
        example_settings, sinks=[JsonLinesSink(os.environ["REALSTACK_EVENT_LOG"])]
    )
)
app.include_router(tasker_router())
