"""tasker_router: liveness, readiness with reasons, auth on every route, task endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.testclient import TestClient
from tasker_contrib_fastapi import tasker_lifespan, tasker_router
from tasker_contrib_testsupport.example_tasks import order_context


def app_with(runtime: Any, settings: Any, **router_options: Any) -> FastAPI:
    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=runtime, log_events=False))
    app.include_router(tasker_router(**router_options))
    return app


@pytest.fixture
def settings(tasker_local_settings: Callable[..., Any]) -> Any:
    return tasker_local_settings(shutdown_timeout_seconds=1)


def test_health_and_ready_answer_200_when_running(settings: Any, fake: ModuleType) -> None:
    with TestClient(app_with(fake.FakeRuntime(), settings)) as client:
        health = client.get("/tasker/health")
        ready = client.get("/tasker/ready")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["runtime"]["running"] is True
    assert ready.status_code == 200
    checks = [check["name"] for check in ready.json()["checks"]]
    assert checks == ["runtime", "pollers", "templates"]  # templates: start-up validation
    assert "details" not in ready.json()["runtime"]  # no paths on a probe endpoint


def test_ready_is_503_with_reasons_when_pollers_died(settings: Any, fake: ModuleType) -> None:
    runtime = fake.FakeRuntime(fake.Behaviour(pollers_alive=False))
    with TestClient(app_with(runtime, settings)) as client:
        health = client.get("/tasker/health")
        ready = client.get("/tasker/ready")
    assert health.status_code == 200  # alive: a restart would not help more than a reroute
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["reasons"] == [
        "pollers: the threads that deliver steps and events stopped; the runtime no longer "
        "receives work"
    ]


def test_health_is_503_when_the_runtime_stopped(settings: Any, fake: ModuleType) -> None:
    runtime = fake.FakeRuntime()
    with TestClient(app_with(runtime, settings)) as client:
        runtime.running_flag = False
        health = client.get("/tasker/health")
        ready = client.get("/tasker/ready")
    assert health.status_code == 503
    assert health.json()["reasons"][0].startswith("runtime: local runtime not running")
    assert ready.status_code == 503


def test_worker_mode_checks_the_database(
    tasker_settings: Callable[..., Any], fake: ModuleType, servers: ModuleType
) -> None:
    port = servers.closed_port()
    settings = tasker_settings(
        runtime="worker", common={"database": {"url": f"postgresql://u:pw@127.0.0.1:{port}/db"}}
    )
    runtime = fake.FakeWorkerRuntime(settings=settings)
    with TestClient(app_with(runtime, settings)) as client:
        ready = client.get("/tasker/ready")
    assert ready.status_code == 503
    reasons = ready.json()["reasons"]
    assert len(reasons) == 1
    assert reasons[0].startswith(
        f"database: postgresql://u:***@127.0.0.1:{port}/db: cannot connect"
    )
    database = next(check for check in ready.json()["checks"] if check["name"] == "database")
    assert database["code"] == "unreachable"
    assert "pw" not in reasons[0]  # the password is masked


def test_submit_only_processes_check_the_orchestration_api(
    tasker_settings: Callable[..., Any], fake: ModuleType
) -> None:
    settings = tasker_settings(
        runtime="worker", worker_enabled=False, orchestration_url="http://127.0.0.1:9"
    )
    runtime = fake.FakeWorkerRuntime(settings=settings)
    with TestClient(app_with(runtime, settings)) as client:
        assert client.get("/tasker/health").status_code == 200  # no worker here: still live
        assert client.get("/tasker/ready").status_code == 200
        runtime.fake_client.health_error = ConnectionError("orchestration is down")
        ready = client.get("/tasker/ready")
    assert ready.status_code == 503
    assert ready.json()["reasons"] == ["orchestration: ConnectionError: orchestration is down"]


def test_a_slow_probe_is_bounded(tasker_settings: Callable[..., Any], fake: ModuleType) -> None:
    settings = tasker_settings(runtime="worker", worker_enabled=False)
    runtime = fake.FakeWorkerRuntime(settings=settings)
    runtime.fake_client.health_seconds = 5
    app = FastAPI(
        lifespan=tasker_lifespan(settings, runtime=runtime, log_events=False, health_timeout=0.3)
    )
    app.include_router(tasker_router())
    with TestClient(app) as client:
        started = time.monotonic()
        ready = client.get("/tasker/ready")
        assert time.monotonic() - started < 2.0
    assert ready.status_code == 503
    assert "did not answer within 0.3s" in ready.json()["reasons"][0]


def test_every_route_carries_the_given_dependencies(settings: Any, fake: ModuleType) -> None:
    async def require_token(x_token: str | None = Header(None)) -> None:
        if x_token != "secret":
            raise HTTPException(status_code=401, detail="token required")

    app = app_with(
        fake.FakeRuntime(),
        settings,
        prefix="/ops/tasker",
        dependencies=[Depends(require_token)],
        include_task_endpoints=True,
    )
    with TestClient(app) as client:
        for method, path in [
            ("GET", "/ops/tasker/health"),
            ("GET", "/ops/tasker/ready"),
            ("GET", "/ops/tasker/tasks/abc"),
            ("POST", "/ops/tasker/tasks"),
        ]:
            assert client.request(method, path).status_code == 401, path
        assert client.get("/ops/tasker/health", headers={"x-token": "secret"}).status_code == 200
    paths = set(app.openapi()["paths"])
    assert {"/ops/tasker/health", "/ops/tasker/ready", "/ops/tasker/tasks"} <= paths


def test_task_endpoints_are_off_by_default(settings: Any, fake: ModuleType) -> None:
    with TestClient(app_with(fake.FakeRuntime(), settings)) as client:
        assert client.post("/tasker/tasks", json={}).status_code in (404, 405)


def test_task_endpoints_create_and_show_a_task(example_settings: Any) -> None:
    import tasker_contrib_example as example

    app = FastAPI(lifespan=tasker_lifespan(example_settings, log_events=False))
    app.include_router(tasker_router(include_task_endpoints=True))
    order = order_context()
    request = {
        "name": example.TEMPLATE_NAME,
        "namespace": example.NAMESPACE,
        "version": example.TEMPLATE_VERSION,
        "context": order,
    }
    with TestClient(app) as client:
        created = client.post("/tasker/tasks", json=request)
        assert created.status_code == 201, created.text
        task_uuid = created.json()["task_uuid"]
        deadline = time.monotonic() + 20
        while True:
            shown = client.get(f"/tasker/tasks/{task_uuid}")
            assert shown.status_code == 200
            if shown.json()["task"]["status"] == "complete":
                break
            assert time.monotonic() < deadline, shown.json()["task"]
            time.sleep(0.05)
        steps = {step["name"]: step["current_state"] for step in shown.json()["steps"]}
        assert steps["validate_order"] == "complete"
        assert steps["complete_order"] == "complete"
        missing = client.get("/tasker/tasks/no-such-task")
        assert missing.status_code == 404
        assert missing.json()["detail"] == {
            "code": "task_not_found",
            "message": "No task with this id.",
        }
        unknown = client.post("/tasker/tasks", json={**request, "name": "no_such_template"})
        assert unknown.status_code == 404
        assert unknown.json()["detail"]["code"] == "template_not_found"
        assert "templates" not in unknown.text  # no template search paths for the caller
        assert client.post("/tasker/tasks", json={"name": "x"}).status_code == 422


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        ("unavailable", 503, "orchestration_unavailable"),
        ("server", 502, "orchestration_error"),
        ("conflict", 409, "conflict"),
    ],
)
def test_task_endpoint_errors_are_a_code_and_a_short_message(
    settings: Any, fake: ModuleType, error: str, status: int, code: str, caplog: Any
) -> None:
    """What the client raised (orchestration URL, attempts) is logged, never answered."""
    from tasker_contrib_core.errors import OrchestrationHTTPError, OrchestrationUnavailableError

    secret_url = "http://orchestration.internal:8080/v1/tasks"
    raised = {
        "unavailable": OrchestrationUnavailableError(f"POST {secret_url} failed: refused"),
        "server": OrchestrationHTTPError(f"POST {secret_url}: 500", status_code=500),
        "conflict": OrchestrationHTTPError(f"POST {secret_url}: 409", status_code=409),
    }[error]

    class FailingClient:
        async def create_task(self, request: Any) -> Any:
            raise raised

    class FailingRuntime(fake.FakeRuntime):  # type: ignore[name-defined,misc]
        @property
        def async_client(self) -> Any:
            return FailingClient()

    app = app_with(FailingRuntime(), settings, include_task_endpoints=True)
    with TestClient(app) as client:
        answer = client.post(
            "/tasker/tasks", json={"name": "order", "namespace": "shop", "version": "1.0.0"}
        )
    assert answer.status_code == status
    assert answer.json()["detail"]["code"] == code
    assert "orchestration.internal" not in answer.text
    assert "orchestration.internal" in caplog.text


def test_probe_and_task_routes_document_their_bodies(settings: Any, fake: ModuleType) -> None:
    app = app_with(fake.FakeRuntime(), settings, include_task_endpoints=True)
    paths = app.openapi()["paths"]
    for path in ("/tasker/health", "/tasker/ready"):
        responses = paths[path]["get"]["responses"]
        for status in ("200", "503"):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ProbeReport"}, (path, status)
    created = paths["/tasker/tasks"]["post"]["responses"]
    assert created["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    report = app.openapi()["components"]["schemas"]["ProbeReport"]
    assert set(report["required"]) >= {"status", "probe", "reasons", "checks", "runtime"}
