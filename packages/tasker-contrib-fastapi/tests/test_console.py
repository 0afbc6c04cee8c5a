"""The console under /tasker/console/: the switch, auth, permissions, CSRF, injection.

In-process tests drive a real app (local runtime, shared example workflow)
through Starlette's TestClient; ``test_console_server.py`` runs the example
app under uvicorn.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.testclient import TestClient
from tasker_contrib_core.console import CONSOLE_CSRF_COOKIE, CONSOLE_CSRF_HEADER
from tasker_contrib_fastapi import tasker_lifespan, tasker_router
from tasker_contrib_testsupport.example_tasks import order_context

CONSOLE = "/tasker/console/"
TOKEN = "let-me-in"


async def require_token(authorization: str | None = Header(None)) -> None:
    if authorization is None:
        raise HTTPException(status_code=401, detail="authentication required")
    if authorization != f"Bearer {TOKEN}":
        raise HTTPException(status_code=403, detail="forbidden")


async def operators_may_do_everything(x_role: str | None = Header(None)) -> list[str]:
    return ["cancel", "submit"] if x_role == "operator" else []


AUTH = {"Authorization": f"Bearer {TOKEN}"}
OPERATOR = {**AUTH, "X-Role": "operator"}


def order(**changes: Any) -> dict[str, Any]:
    base = order_context()
    base.update(changes)
    return base


def submit_body(**changes: Any) -> dict[str, Any]:
    return {"namespace": example.NAMESPACE, "name": example.TEMPLATE_NAME,
            "version": example.TEMPLATE_VERSION, "context": order(**changes)}  # fmt: skip


AppFactory = Callable[..., Iterator[TestClient]]


@pytest.fixture
def console_app(tasker_local_settings: Callable[..., Any]) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def build(console: dict[str, Any] | None = None, **router: Any) -> TestClient:
        settings = tasker_local_settings(
            template_paths=[example.TEMPLATES_DIR],
            handler_packages=list(example.HANDLER_PACKAGES),
            console={"enabled": True, **(console or {})},
        )
        app = FastAPI(lifespan=tasker_lifespan(settings, log_events=False))
        app.include_router(tasker_router(**router))
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def wait_complete(client: TestClient, task_uuid: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        answer = client.get(f"{CONSOLE}api/tasks/{task_uuid}", headers=headers)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        if data["task"]["terminal"]:
            return data
        assert time.monotonic() < deadline, f"task {task_uuid} did not finish"
        time.sleep(0.05)


def page_token(html: str) -> str:
    found = re.search(r'name="tasker-console-csrf-token" content="([^"]+)"', html)
    assert found, "the page embeds its CSRF token"
    return found.group(1)


def test_routes_exist_but_answer_404_until_enabled(
    tasker_local_settings: Callable[..., Any],
) -> None:
    app = FastAPI(lifespan=tasker_lifespan(tasker_local_settings(), log_events=False))
    app.include_router(tasker_router())
    with TestClient(app) as client:
        for path in ["", "api/tasks", "static/console.js"]:
            answer = client.get(CONSOLE + path)
            assert answer.status_code == 404
            assert answer.json()["error"]["code"] == "console_disabled"
        assert "/tasker/console/" not in json.dumps(client.get("/openapi.json").json())


@pytest.mark.parametrize(
    "path",
    ["", "api/tasks", "api/tasks/{uuid}", "api/events", "static/console.js", "nope"],
)
@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer x"}, 403)])
def test_without_the_apps_auth_the_console_answers_401_403_and_leaks_nothing(
    console_app: Callable[..., TestClient], path: str, headers: dict[str, str], status: int
) -> None:
    client = console_app(dependencies=[Depends(require_token)])
    created = client.post(f"{CONSOLE}api/tasks", json=submit_body(), headers=AUTH)
    assert created.status_code == 403  # read-only by default, even with auth
    task = client.app.state.tasker.host.client.create_task  # type: ignore[attr-defined]
    from tasker_contrib_core.client import TaskRequest

    task_uuid = task(TaskRequest(**submit_body())).task_uuid
    answer = client.get(CONSOLE + path.format(uuid=task_uuid), headers=headers)
    assert answer.status_code == status
    body = answer.text
    assert answer.json() == {"detail": "authentication required" if status == 401 else "forbidden"}
    for secret in (task_uuid, "ORD-1001", "ada@example.com", "tasker-console-csrf"):
        assert secret not in body
    assert CONSOLE_CSRF_COOKIE not in answer.headers.get("set-cookie", "")
    posted = client.post(f"{CONSOLE}api/tasks/{task_uuid}/cancel", headers=headers)
    assert posted.status_code == status


def test_the_page_sets_the_csrf_cookie_and_security_headers(
    console_app: Callable[..., TestClient],
) -> None:
    client = console_app()
    answer = client.get(CONSOLE)
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{CONSOLE_CSRF_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/tasker/console/"):
        assert attribute in cookie
    assert page_token(answer.text) == client.cookies.get(CONSOLE_CSRF_COOKIE)
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    again = client.get(CONSOLE)
    assert "set-cookie" not in again.headers  # the token stays the same for the session
    assert page_token(again.text) == page_token(answer.text)
    assert client.get("/tasker/console").status_code == 200  # redirected to the slash


def test_actions_need_the_setting_the_permission_and_the_csrf_header(
    console_app: Callable[..., TestClient],
) -> None:
    client = console_app(
        {"actions": ["submit", "cancel"]}, console_permissions=operators_may_do_everything
    )
    token = page_token(client.get(CONSOLE).text)
    url = f"{CONSOLE}api/tasks"
    no_permission = client.post(url, json=submit_body(), headers={CONSOLE_CSRF_HEADER: token})
    assert no_permission.status_code == 403
    assert no_permission.json()["error"]["code"] == "action_not_permitted"
    no_header = client.post(url, json=submit_body(), headers={"X-Role": "operator"})
    assert no_header.json()["error"]["code"] == "csrf_failed"
    forged = {"X-Role": "operator", CONSOLE_CSRF_HEADER: token + "x"}
    wrong = client.post(url, json=submit_body(), headers=forged)
    assert wrong.json()["error"]["code"] == "csrf_failed"
    ok = client.post(
        url, json=submit_body(), headers={"X-Role": "operator", CONSOLE_CSRF_HEADER: token}
    )
    assert ok.status_code == 201, ok.text
    listed = client.get(url).json()
    assert [task["uuid"] for task in listed["tasks"]] == [ok.json()["task"]["uuid"]]
    # The page offers the actions only to a request that was granted them.
    assert 'name="tasker-console-actions" content=""' in client.get(CONSOLE).text
    operator_page = client.get(CONSOLE, headers={"X-Role": "operator"}).text
    assert 'name="tasker-console-actions" content="cancel submit"' in operator_page


def test_a_permission_dependency_returning_a_string_is_a_clear_error(
    console_app: Callable[..., TestClient],
) -> None:
    async def sloppy() -> str:
        return "cancel"

    client = console_app({"actions": ["cancel"]}, console_permissions=sloppy)
    with pytest.raises(TypeError, match="iterable of action names"):
        client.get(CONSOLE)


def test_a_script_in_a_step_result_is_data_not_markup(
    console_app: Callable[..., TestClient],
) -> None:
    client = console_app()
    evil = "<script>window.__pwned=1</script>"
    host = client.app.state.tasker.host  # type: ignore[attr-defined]
    from tasker_contrib_core.client import TaskRequest

    items = [{"sku": evil, "quantity": 1, "unit_price": 1.0}]
    task_uuid = host.client.create_task(TaskRequest(**submit_body(items=items))).task_uuid
    data = wait_complete(client, task_uuid, {})
    answer = client.get(f"{CONSOLE}api/tasks/{task_uuid}")
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in answer.text.lower()
    validate = next(step for step in data["steps"] if step["name"] == "validate_order")
    assert validate["result"]["skus"] == [evil]


def test_the_mount_follows_the_router_prefix_and_head_has_no_body(
    console_app: Callable[..., TestClient],
) -> None:
    client = console_app(prefix="/ops/tasker")
    page = client.get("/ops/tasker/console/")
    assert page.status_code == 200
    assert 'name="tasker-console-mount" content="/ops/tasker/console/"' in page.text
    assert 'src="/ops/tasker/console/static/console.js"' in page.text
    assert "Path=/ops/tasker/console/" in page.headers["set-cookie"]
    assert client.get("/ops/tasker/console/api/tasks").json()["tasks"] == []
    head = client.head("/ops/tasker/console/static/console.js")
    assert head.status_code == 200
    assert head.content == b""
    assert client.get("/tasker/console/").status_code == 404
