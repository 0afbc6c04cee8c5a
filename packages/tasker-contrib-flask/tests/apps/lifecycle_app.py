"""The Flask app real servers run in the lifecycle tests.

Configured only through the environment (``TASKER_*``, ``DATABASE_URL``)
and ``app.config.from_prefixed_env()`` (``FLASK_TASKER_START_ON_FIRST_REQUEST``),
like a deployed app. ``create_app`` records ``app.created`` so tests see every
process that built the app (reloader parent, gunicorn master) next to the
ones that started the runtime.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from flask import Flask, jsonify
from tasker_contrib_core.integration import record_lifecycle
from tasker_contrib_flask import Tasker, tasker_blueprint

tasker = Tasker()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.from_prefixed_env()
    tasker.init_app(app)
    app.register_blueprint(tasker_blueprint())
    record_lifecycle("app.created")

    @app.get("/debug/pid")
    def pid() -> Any:
        return jsonify(pid=os.getpid(), sigterm=repr(signal.getsignal(signal.SIGTERM)))

    return app


app = create_app()
