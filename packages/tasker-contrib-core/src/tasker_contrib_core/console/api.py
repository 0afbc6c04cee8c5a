"""The console's JSON endpoints, as plain functions over the task client.

Each takes what it needs (client, redactor, query) and returns a
:class:`ConsoleResponse`; client errors become the console's stable error
codes with short messages, never the exception's text (which may name hosts,
URLs or paths of the server).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from tasker_contrib_core.client.models import (
    StepAuditEntry,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)
from tasker_contrib_core.client.protocol import TaskClient
from tasker_contrib_core.console.dag import StepView, build_dag
from tasker_contrib_core.console.events import ConsoleEvents
from tasker_contrib_core.console.layout import apply_layout
from tasker_contrib_core.console.masking import ValueRedactor
from tasker_contrib_core.console.messages import ConsoleResponse, error_response, json_response
from tasker_contrib_core.console.shapes import dag_dict, step_detail, task_summary
from tasker_contrib_core.console.templates import TemplateLookup
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)
from tasker_contrib_core.states import TaskState
from tasker_contrib_core.templates.dag import parents
from tasker_contrib_core.templates.model import StepType

logger = logging.getLogger("tasker_contrib.console")

DEFAULT_PAGE_SIZE = 25
#: The task client's own bound on one page.
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000
#: Tasks scanned at most for a ``name`` filter (the client filters by namespace/status only).
MAX_NAME_SCAN = 5_000
MAX_EVENTS = 500
#: Steps whose attempt history one task view reads (one client call each: over the
#: orchestration API that is one HTTP request per step, on every poll).
MAX_AUDITED_STEPS = 50
MAX_BODY_BYTES = 1_000_000
_TASK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_TASK_STATES = frozenset(state.value for state in TaskState)


class BadRequest(ValueError):
    """A query or body the console refuses (400 ``bad_request``)."""


def valid_task_id(text: str) -> bool:
    return bool(_TASK_ID.match(text))


def _int_param(query: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{key} must be a whole number, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{key} must be between {low} and {high}, got {value}")
    return value


def _text_param(query: Mapping[str, str], key: str) -> str | None:
    raw = query.get(key, "").strip()
    if not raw:
        return None
    if len(raw) > 255:
        raise BadRequest(f"{key} must be at most 255 characters")
    return raw


def guarded(call: Callable[[], ConsoleResponse]) -> ConsoleResponse:
    """Run an endpoint; map client errors to the console's error codes."""
    try:
        return call()
    except BadRequest as exc:
        return error_response(400, "bad_request", str(exc))
    except TaskNotFoundError:
        return error_response(404, "not_found", "no such task or step")
    except OrchestrationUnavailableError:
        logger.warning("the Tasker console could not reach the task engine", exc_info=True)
        return error_response(503, "upstream_unavailable", "the task engine is not reachable")
    except OrchestrationHTTPError as exc:
        if exc.status_code == 404:
            return error_response(404, "not_found", "no such task or step")
        if 400 <= exc.status_code < 500:
            reason = (exc.server_message or "refused")[:200]
            return error_response(400, "bad_request", f"the task engine refused it: {reason}")
        logger.warning("the task engine failed a console request", exc_info=True)
        return error_response(502, "upstream_error", "the task engine failed the request")
    except OrchestrationClientError:
        logger.warning("the task engine failed a console request", exc_info=True)
        return error_response(502, "upstream_error", "the task engine failed the request")
    except Exception:
        logger.exception("the Tasker console failed a request")
        return error_response(502, "upstream_error", "the console failed; see the server log")


# -- task list -------------------------------------------------------------------------


def list_tasks(client: TaskClient, query: Mapping[str, str]) -> ConsoleResponse:
    """``GET api/tasks?status=&namespace=&name=&limit=&offset=``: newest first."""
    limit = _int_param(query, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    offset = _int_param(query, "offset", 0, 0, MAX_OFFSET)
    status = _text_param(query, "status")
    if status is not None and status not in _TASK_STATES:
        raise BadRequest(f"status must be one of {', '.join(sorted(_TASK_STATES))}")
    namespace = _text_param(query, "namespace")
    name = _text_param(query, "name")
    now = datetime.now(timezone.utc)
    if name is None:
        page = client.list_tasks(limit=limit, offset=offset, namespace=namespace, status=status)
        tasks, total, complete = page.tasks, page.pagination.total_count, True
    else:
        tasks, total, complete = _scan_by_name(
            client, name, namespace=namespace, status=status, limit=limit, offset=offset
        )
    return json_response(
        {
            "tasks": [task_summary(task, now) for task in tasks],
            "pagination": {
                "limit": limit,
                "offset": offset,
                "total": total,
                "total_complete": complete,
                "has_previous": offset > 0,
                "has_next": offset + len(tasks) < total,
            },
            "filters": {"status": status, "namespace": namespace, "name": name},
        }
    )


def _scan_by_name(
    client: TaskClient,
    name: str,
    *,
    namespace: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[TaskResponse], int, bool]:
    """Filter by template name over pages of the client (bounded by ``MAX_NAME_SCAN``)."""
    matched: list[TaskResponse] = []
    scanned = 0
    total_count = 0
    while scanned < MAX_NAME_SCAN:
        page: TaskListResponse = client.list_tasks(
            limit=MAX_PAGE_SIZE, offset=scanned, namespace=namespace, status=status
        )
        total_count = page.pagination.total_count
        matched.extend(task for task in page.tasks if task.name == name)
        scanned += len(page.tasks)
        if not page.tasks or scanned >= total_count:
            break
    complete = scanned >= total_count
    return matched[offset : offset + limit], len(matched), complete


# -- one task --------------------------------------------------------------------------


def task_detail(
    client: TaskClient,
    task_uuid: str,
    *,
    templates: TemplateLookup | None,
    redactor: ValueRedactor,
    poll_interval: float,
) -> ConsoleResponse:
    """``GET api/tasks/<uuid>``: the task, its steps with attempts, and its DAG."""
    task = client.get_task(task_uuid)
    steps = client.list_task_steps(task_uuid)
    template = templates.find(task.namespace, task.name, task.version) if templates else None
    edges_in = parents(template) if template is not None else {}
    batch_workers = (
        [s.name for s in template.steps if s.type is StepType.BATCH_WORKER] if template else []
    )
    results_by_name = {step.name: step.results for step in steps}
    details = []
    audited = 0
    for step in steps:
        template_step = step.name
        if template is not None and step.name not in edges_in:
            template_step = next(
                (w for w in batch_workers if step.name.startswith(f"{w}_")), step.name
            )
        inputs: dict[str, Any] = {"context": task.context}
        dependencies = edges_in.get(template_step, [])
        if dependencies:
            inputs["dependency_results"] = {
                dep: results_by_name.get(dep) for dep in dependencies if dep in results_by_name
            }
        audit: list[StepAuditEntry] | None = []
        if step.attempts and audited >= MAX_AUDITED_STEPS:
            audit = None  # shown as "not loaded": the task has too many steps
        elif step.attempts:  # a step never attempted has no history to read
            audited += 1
            try:
                audit = client.get_step_audit(task_uuid, step.step_uuid)
            except TaskNotFoundError:
                # A running task's step can be replaced between the two calls (the local
                # runtime swaps a placeholder for the engine's step): the next poll has it.
                audit = []
        detail = step_detail(step, audit, inputs=inputs, redactor=redactor)
        detail["template_step"] = template_step
        details.append(detail)
    dag = apply_layout(
        build_dag(
            template,
            [StepView(s.name, s.current_state, s.step_uuid) for s in steps],
            terminal=task.is_terminal,
        )
    )
    summary = task_summary(task, datetime.now(timezone.utc))
    return json_response(
        {
            "task": {
                **summary,
                "context": redactor.shown(task.context),
                "error": redactor.shown(task.error.model_dump(mode="json") if task.error else None),
                "initiator": task.initiator,
                "source_system": task.source_system,
                "reason": task.reason,
                "tags": list(task.tags or []),
                "correlation_id": task.correlation_id,
                "priority": task.priority,
            },
            "steps": details,
            "dag": dag_dict(dag),
            "poll_after_seconds": None if task.is_terminal else poll_interval,
        }
    )


# -- events ----------------------------------------------------------------------------


def recent_events(
    events: ConsoleEvents | None, query: Mapping[str, str], redactor: ValueRedactor
) -> ConsoleResponse:
    """``GET api/events?task=&limit=``: newest first, masked; empty when not collected."""
    limit = _int_param(query, "limit", 100, 1, MAX_EVENTS)
    task = _text_param(query, "task")
    if task is not None and not valid_task_id(task):
        raise BadRequest("task must be a task uuid")
    chosen = events.recent(task_uuid=task, limit=limit) if events is not None else []
    return json_response(
        {
            "events": [redactor.shown(event.to_dict()) for event in chosen],
            "collected": events is not None,
            "buffer_size": events.size if events is not None else 0,
        }
    )


# -- actions ---------------------------------------------------------------------------


def cancel_task(client: TaskClient, task_uuid: str) -> ConsoleResponse:
    """``POST api/tasks/<uuid>/cancel``."""
    task = client.cancel_task(task_uuid)
    return json_response({"task": task_summary(task, datetime.now(timezone.utc))})


def submit_task(client: TaskClient, body: bytes) -> ConsoleResponse:
    """``POST api/tasks`` with ``{namespace, name, version, context}``."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"the request body must be at most {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body must be JSON: {namespace, name, version, context}") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object: {namespace, name, version, context}")
    unknown = sorted(set(data) - {"namespace", "name", "version", "context"})
    if unknown:
        raise BadRequest(f"unknown field(s) {', '.join(unknown)[:200]}")
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise BadRequest("context must be a JSON object")
    try:
        request = TaskRequest(
            namespace=data.get("namespace"),
            name=data.get("name"),
            version=data.get("version"),
            context=context,
            initiator="tasker-console",
            source_system="tasker-console",
            reason="submitted from the Tasker console",
        )
    except ValidationError as exc:
        fields = sorted({".".join(map(str, error["loc"])) for error in exc.errors()})
        raise BadRequest(f"invalid field(s): {', '.join(fields)[:200]}") from None
    try:
        task = client.create_task(request)
    except OrchestrationHTTPError as exc:
        if not 400 <= exc.status_code < 500:
            raise
        # 404 here is the template, not a task: a bad request, with the engine's reason.
        reason = (exc.server_message or "refused")[:200]
        raise BadRequest(f"the task engine refused it: {reason}") from None
    return json_response({"task": task_summary(task, datetime.now(timezone.utc))}, status=201)


__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_AUDITED_STEPS",
    "MAX_NAME_SCAN",
    "MAX_PAGE_SIZE",
    "BadRequest",
    "cancel_task",
    "guarded",
    "list_tasks",
    "recent_events",
    "submit_task",
    "task_detail",
    "valid_task_id",
]
