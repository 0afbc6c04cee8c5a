"""A Flask app with a login and the console's actions granted to its admin.

Served by ``flask run`` in the console's browser test: ``/login`` puts the user
in Flask's session; the blueprint's ``auth`` refuses everyone else with 401;
``console_permissions`` grants the actions to that user only. The example
workflow runs on the local runtime (started on the first request).
"""

from __future__ import annotations

from typing import Any

import tasker_contrib_example as example
from flask import Flask, abort, redirect, session
from tasker_contrib_flask import Tasker, tasker_blueprint

app = Flask(__name__)
app.secret_key = "test-only-not-secret"
app.config["TASKER"] = {
    "handler_packages": list(example.HANDLER_PACKAGES),
    "template_paths": [str(example.TEMPLATES_DIR)],
}
app.config["TASKER_START_ON_FIRST_REQUEST"] = True
Tasker(app)


def require_login() -> None:
    if session.get("user") is None:
        abort(401)


def console_permissions() -> list[str]:
    return ["cancel", "submit"] if session.get("user") == "admin" else []


app.register_blueprint(
    tasker_blueprint(auth=require_login, console_permissions=console_permissions)
)


@app.get("/login")
def login() -> Any:
    session["user"] = "admin"
    return redirect("/tasker/console/")
