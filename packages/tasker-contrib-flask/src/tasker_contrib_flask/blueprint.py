"""``tasker_blueprint()``: health, readiness and (optionally) task routes for your app.

Registered on the app that runs the runtime, the probes answer for the
process the load balancer routes to. The decisions (what "live" and
"ready" mean) are core's :class:`~tasker_contrib_core.integration.RuntimeHealth`,
the same in every framework package; this module maps them to Flask:

* ``GET {url_prefix}/health``: liveness, 200 or 503 (restart me);
* ``GET {url_prefix}/ready``: readiness, 200 or 503 with ``reasons``;
* with ``include_task_routes=True``: ``POST {url_prefix}/tasks`` (a
  ``TaskRequest`` JSON body) creates a task, ``GET {url_prefix}/tasks/<uuid>``
  returns it with its workflow steps.

* ``{url_prefix}/console/``: the Tasker console (``console_views``), always
  routed, 404 until ``console.enabled``; ``console_permissions()`` returns
  the actions (``"cancel"``, ``"submit"``) the current request may take.

``auth`` is called before every route of the blueprint (a ``before_request``
of the blueprint): return ``None`` to let the request through, or a
response (``abort(401)`` works too). ``decorators`` wrap each view (e.g.
``login_required``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request
from tasker_contrib_core.integration import client_error_status

from tasker_contrib_flask.console_views import ConsolePermissions, console_view, register_console
from tasker_contrib_flask.extension import host_of

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from tasker_contrib_core.integration import HealthReport

View = Callable[..., Any]


def tasker_blueprint(
    url_prefix: str = "/tasker",
    *,
    auth: Callable[[], Any] | None = None,
    decorators: Sequence[Callable[[View], View]] = (),
    include_task_routes: bool = False,
    console_permissions: ConsolePermissions | None = None,
    name: str = "tasker",
) -> Blueprint:
    """A ``Blueprint`` to ``app.register_blueprint(...)``; see the module docs for routes."""
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix)
    if auth is not None:
        blueprint.before_request(auth)

    def wrap(view: View) -> View:
        wrapped = view
        for decorator in reversed(decorators):
            wrapped = decorator(wrapped)
        return wrapped

    def route(rule: str, view: View, methods: Sequence[str] = ("GET",)) -> None:
        blueprint.add_url_rule(rule, view.__name__, wrap(view), methods=list(methods))

    route("/health", tasker_health)
    route("/ready", tasker_ready)
    if include_task_routes:
        route("/tasks", tasker_create_task, methods=("POST",))
        route("/tasks/<task_uuid>", tasker_get_task)
    register_console(blueprint, wrap(console_view(console_permissions)))
    return blueprint


def _probe(report: HealthReport) -> ResponseReturnValue:
    return jsonify(report.to_dict()), report.http_status


def tasker_health() -> ResponseReturnValue:
    """Liveness of the Tasker runtime in this process."""
    return _probe(host_of().liveness())


def tasker_ready() -> ResponseReturnValue:
    """Readiness of the Tasker runtime (bounded database / API checks)."""
    return _probe(host_of().readiness())


def tasker_create_task() -> ResponseReturnValue:
    """Create a task from a ``TaskRequest`` JSON body; 201 with the task."""
    from pydantic import ValidationError
    from tasker_contrib_core.client import TaskRequest
    from tasker_contrib_core.errors import OrchestrationClientError

    try:
        task_request = TaskRequest.model_validate(request.get_json(force=True, silent=False))
    except ValidationError as exc:
        return jsonify({"error": "invalid task request", "detail": exc.errors()}), 422
    try:
        task = host_of().client.create_task(task_request)
    except OrchestrationClientError as exc:
        return _client_error(exc)
    return jsonify(task.model_dump(mode="json")), 201


def tasker_get_task(task_uuid: str) -> ResponseReturnValue:
    """A task with its workflow steps."""
    from tasker_contrib_core.errors import OrchestrationClientError

    client = host_of().client
    try:
        task = client.get_task(task_uuid)
        steps = client.list_task_steps(task_uuid)
    except OrchestrationClientError as exc:
        return _client_error(exc)
    return jsonify(
        {
            "task": task.model_dump(mode="json"),
            "steps": [step.model_dump(mode="json") for step in steps],
        }
    )


def _client_error(error: Exception) -> ResponseReturnValue:
    """Unknown task 404, upstream 4xx passed on, unavailable 503, anything else 502."""
    return jsonify({"error": str(error)}), client_error_status(error)


__all__ = [
    "tasker_blueprint",
    "tasker_create_task",
    "tasker_get_task",
    "tasker_health",
    "tasker_ready",
]
