"""A small stateful stand-in for the orchestration service, served over real HTTP.

It answers the endpoints the task clients use with bodies shaped like
upstream's OpenAPI document (v0.1.8), keeps tasks in memory, and lets a test
inject faults per route: an error status a number of times, a dropped
connection (before or after the request took effect), or a slow answer.
Every request is recorded with its headers so tests can count attempts.

Tasks progress one step per ``GET /v1/tasks/{uuid}`` so that clients polling
for completion see a task move through its states, the way a real one does.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

STEP_NAMES = ("validate", "process", "notify")
REQUIRED_REQUEST_FIELDS = (
    "name",
    "namespace",
    "version",
    "context",
    "initiator",
    "source_system",
    "reason",
    "tags",
    "requested_at",
    "correlation_id",
)


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def error_body(code: str, message: str) -> dict[str, Any]:
    """The body the real service sends with every error status."""
    return {"error": {"code": code, "message": message}}


@dataclass
class Fault:
    """What to do instead of (or after) answering a matching request.

    ``action``: ``status`` answers ``status``/``body``; ``drop`` closes the
    connection without answering; ``drop_after`` handles the request, then
    drops the answer; ``delay`` sleeps ``seconds`` and then answers normally.
    """

    method: str
    path: str  # a regular expression matched against the whole path
    action: str = "status"
    status: int = 503
    body: Any = None
    times: int = 1
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.hits < self.times
            and self.method == method
            and re.fullmatch(self.path, path) is not None
        )


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


class FakeOrchestration:
    """The in-memory state and routing; :class:`FakeServer` puts it on a port."""

    def __init__(self, *, api_key: str | None = None, api_key_header: str = "X-API-Key") -> None:
        self.api_key = api_key
        self.api_key_header = api_key_header
        self.tasks: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()

    # -- test controls -------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def calls(self, method: str, path_pattern: str = ".*") -> list[Recorded]:
        with self.lock:
            return [
                r
                for r in self.requests
                if r.method == method and re.fullmatch(path_pattern, r.path)
            ]

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    # -- state ---------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        task_uuid = str(uuid.uuid4())
        stamp = now()
        steps = [
            {
                "workflow_step_uuid": str(uuid.uuid4()),
                "named_step_uuid": str(uuid.uuid4()),
                "name": name,
                "current_state": "pending",
                "created_at": stamp,
                "updated_at": stamp,
                "completed_at": None,
                "results": None,
                "attempts": 0,
                "parents": index,
            }
            for index, name in enumerate(STEP_NAMES)
        ]
        task = {
            "task_uuid": task_uuid,
            "name": body["name"],
            "namespace": body["namespace"],
            "version": body["version"],
            "status": "pending",
            "created_at": stamp,
            "updated_at": stamp,
            "completed_at": None,
            "context": body["context"],
            "initiator": body["initiator"],
            "source_system": body["source_system"],
            "reason": body["reason"],
            "priority": body.get("priority"),
            "tags": body.get("tags"),
            "correlation_id": body["correlation_id"],
            "parent_correlation_id": body.get("parent_correlation_id"),
            "_steps": steps,
            "_audit": {},
        }
        self.tasks[task_uuid] = task
        self.order.append(task_uuid)
        return task

    def advance(self, task: dict[str, Any]) -> None:
        """Complete the next pending step (one per read), like a worker would."""
        if task["status"] in ("complete", "cancelled", "error"):
            return
        for step in task["_steps"]:
            if step["current_state"] == "pending":
                stamp = now()
                step.update(
                    current_state="complete",
                    completed_at=stamp,
                    updated_at=stamp,
                    attempts=1,
                    results={"step": step["name"], "ok": True},
                )
                task["_audit"][step["workflow_step_uuid"]] = [
                    {
                        "audit_uuid": str(uuid.uuid4()),
                        "workflow_step_uuid": step["workflow_step_uuid"],
                        "transition_uuid": str(uuid.uuid4()),
                        "task_uuid": task["task_uuid"],
                        "recorded_at": stamp,
                        "worker_uuid": "fake-worker",
                        "correlation_id": task["correlation_id"],
                        "success": True,
                        "execution_time_ms": 3,
                        "result": step["results"],
                        "step_name": step["name"],
                        "from_state": "in_progress",
                        "to_state": "enqueued_for_orchestration",
                    }
                ]
                break
        done = all(s["current_state"] == "complete" for s in task["_steps"])
        task["status"] = "complete" if done else "steps_in_process"
        task["updated_at"] = now()
        if done:
            task["completed_at"] = task["updated_at"]

    def task_json(self, task: dict[str, Any]) -> dict[str, Any]:
        steps = task["_steps"]
        total = len(steps)
        completed = sum(s["current_state"] == "complete" for s in steps)
        pending = sum(s["current_state"] == "pending" for s in steps)
        public = {k: v for k, v in task.items() if not k.startswith("_")}
        if task["status"] == "complete":
            execution_status = "all_complete"
        elif task["status"] == "cancelled":
            execution_status = "blocked_by_failures"
        else:
            execution_status = "has_ready_steps"
        public.update(
            total_steps=total,
            pending_steps=pending,
            in_progress_steps=0,
            completed_steps=completed,
            failed_steps=0,
            ready_steps=min(pending, 1),
            execution_status=execution_status,
            recommended_action="wait" if pending else "finalize_task",
            completion_percentage=100.0 * completed / total,
            health_status="healthy",
            steps=[self.readiness_json(task, s) for s in steps],
            server_extra_field="clients must tolerate fields they do not know",
        )
        return public

    def readiness_json(self, task: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
        return {
            "workflow_step_uuid": step["workflow_step_uuid"],
            "task_uuid": task["task_uuid"],
            "named_step_uuid": step["named_step_uuid"],
            "name": step["name"],
            "current_state": step["current_state"],
            "dependencies_satisfied": True,
            "retry_eligible": False,
            "ready_for_execution": step["current_state"] == "pending",
            "total_parents": step["parents"],
            "completed_parents": step["parents"],
            "attempts": step["attempts"],
            "max_attempts": 3,
            "backoff_request_seconds": None,
            "last_attempted_at": step["completed_at"],
            "last_failure_at": None,
            "next_retry_at": None,
        }

    def step_json(self, task: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
        readiness = self.readiness_json(task, step)
        readiness.pop("workflow_step_uuid")
        readiness.pop("named_step_uuid")
        readiness.pop("backoff_request_seconds")
        return {
            "step_uuid": step["workflow_step_uuid"],
            "created_at": step["created_at"],
            "updated_at": step["updated_at"],
            "completed_at": step["completed_at"],
            "results": step["results"],
            **readiness,
        }

    # -- routing -------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        with self.lock:
            return self._route(method, path, query, body)

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        if path == "/health" and method == "GET":
            return 200, {"status": "healthy", "timestamp": now()}
        if path == "/v1/tasks":
            if method == "POST":
                return self._create(body)
            if method == "GET":
                return self._list(query)
        parts = [unquote(p) for p in path.split("/")[1:]]
        if len(parts) >= 3 and parts[:2] == ["v1", "tasks"]:
            task = self.tasks.get(parts[2])
            if task is None:
                return 404, error_body("NOT_FOUND", f"Task not found: {parts[2]}")
            return self._task_route(method, task, parts[3:])
        return 404, error_body("NOT_FOUND", f"no route for {method} {path}")

    def _create(self, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, error_body("JSON_ERROR", "Invalid JSON format")
        missing = [f for f in REQUIRED_REQUEST_FIELDS if f not in body]
        if missing:
            return 400, error_body("BAD_REQUEST", f"missing field(s): {', '.join(missing)}")
        if body["name"] == "no_such_template":
            return 400, error_body("BAD_REQUEST", "Task template not found: no_such_template")
        return 201, self.task_json(self.create(body))

    def _list(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["25"])[0])
        if per_page == 0 or per_page > 100:
            return 400, error_body("BAD_REQUEST", "per_page must be between 1 and 100")
        page = max(page, 1)
        tasks = [self.tasks[u] for u in reversed(self.order)]
        if "namespace" in query:
            tasks = [t for t in tasks if t["namespace"] == query["namespace"][0]]
        if "status" in query:
            tasks = [t for t in tasks if t["status"] == query["status"][0]]
        total = len(tasks)
        chunk = tasks[(page - 1) * per_page : page * per_page]
        total_pages = -(-total // per_page)
        return 200, {
            "tasks": [self.task_json(t) for t in chunk],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total_count": total,
                "total_pages": total_pages,
                "has_next": page < total_pages,
                "has_previous": page > 1,
            },
        }

    def _task_route(self, method: str, task: dict[str, Any], rest: list[str]) -> tuple[int, Any]:
        if not rest:
            if method == "GET":
                self.advance(task)
                return 200, self.task_json(task)
            if method == "DELETE":
                if task["status"] in ("complete", "cancelled", "error"):
                    return 400, error_body(
                        "BAD_REQUEST", f"Task cannot be cancelled in state {task['status']}"
                    )
                task["status"] = "cancelled"
                task["updated_at"] = now()
                return 200, self.task_json(task)
        if rest[0] != "workflow_steps" or method != "GET":
            return 404, error_body("NOT_FOUND", "no such route")
        if len(rest) == 1:
            return 200, [self.step_json(task, s) for s in task["_steps"]]
        step = next((s for s in task["_steps"] if s["workflow_step_uuid"] == rest[1]), None)
        if step is None:
            return 404, error_body("NOT_FOUND", f"Workflow step not found: {rest[1]}")
        if len(rest) == 2:
            return 200, self.step_json(task, step)
        if rest[2:] == ["audit"]:
            return 200, task["_audit"].get(step["workflow_step_uuid"], [])
        return 404, error_body("NOT_FOUND", "no such route")


def make_handler(state: FakeOrchestration) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = raw.decode("utf-8", "replace")
            method = self.command
            with state.lock:
                state.requests.append(
                    Recorded(
                        method=method,
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
            fault = state.take_fault(method, parts.path)
            if fault is not None and fault.action == "drop":
                self.close_connection = True
                return
            if fault is not None and fault.action == "delay":
                time.sleep(fault.seconds)
            if fault is not None and fault.action == "status":
                self._reply(fault.status, fault.body, fault.headers)
                return
            authorised = self._authorised(parts.path)
            if authorised is not None:
                self._reply(*authorised, {})
                return
            status, payload = state.handle(method, parts.path, parse_qs(parts.query), body)
            if fault is not None and fault.action == "drop_after":
                self.close_connection = True
                return
            self._reply(status, payload, {})

        def _authorised(self, path: str) -> tuple[int, Any] | None:
            if state.api_key is None or path == "/health":
                return None
            sent = self.headers.get(state.api_key_header)
            if sent != state.api_key:
                return 401, error_body("AUTHENTICATION_FAILED", "Invalid API key")
            return None

        def _reply(self, status: int, payload: Any, headers: dict[str, str]) -> None:
            raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        do_GET = _serve
        do_POST = _serve
        do_DELETE = _serve

    return Handler


class FakeServer:
    """Runs :class:`FakeOrchestration` on 127.0.0.1 on a free port, in a thread."""

    def __init__(self, state: FakeOrchestration | None = None) -> None:
        self.state = state or FakeOrchestration()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
