"""Console.handle: the switch, the page, assets, errors, actions and their three gates."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_core.config import ConsoleSettings
from tasker_contrib_core.console import (
    CONTENT_SECURITY_POLICY,
    MASK,
    Console,
    ConsoleRequest,
)
from tasker_contrib_core.errors import OrchestrationUnavailableError
from tasker_contrib_core.integration import TaskerHost
from tasker_contrib_core.runtime import LocalRuntime
from tasker_contrib_core.templates import load_template

from .conftest import MOUNT, example_settings, get, order, submit, wait_terminal


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


# -- the switch -------------------------------------------------------------------------


def test_a_disabled_console_answers_404_everywhere_and_touches_no_client() -> None:
    def no_client() -> Any:
        raise AssertionError("a disabled console must not build a client")

    console = Console(None, ConsoleSettings(), client_factory=no_client)
    for method, path in [("GET", ""), ("GET", "api/tasks"), ("GET", "static/console.js"),
                         ("POST", "api/tasks"), ("GET", "api/tasks/abc")]:  # fmt: skip
        answer = console.handle(ConsoleRequest(method, path, MOUNT, csrf_ok=True,
                                               permissions=frozenset({"submit"})))  # fmt: skip
        assert answer.status == 404
        assert error_code(answer) == "console_disabled"


def test_for_host_follows_the_settings_switch() -> None:
    host = TaskerHost(example_settings(enabled=False), framework="test", log_events=False)
    answer = Console.for_host(host).handle(ConsoleRequest("GET", "api/tasks", MOUNT))
    assert answer.status == 404
    assert error_code(answer) == "console_disabled"


# -- the page and its assets -------------------------------------------------------------


def test_the_page_carries_its_settings_in_escaped_meta_tags(console: Console) -> None:
    hostile = '"><script>alert(1)</script>'
    answer = console.handle(
        ConsoleRequest(
            "GET",
            "",
            '/x"/<b>/',
            csrf_token=hostile,
            csrf_header="X-Tasker-CSRF",
            permissions=frozenset({"cancel", "unknown"}),
        )
    )
    page = answer.body.decode()
    assert answer.status == 200
    assert answer.content_type.startswith("text/html")
    assert "<script>alert" not in page
    assert "<b>" not in page
    assert 'content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert 'name="tasker-console-mount" content="/x&quot;/&lt;b&gt;/"' in page
    # Only actions both enabled in settings and granted to the request are offered.
    assert 'name="tasker-console-actions" content="cancel"' in page
    assert 'name="tasker-console-poll-seconds" content="1.5"' in page
    assert answer.header("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_the_page_has_no_inline_script_and_its_script_never_uses_inner_html(
    console: Console,
) -> None:
    page = get(console, "").body.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts, "the page loads its script"
    assert all('src="' in attributes and body.strip() == "" for attributes, body in scripts)
    assert not re.search(r"\son[a-z]+=", page), "no inline event handlers either"
    script = get(console, "static/console.js").body.decode()
    sinks = re.findall(r"\.(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write|\beval\(",
                       script)  # fmt: skip
    assert sinks == [], "user data reaches the DOM through textContent only"
    assert "textContent" in script


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("console.js", "text/javascript"),
        ("console.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_assets_are_served_with_their_type(console: Console, name: str, content_type: str) -> None:
    answer = get(console, f"static/{name}")
    assert answer.status == 200
    assert answer.content_type.startswith(content_type)
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert len(answer.body) > 100 or name == "favicon.svg"


@pytest.mark.parametrize(
    "path",
    [
        "static/../console.py",
        "static/..%2fconsole.py",
        "static/%2e%2e/page.py",
        "static/./console.js",
        "static//console.js/..",
        "static/sub/console.js",
        "static/index.html/../../masking.py",
        "static/",
        "static/__init__.py",
        "../config/console.py",
        "static/console.js\x00.py",
        "static/C:\\windows\\win.ini",
    ],
)
def test_no_path_leaves_the_asset_allow_list(console: Console, path: str) -> None:
    answer = get(console, path)
    assert answer.status == 404
    assert error_code(answer) == "not_found"
    assert b"import" not in answer.body


def test_wrong_methods_get_405_with_allow(console: Console) -> None:
    cases = [("POST", "", "GET"), ("PUT", "api/tasks", "GET, POST"),
             ("DELETE", "api/tasks/abc", "GET"), ("GET", "api/tasks/abc/cancel", "POST"),
             ("POST", "api/events", "GET"), ("POST", "static/console.js", "GET")]  # fmt: skip
    for method, path, allow in cases:
        answer = console.handle(ConsoleRequest(method, path, MOUNT))
        assert answer.status == 405, (method, path)
        assert answer.header("Allow") == allow
        assert error_code(answer) == "method_not_allowed"


@pytest.mark.parametrize(
    "path", ["nope", "api", "api/nothing", "api/tasks/a/b/c", "api/tasks/../etc", "api/tasks/%00"]
)
def test_unknown_routes_are_404(console: Console, path: str) -> None:
    answer = get(console, path)
    assert answer.status == 404
    assert error_code(answer) == "not_found"


# -- one task ----------------------------------------------------------------------------


def test_a_finished_task_has_steps_attempts_results_and_its_dag(
    console: Console, finished_order: str
) -> None:
    data = get(console, f"api/tasks/{finished_order}").json()
    task = data["task"]
    assert task["status"] == "complete"
    assert task["terminal"] is True
    assert task["progress"] == {"completed": 10, "total": 10, "failed": 0, "percent": 100.0}
    assert task["context"]["customer"]["api_token"] == MASK
    assert data["poll_after_seconds"] is None
    steps = {step["name"]: step for step in data["steps"]}
    validate = steps["validate_order"]
    assert validate["state"] == "complete"
    assert validate["attempts"] == 1
    assert validate["result"]["order_id"] == "ORD-1001"
    assert validate["error"] is None
    assert validate["history"]
    assert validate["history"][0]["success"] is True
    assert validate["inputs"]["context"]["customer"]["api_token"] == MASK
    choose = steps["choose_shipping"]
    assert set(choose["inputs"]["dependency_results"]) == {"reserve_inventory", "charge_payment"}
    worker = steps["send_notification_batch_001"]
    assert worker["template_step"] == "send_notification_batch"
    assert "prepare_notifications" in worker["inputs"]["dependency_results"]
    nodes = {node["name"]: node for node in data["dag"]["nodes"]}
    assert nodes["standard_shipping"]["state"] == "not_taken"
    assert nodes["standard_shipping"]["step_uuid"] is None
    assert nodes["express_shipping"]["state"] == "complete"
    assert nodes["send_notification_batch_001"]["group"] == "send_notification_batch"
    assert all(n["width"] > 0 and n["height"] > 0 for n in nodes.values())
    assert data["dag"]["groups"][0]["name"] == "send_notification_batch"
    assert {"source": "validate_order", "target": "charge_payment"}.items() <= next(
        e for e in data["dag"]["edges"] if e["target"] == "charge_payment"
    ).items()


def test_markup_in_a_step_result_stays_data(host: TaskerHost, console: Console) -> None:
    evil = "<script>window.__pwned=1</script>"
    task = submit(host, order(items=[{"sku": evil, "quantity": 1, "unit_price": 1.0}]))
    wait_terminal(host, task.task_uuid)
    answer = get(console, f"api/tasks/{task.task_uuid}")
    assert answer.content_type == "application/json"
    assert b"<script" not in answer.body.lower()
    assert b"<" not in answer.body
    steps = {step["name"]: step for step in answer.json()["steps"]}
    assert steps["validate_order"]["result"]["skus"] == [evil]


def test_values_over_the_cap_are_truncated(host: TaskerHost, finished_order: str) -> None:
    console = Console(host.client, ConsoleSettings(enabled=True, max_value_chars=100))
    data = get(console, f"api/tasks/{finished_order}").json()
    assert data["task"]["context"]["truncated"] is True
    assert data["task"]["context"]["chars"] > 100
    assert data["dag"]["template_found"] is False  # no templates given to this console


def test_unknown_and_malformed_task_ids_are_404(console: Console) -> None:
    for task_id in ["00000000-0000-4000-8000-000000000000", "x" * 200, "-leading", "a.b"]:
        answer = get(console, f"api/tasks/{task_id}")
        assert answer.status == 404
        assert error_code(answer) == "not_found"


# -- events ------------------------------------------------------------------------------


def test_events_are_recent_masked_and_per_task(host: TaskerHost, finished_order: str) -> None:
    masking_email = Console(
        host.client,
        ConsoleSettings(enabled=True, mask_keys=["*email*", "recipient*"]),
        events=host.console_events,
    )
    data = get(masking_email, "api/events", task=finished_order, limit="500").json()
    assert data["collected"] is True
    names = [event["name"] for event in data["events"]]
    assert "task.execution.completed" in names
    assert "step.execution.completed" in names
    assert {event["task_uuid"] for event in data["events"]} == {finished_order}
    assert "a@example.com" not in json.dumps(data)
    assert get(masking_email, "api/events", limit="2").json()["events"].__len__() == 2


def test_event_query_errors_are_400(console: Console) -> None:
    for query in [{"limit": "0"}, {"limit": "9999"}, {"limit": "x"}, {"task": "../x"}]:
        answer = get(console, "api/events", **query)
        assert answer.status == 400
        assert error_code(answer) == "bad_request"


def test_the_host_collects_events_only_when_the_console_is_enabled() -> None:
    host = TaskerHost(example_settings(enabled=False), framework="test", log_events=False)
    host.start()
    try:
        assert host.console_events is None
        data = get(Console(host.client, ConsoleSettings(enabled=True)), "api/events").json()
        assert data == {"events": [], "collected": False, "buffer_size": 0}
    finally:
        host.stop()


def test_an_enabled_host_has_a_bounded_buffer_of_the_configured_size(host: TaskerHost) -> None:
    events = host.console_events
    assert events is not None
    assert events.size == 500


# -- actions -----------------------------------------------------------------------------

BODY = json.dumps(
    {"namespace": "ecommerce", "name": "order_processing", "version": "1.0.0", "context": order()}
).encode()


def post(console: Console, path: str, body: bytes = b"", **options: Any) -> Any:
    return console.handle(ConsoleRequest("POST", path, MOUNT, body=body, **options))


def task_count(host: TaskerHost) -> int:
    return host.client.list_tasks(limit=1).pagination.total_count


@pytest.mark.parametrize(
    ("actions", "granted", "csrf_ok", "code"),
    [
        ([], {"submit"}, True, "action_not_permitted"),  # not enabled in settings
        (["submit"], set(), True, "action_not_permitted"),  # not granted to the request
        (["submit"], {"cancel"}, True, "action_not_permitted"),
        (["submit"], {"submit"}, False, "csrf_failed"),
    ],
)
def test_submit_needs_setting_permission_and_csrf(
    host: TaskerHost, actions: list[str], granted: set[str], csrf_ok: bool, code: str
) -> None:
    console = Console(host.client, ConsoleSettings(enabled=True, actions=actions))
    before = task_count(host)
    answer = post(console, "api/tasks", BODY, permissions=frozenset(granted), csrf_ok=csrf_ok)
    assert answer.status == 403
    assert error_code(answer) == code
    assert task_count(host) == before, "a refused submit created nothing"


def test_a_permitted_submit_creates_the_task(host: TaskerHost, console: Console) -> None:
    answer = post(console, "api/tasks", BODY, permissions=frozenset({"submit"}), csrf_ok=True)
    assert answer.status == 201
    created = answer.json()["task"]
    assert created["name"] == "order_processing"
    task = wait_terminal(host, created["uuid"])
    assert task.initiator == "tasker-console"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"namespace": "ecommerce", "name": "order_processing", "version": "1.0.0", "x": 1}',
        b'{"namespace": "ecommerce", "name": "order_processing", "version": "1.0.0", '
        b'"context": [1]}',
        b'{"namespace": "ecommerce", "version": "1.0.0"}',
        b'{"namespace": "ecommerce", "name": "no_such_template", "version": "9.9.9"}',
        b"\xff\xfe",
    ],
)
def test_bad_submissions_are_400_without_internals(console: Console, body: bytes) -> None:
    answer = post(console, "api/tasks", body, permissions=frozenset({"submit"}), csrf_ok=True)
    assert answer.status == 400
    assert error_code(answer) == "bad_request"
    message = answer.json()["error"]["message"]
    assert "/" not in message.replace("{namespace, name, version, context}", "")
    assert "Traceback" not in message


def test_cancel_needs_the_same_gates(host: TaskerHost, finished_order: str) -> None:
    read_only = Console(host.client, ConsoleSettings(enabled=True))
    answer = post(read_only, f"api/tasks/{finished_order}/cancel",
                  permissions=frozenset({"cancel"}), csrf_ok=True)  # fmt: skip
    assert answer.status == 403
    assert error_code(answer) == "action_not_permitted"
    allowed = Console(host.client, ConsoleSettings(enabled=True, actions=["cancel"]))
    answer = post(allowed, f"api/tasks/{finished_order}/cancel",
                  permissions=frozenset({"cancel"}))  # fmt: skip
    assert answer.status == 403
    assert error_code(answer) == "csrf_failed"
    # Permitted, but the task already finished: the engine refuses it, the console says why.
    answer = post(allowed, f"api/tasks/{finished_order}/cancel",
                  permissions=frozenset({"cancel"}), csrf_ok=True)  # fmt: skip
    assert answer.status == 400
    assert error_code(answer) == "bad_request"
    assert host.client.get_task(finished_order).status == "complete"


def test_a_permitted_cancel_cancels_a_running_task(host: TaskerHost, console: Console) -> None:
    # Payment retries with backoff keep this order running long enough to cancel it.
    task = submit(host, order(simulate_gateway_failures=1))
    answer = post(console, f"api/tasks/{task.task_uuid}/cancel",
                  permissions=frozenset({"cancel"}), csrf_ok=True)  # fmt: skip
    assert answer.status == 200, answer.json()
    assert answer.json()["task"]["status"] == "cancelled"


# -- upstream failures -------------------------------------------------------------------


class FailingClient:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def list_tasks(self, **_: Any) -> Any:
        raise self.error

    def get_task(self, task_uuid: str) -> Any:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (
            OrchestrationUnavailableError("http://orch.internal:8080/v1/tasks refused"),
            503,
            "upstream_unavailable",
        ),
        (RuntimeError("/srv/app/secret/path.py exploded"), 502, "upstream_error"),
    ],
)
def test_client_failures_become_codes_without_internals(
    error: Exception, status: int, code: str
) -> None:
    console = Console(FailingClient(error), ConsoleSettings(enabled=True))  # type: ignore[arg-type]
    for path in ["api/tasks", "api/tasks/abc"]:
        answer = get(console, path)
        assert answer.status == status
        assert error_code(answer) == code
        assert b"orch.internal" not in answer.body
        assert b"/srv/app" not in answer.body


def test_task_requests_from_the_console_are_valid_task_requests() -> None:
    # The console's submit builds the same model application code sends.
    request = TaskRequest(namespace="n", name="t", version="1", context={})
    assert request.to_json_body()["name"] == "t"


class StepReplacedClient:
    """The host's client, except that every step vanished before its audit was read."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def get_step_audit(self, task_uuid: str, step_uuid: str) -> Any:
        from tasker_contrib_core.errors import TaskNotFoundError

        raise TaskNotFoundError("replaced meanwhile", task_uuid=task_uuid, step_uuid=step_uuid)


def test_a_step_replaced_while_the_task_runs_does_not_fail_the_task_view(
    host: TaskerHost, finished_order: str
) -> None:
    console = Console(StepReplacedClient(host.client), ConsoleSettings(enabled=True))  # type: ignore[arg-type]
    answer = get(console, f"api/tasks/{finished_order}")
    assert answer.status == 200
    assert all(step["history"] == [] for step in answer.json()["steps"])


class CountingAudits(StepReplacedClient):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.audits = 0

    def get_step_audit(self, task_uuid: str, step_uuid: str) -> Any:
        self.audits += 1
        return self.client.get_step_audit(task_uuid, step_uuid)


def test_the_attempt_history_is_read_for_a_bounded_number_of_steps(
    host: TaskerHost, finished_order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasker_contrib_core.console import api

    monkeypatch.setattr(api, "MAX_AUDITED_STEPS", 3)
    client = CountingAudits(host.client)
    console = Console(client, ConsoleSettings(enabled=True))  # type: ignore[arg-type]
    steps = get(console, f"api/tasks/{finished_order}").json()["steps"]
    assert client.audits == 3
    assert [step["history"] is None for step in steps].count(True) == len(steps) - 3
    assert all(step["attempts"] >= 1 for step in steps)


def test_steps_never_attempted_cost_no_audit_call() -> None:
    local = LocalRuntime(example_settings())  # never started: the store is read directly
    template = load_template(example.TEMPLATES_DIR / "order_processing.yaml")
    request = TaskRequest(namespace="ecommerce", name="order_processing", version="1.0.0")
    record = local.store.create(request, template)
    client = CountingAudits(local.client)
    console = Console(client, ConsoleSettings(enabled=True))  # type: ignore[arg-type]
    steps = get(console, f"api/tasks/{record.task_uuid}").json()["steps"]
    assert client.audits == 0
    assert {step["state"] for step in steps} == {"pending"}
    assert all(step["history"] == [] for step in steps)
