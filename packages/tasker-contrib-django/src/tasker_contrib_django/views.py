"""The views of ``tasker_contrib_django.urls``: probes and (optional) task endpoints.

* ``health/``: liveness, 200 or 503 (the runtime that should run in this
  process does not: restart it);
* ``ready/``: readiness, 200 or 503 with ``reasons`` (bounded network checks);
* with ``TASKER_DJANGO = {"TASK_VIEWS": True}``: ``POST tasks/`` creates a
  task from a JSON ``TaskRequest`` body (201), ``GET tasks/<uuid>/`` returns
  it with its workflow steps. Staff only unless ``TASK_VIEWS_ACCESS`` says
  otherwise; 404 when task views are off.

Bodies are the kit's ``HealthReport.to_dict()`` and the client's models, so
every framework package answers the same way.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from tasker_contrib_django import conf
from tasker_contrib_django.access import resolve_access


def _forbidden() -> JsonResponse:
    return JsonResponse({"error": "forbidden"}, status=403)


def _probe_allowed(request: HttpRequest) -> bool:
    return resolve_access(conf.options().health_access, setting="HEALTH_ACCESS")(request)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    if not _probe_allowed(request):
        return _forbidden()
    report = conf.get_host().liveness()
    return JsonResponse(report.to_dict(), status=report.http_status)


@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    if not _probe_allowed(request):
        return _forbidden()
    report = conf.get_host().readiness()
    return JsonResponse(report.to_dict(), status=report.http_status)


def _task_views_gate(request: HttpRequest) -> JsonResponse | None:
    options = conf.options()
    if not options.task_views:
        return JsonResponse(
            {"error": "task views are off (TASKER_DJANGO['TASK_VIEWS'])"}, status=404
        )
    check = resolve_access(options.task_views_access, setting="TASK_VIEWS_ACCESS")
    return None if check(request) else _forbidden()


def _client_error(error: Exception) -> JsonResponse:
    from tasker_contrib_core.errors import (
        OrchestrationHTTPError,
        OrchestrationUnavailableError,
        TaskNotFoundError,
    )

    status = 502
    if isinstance(error, TaskNotFoundError):
        status = 404
    elif isinstance(error, OrchestrationUnavailableError):
        status = 503
    elif isinstance(error, OrchestrationHTTPError) and 400 <= error.status_code < 500:
        status = error.status_code
    return JsonResponse({"error": str(error)}, status=status)


@require_http_methods(["POST"])
def create_task(request: HttpRequest) -> JsonResponse:
    refused = _task_views_gate(request)
    if refused is not None:
        return refused
    from pydantic import ValidationError
    from tasker_contrib_core.client import TaskRequest
    from tasker_contrib_core.errors import OrchestrationClientError

    try:
        body: Any = json.loads(request.body or b"{}")
        task_request = TaskRequest.model_validate(body)
    except (json.JSONDecodeError, ValidationError) as exc:
        return JsonResponse({"error": f"invalid task request: {exc}"}, status=400)
    try:
        task = conf.get_host().client.create_task(task_request)
    except OrchestrationClientError as exc:
        return _client_error(exc)
    return JsonResponse(task.model_dump(mode="json"), status=201)


@require_GET
def task_detail(request: HttpRequest, task_uuid: str) -> JsonResponse:
    refused = _task_views_gate(request)
    if refused is not None:
        return refused
    from tasker_contrib_core.errors import OrchestrationClientError

    client = conf.get_host().client
    try:
        task = client.get_task(task_uuid)
        steps = client.list_task_steps(task_uuid)
    except OrchestrationClientError as exc:
        return _client_error(exc)
    return JsonResponse(
        {
            "task": task.model_dump(mode="json"),
            "steps": [step.model_dump(mode="json") for step in steps],
        }
    )


__all__ = ["create_task", "health", "ready", "task_detail"]
