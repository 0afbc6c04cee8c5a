"""The console on the Flask blueprint, through Flask's test client on the local runtime.

The app runs the shared example workflow on the embedded local runtime (real
handlers); the console is core's, so these tests check what the mount adds:
the switch, the routes under the blueprint, the blueprint's ``auth`` hook in
front of every console URL, the permission hook, and the double-submit CSRF
cookie and header for actions.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from flask import Flask, abort, request
from tasker_contrib_flask import Tasker, tasker_blueprint
from tasker_contrib_flask.console_views import granted_permissions
from tasker_contrib_flask.testing.apps import running
from tasker_contrib_testsupport.example_tasks import order_context, order_request

CSRF_COOKIE = "tasker_console_csrf"
CSRF_HEADER = "X-Tasker-CSRF"

AppFactory = Callable[..., Flask]


def order(**changes: Any) -> dict[str, Any]:
    context = order_context()
    context.update(changes)
    return context


def submit(app: Flask, context: dict[str, Any]) -> str:
    from tasker_contrib_flask import host_of

    task = host_of(app).client.create_task(
        order_request(context, initiator="console-test", reason="console test")
    )
    return str(task.task_uuid)


def wait_complete(app: Flask, client: Any, task_uuid: str, timeout: float = 60.0) -> Any:
    """Wait for the task to finish (through the app's client), then read it in the console."""
    from tasker_contrib_flask import host_of

    deadline = time.monotonic() + timeout
    while not host_of(app).client.get_task(task_uuid).is_terminal:
        assert time.monotonic() < deadline, f"task {task_uuid} did not finish in {timeout}s"
        time.sleep(0.05)
    answer = client.get(f"/tasker/console/api/tasks/{task_uuid}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def page_token(html: str) -> str:
    """The CSRF token the page embeds for its script (a meta tag)."""
    found = re.search(r'<meta name="tasker-console-csrf-token" content="([^"]*)"', html)
    assert found, html[:2000]
    return found.group(1)


@pytest.fixture
def make_app(tasker_local_settings: Callable[..., Any]) -> Iterator[AppFactory]:
    """``make_app(enabled=..., actions=..., permissions=..., auth=..., url_prefix=...)``,
    each app's runtime stopped after the test."""
    stack: list[Any] = []

    def build(
        *,
        enabled: bool = True,
        actions: Iterable[str] = (),
        permissions: Callable[[], Iterable[str]] | None = None,
        auth: Callable[[], Any] | None = None,
        url_prefix: str = "/tasker",
        start: bool = True,
    ) -> Flask:
        settings = tasker_local_settings(
            handler_packages=list(example.HANDLER_PACKAGES),
            template_paths=[example.TEMPLATES_DIR],
            shutdown_timeout_seconds=5,
            console={"enabled": enabled, "actions": list(actions)},
        )
        app = Flask("console_test")
        Tasker(app, settings=settings)
        app.register_blueprint(
            tasker_blueprint(url_prefix, auth=auth, console_permissions=permissions)
        )
        if start:
            context = running(app)
            context.__enter__()
            stack.append(context)
        return app

    yield build
    for context in reversed(stack):
        context.__exit__(None, None, None)


def test_every_console_url_answers_404_while_the_console_is_disabled(
    make_app: AppFactory,
) -> None:
    client = make_app(enabled=False, start=False).test_client()
    for path in ("/tasker/console/", "/tasker/console/api/tasks", "/tasker/console/static/x"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.get_json()["error"]["code"] == "console_disabled"
        assert CSRF_COOKIE not in answer.headers.get("Set-Cookie", "")


def test_page_api_and_csrf_cookie_under_the_blueprint(make_app: AppFactory) -> None:
    app = make_app()
    client = app.test_client()
    task_uuid = submit(app, order())

    page = client.get("/tasker/console/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "Path=/tasker/console/" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    html = page.get_data(as_text=True)
    assert page_token(html) == client.get_cookie(CSRF_COOKIE, path="/tasker/console/").value
    # A second page load keeps the browser's token instead of rotating it.
    again = client.get("/tasker/console/")
    assert "Set-Cookie" not in again.headers
    assert page_token(again.get_data(as_text=True)) == page_token(html)

    shown = wait_complete(app, client, task_uuid)
    assert shown["task"]["status"] == "complete"
    step_names = {step["name"] for step in shown["steps"]}
    assert {"validate_order", "complete_order"} <= step_names

    listed = client.get("/tasker/console/api/tasks?namespace=ecommerce").get_json()
    assert task_uuid in [task["uuid"] for task in listed["tasks"]]

    assert client.get("/tasker/console/api/tasks/not-a-task").status_code in (400, 404)
    assert client.get("/tasker/console/static/../../etc/passwd").status_code == 404
    # The page is reachable without the trailing slash too (Flask redirects).
    assert client.get("/tasker/console").status_code in (301, 308)


def test_the_mount_follows_the_blueprint_prefix(make_app: AppFactory) -> None:
    client = make_app(url_prefix="/ops/tasker", start=False).test_client()
    page = client.get("/ops/tasker/console/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'content="/ops/tasker/console/"' in html
    assert "Path=/ops/tasker/console/" in page.headers["Set-Cookie"]
    assert client.get("/tasker/console/").status_code == 404


def _submit_body() -> bytes:
    return json.dumps(
        {
            "namespace": example.NAMESPACE,
            "name": example.TEMPLATE_NAME,
            "version": example.TEMPLATE_VERSION,
            "context": order(order_id="ORD-2002"),
        }
    ).encode()


def _post(client: Any, path: str, token: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers[CSRF_HEADER] = token
    return client.post(f"/tasker/console/{path}", data=_submit_body(), headers=headers)


def test_actions_need_the_setting_the_permission_and_csrf(make_app: AppFactory) -> None:
    granted: list[str] = []
    app = make_app(actions=["submit", "cancel"], permissions=lambda: granted)
    client = app.test_client()
    token = page_token(client.get("/tasker/console/").get_data(as_text=True))

    refused = _post(client, "api/tasks", token)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "action_not_permitted"

    granted.append("submit")
    for header in (None, "", "not-the-token"):
        refused = _post(client, "api/tasks", header)
        assert refused.status_code == 403, header
        assert refused.get_json()["error"]["code"] == "csrf_failed"

    # The right header without the cookie (another site's form cannot send it) fails too.
    cookieless = app.test_client()
    refused = _post(cookieless, "api/tasks", token)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"

    accepted = _post(client, "api/tasks", token)
    assert accepted.status_code == 201, accepted.get_data(as_text=True)
    task_uuid = accepted.get_json()["task"]["uuid"]
    assert wait_complete(app, client, task_uuid)["task"]["status"] == "complete"


def test_an_action_the_settings_do_not_enable_stays_refused(make_app: AppFactory) -> None:
    app = make_app(actions=[], permissions=lambda: ["submit", "cancel"])
    client = app.test_client()
    token = page_token(client.get("/tasker/console/").get_data(as_text=True))
    refused = _post(client, "api/tasks", token)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "action_not_permitted"


def _bearer_only() -> None:
    if request.headers.get("Authorization") != "Bearer letmein":
        abort(401)


def test_the_blueprint_auth_hook_guards_every_console_url(make_app: AppFactory) -> None:
    app = make_app(auth=_bearer_only, actions=["submit"], permissions=lambda: ["submit"])
    client = app.test_client()
    task_uuid = submit(app, order(order_id="ORD-3003"))
    good = {"Authorization": "Bearer letmein"}
    wait_complete(app, _AuthedClient(client, good), task_uuid)

    for method, path in (
        ("GET", "/tasker/console/"),
        ("GET", "/tasker/console/api/tasks"),
        ("GET", f"/tasker/console/api/tasks/{task_uuid}"),
        ("GET", "/tasker/console/api/events"),
        ("GET", "/tasker/console/static/console.js"),
        ("POST", "/tasker/console/api/tasks"),
        ("POST", f"/tasker/console/api/tasks/{task_uuid}/cancel"),
    ):
        answer = client.open(path, method=method, headers={"Authorization": "Bearer wrong"})
        assert answer.status_code == 401, (method, path)
        body = answer.get_data(as_text=True)
        assert task_uuid not in body
        assert "ORD-3003" not in body
        assert "ecommerce" not in body
        assert "Set-Cookie" not in answer.headers

    listed = client.get("/tasker/console/api/tasks", headers=good)
    assert listed.status_code == 200
    assert task_uuid in listed.get_data(as_text=True)


class _AuthedClient:
    """A test client that sends ``headers`` with every GET."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self._client, self._headers = client, headers

    def get(self, path: str) -> Any:
        return self._client.get(path, headers=self._headers)


def test_a_script_in_a_step_result_is_data_not_markup(make_app: AppFactory) -> None:
    app = make_app()
    client = app.test_client()
    evil = "<script>window.__pwned=1</script>"
    items = [{"sku": evil, "quantity": 1, "unit_price": 1.0}]
    task_uuid = submit(app, order(order_id="ORD-4004", items=items))
    wait_complete(app, client, task_uuid)

    answer = client.get(f"/tasker/console/api/tasks/{task_uuid}")
    raw = answer.get_data(as_text=True)
    assert "<script" not in raw.lower()
    assert answer.mimetype == "application/json"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    validate = next(s for s in answer.get_json()["steps"] if s["name"] == "validate_order")
    assert evil in json.dumps(validate, ensure_ascii=False)


def test_a_permission_hook_returning_a_string_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="iterable of action names"):
        granted_permissions(lambda: "cancel")
    assert granted_permissions(None) == frozenset()
    assert granted_permissions(lambda: ("cancel", "submit")) == {"cancel", "submit"}


def test_decorators_wrap_the_console_view_too(tasker_local_settings: Callable[..., Any]) -> None:
    from functools import wraps

    def refuse_everything(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return {"refused_by": "decorator"}, 418

        return wrapped

    app = Flask("decorated")
    Tasker(app, settings=tasker_local_settings(console={"enabled": True}))
    app.register_blueprint(tasker_blueprint(decorators=[refuse_everything]))
    client = app.test_client()
    for path in ("/tasker/console/", "/tasker/console/api/tasks"):
        answer = client.get(path)
        assert answer.status_code == 418, path
        assert answer.get_json() == {"refused_by": "decorator"}


def test_head_methods_https_and_script_root(make_app: AppFactory) -> None:
    client = make_app(start=False).test_client()
    head = client.head("/tasker/console/")
    assert head.status_code == 200
    assert head.get_data() == b""
    not_allowed = client.put("/tasker/console/")
    assert not_allowed.status_code == 405
    assert not_allowed.headers["Allow"] == "GET"
    assert not_allowed.get_json()["error"]["code"] == "method_not_allowed"

    secure = make_app(start=False).test_client()
    page = secure.get("/tasker/console/", base_url="https://console.example")
    assert "Secure" in page.headers["Set-Cookie"]

    behind = make_app(start=False).test_client()
    page = behind.get("/tasker/console/", environ_overrides={"SCRIPT_NAME": "/shop"})
    assert 'content="/shop/tasker/console/"' in page.get_data(as_text=True)
    assert "Path=/shop/tasker/console/" in page.headers["Set-Cookie"]


def test_the_permission_hook_runs_for_the_page_and_actions_only(make_app: AppFactory) -> None:
    calls: list[str] = []

    def permissions() -> list[str]:
        calls.append(request.path)
        return ["submit"]

    client = make_app(actions=["submit"], permissions=permissions).test_client()
    page = client.get("/tasker/console/").get_data(as_text=True)
    assert '<meta name="tasker-console-actions" content="submit">' in page
    client.get("/tasker/console/api/tasks")
    client.get("/tasker/console/static/console.js")
    assert calls == ["/tasker/console/"]
    _post(client, "api/tasks", page_token(page))
    assert calls == ["/tasker/console/", "/tasker/console/api/tasks"]
