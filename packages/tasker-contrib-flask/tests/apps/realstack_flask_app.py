"""The example workflow in a Flask app whose blinker receivers log what they got.

Run by the real-stack tests as ``flask tasker worker`` and under gunicorn.
The receivers append one JSON line per event to ``$REALSTACK_EVENT_LOG``
(the event plus the app the receiver saw as ``current_app``), so the test
reads exactly what reached blinker in that process.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import tasker_contrib_example as example
from flask import Flask, current_app
from tasker_contrib_flask import Tasker, event_signal, step_execution_completed, tasker_blueprint

_lock = threading.Lock()


def _append(kind: str, event: Any) -> None:
    line = {**event.to_dict(), "receiver": kind, "app": current_app.name, "pid": os.getpid()}
    with _lock, Path(os.environ["REALSTACK_EVENT_LOG"]).open("a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")


def on_step_completed(sender: Flask, event: Any) -> None:
    _append("step_execution_completed", event)


def on_order_validated(sender: Flask, event: Any) -> None:
    _append("order.validated", event)


def create_app() -> Flask:
    app = Flask("realstack_orders")
    app.config["TASKER"] = {"handler_packages": list(example.HANDLER_PACKAGES)}
    Tasker(app)
    app.register_blueprint(tasker_blueprint())
    step_execution_completed.connect(on_step_completed, sender=app)
    event_signal("order.validated").connect(on_order_validated, sender=app)
    return app


app = create_app()
