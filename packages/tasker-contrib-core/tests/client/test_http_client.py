"""HTTP behaviour of the orchestration clients against a real server on 127.0.0.1.

Retries (only idempotent calls, only on transport failures and 5xx), error
bodies carried into exceptions, the API key header, timeouts, paging and
configuration. The behaviour every task client shares is in ``contract.py``.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from tasker_contrib_core.client import (
    AsyncOrchestrationClient,
    OrchestrationClient,
    OrchestrationConfigError,
    OrchestrationHTTPError,
    OrchestrationResponseError,
    OrchestrationUnavailableError,
    RetryPolicy,
    TaskNotFoundError,
    TaskRequest,
)
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.errors import OrchestrationClientError, TaskerContribError

TASK_PATH = r"/v1/tasks/[^/]+"


def fault(**kwargs: Any) -> Any:
    from tasker_contrib_testsupport.fake_orchestration import Fault

    return Fault(**kwargs)


def request(name: str = "order_flow") -> TaskRequest:
    return TaskRequest(name=name, namespace="orders", version="1.0.0", context={"id": 1})


@pytest.fixture
def client(fake: Any, fast_retry: RetryPolicy) -> Iterator[OrchestrationClient]:
    with OrchestrationClient(fake.url, retry=fast_retry, timeout=2.0) as c:
        yield c


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- request shape and authentication ---------------------------------------------------


def test_create_sends_every_field_the_server_requires(
    fake: Any, client: OrchestrationClient
) -> None:
    client.create_task(request())
    (call,) = fake.state.calls("POST", "/v1/tasks")
    body = call.body
    for key in ("initiator", "source_system", "reason", "tags", "requested_at"):
        assert key in body
    # chrono's NaiveDateTime refuses an offset suffix
    assert "+" not in body["requested_at"]
    assert not body["requested_at"].endswith("Z")
    assert uuid.UUID(body["correlation_id"])
    assert "priority" not in body  # unset optional fields are left out


def test_api_key_sent_in_x_api_key_header(fake: Any) -> None:
    fake.state.api_key = "s3cret"
    with OrchestrationClient(fake.url, api_key=SecretStr("s3cret")) as c:
        c.create_task(request())
        c.list_tasks()
    assert fake.state.requests
    assert {r.headers.get("x-api-key") for r in fake.state.requests} == {"s3cret"}


def test_custom_api_key_header(fake: Any) -> None:
    fake.state.api_key = "k"
    fake.state.api_key_header = "Authorization-Key"
    with OrchestrationClient(fake.url, api_key="k", api_key_header="Authorization-Key") as c:
        c.list_tasks()
    assert fake.state.requests[-1].headers["authorization-key"] == "k"
    assert "x-api-key" not in fake.state.requests[-1].headers


def test_no_api_key_no_header(fake: Any, client: OrchestrationClient) -> None:
    client.health()
    assert "x-api-key" not in fake.state.requests[-1].headers
    assert fake.state.requests[-1].headers["user-agent"].startswith("tasker-contrib/")


def test_wrong_api_key_raises_401_with_advice(fake: Any) -> None:
    fake.state.api_key = "right"
    with (
        OrchestrationClient(fake.url, api_key="wrong") as c,
        pytest.raises(OrchestrationHTTPError) as info,
    ):
        c.list_tasks()
    err = info.value
    assert err.status_code == 401
    assert err.code == "AUTHENTICATION_FAILED"
    assert err.server_message == "Invalid API key"
    assert "X-API-Key" in str(err)
    assert err.attempts == 1


# -- 4xx ------------------------------------------------------------------------------


def test_4xx_carries_the_server_message_and_is_not_retried(
    fake: Any, client: OrchestrationClient
) -> None:
    with pytest.raises(OrchestrationHTTPError) as info:
        client.create_task(request("no_such_template"))
    err = info.value
    assert (err.status_code, err.code) == (400, "BAD_REQUEST")
    assert err.server_message == "Task template not found: no_such_template"
    assert "Task template not found: no_such_template" in str(err)
    assert err.method == "POST"
    assert len(fake.state.calls("POST", "/v1/tasks")) == 1


def test_4xx_on_idempotent_call_is_not_retried(fake: Any, client: OrchestrationClient) -> None:
    fake.state.inject(
        fault(
            method="GET",
            path="/v1/tasks",
            status=403,
            times=5,
            body={"error": {"code": "FORBIDDEN", "message": "Access denied"}},
        )
    )
    with pytest.raises(OrchestrationHTTPError) as info:
        client.list_tasks()
    assert info.value.status_code == 403
    assert len(fake.state.calls("GET", "/v1/tasks")) == 1


def test_unknown_task_is_task_not_found(fake: Any, client: OrchestrationClient) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(TaskNotFoundError) as info:
        client.get_task(missing)
    err = info.value
    assert isinstance(err, OrchestrationHTTPError)
    assert isinstance(err, LookupError)
    assert err.status_code == 404
    assert err.task_uuid == missing
    assert f"Task not found: {missing}" in str(err)
    assert len(fake.state.calls("GET", TASK_PATH)) == 1


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"NotFound": {"message": "gone"}}, "NotFound", "gone"),
        ({"message": "plain"}, None, "plain"),
        ("Forbidden", "Forbidden", None),
        (b"<html>bad gateway</html>", None, "<html>bad gateway</html>"),
    ],
)
def test_error_bodies_of_other_shapes_are_understood(
    fake: Any, client: OrchestrationClient, body: Any, code: str | None, message: str | None
) -> None:
    fake.state.inject(fault(method="GET", path="/health", status=418, body=body))
    with pytest.raises(OrchestrationHTTPError) as info:
        client.health()
    assert info.value.code == code
    assert info.value.server_message == message


def test_malformed_success_body_is_a_response_error(fake: Any, client: OrchestrationClient) -> None:
    fake.state.inject(fault(method="GET", path="/health", status=200, body={"up": True}))
    with pytest.raises(OrchestrationResponseError, match="status"):
        client.health()


# -- retries ------------------------------------------------------------------------------


def test_get_retries_5xx_then_succeeds(fake: Any, client: OrchestrationClient) -> None:
    created = client.create_task(request())
    fake.state.inject(fault(method="GET", path=TASK_PATH, status=503, times=2))
    task = client.get_task(created.task_uuid)
    assert task.task_uuid == created.task_uuid
    assert len(fake.state.calls("GET", TASK_PATH)) == 3


def test_get_gives_up_after_max_attempts(fake: Any, client: OrchestrationClient) -> None:
    fake.state.inject(
        fault(
            method="GET",
            path="/health",
            status=500,
            times=10,
            body={"error": {"code": "INTERNAL_ERROR", "message": "Internal server error"}},
        )
    )
    with pytest.raises(OrchestrationHTTPError) as info:
        client.health()
    assert info.value.status_code == 500
    assert info.value.attempts == 3
    assert "after 3 attempts" in str(info.value)
    assert len(fake.state.calls("GET", "/health")) == 3


def test_post_is_never_retried_on_5xx(fake: Any, client: OrchestrationClient) -> None:
    fake.state.inject(fault(method="POST", path="/v1/tasks", status=503, times=5))
    with pytest.raises(OrchestrationHTTPError) as info:
        client.create_task(request())
    assert info.value.status_code == 503
    assert len(fake.state.calls("POST", "/v1/tasks")) == 1


def test_get_retries_a_dropped_connection(fake: Any, client: OrchestrationClient) -> None:
    fake.state.inject(fault(method="GET", path="/health", action="drop", times=2))
    assert client.health().status == "healthy"
    assert len(fake.state.calls("GET", "/health")) == 3


def test_post_is_never_retried_on_a_dropped_connection(
    fake: Any, client: OrchestrationClient
) -> None:
    fake.state.inject(fault(method="POST", path="/v1/tasks", action="drop_after"))
    with pytest.raises(OrchestrationUnavailableError) as info:
        client.create_task(request())
    assert info.value.attempts == 1
    assert "idempotency_key" in str(info.value)
    assert len(fake.state.calls("POST", "/v1/tasks")) == 1
    assert len(fake.state.tasks) == 1  # the server did create it: a retry would duplicate


def test_cancel_retried_after_it_went_through_reports_the_cancelled_task(
    fake: Any, client: OrchestrationClient
) -> None:
    created = client.create_task(request())
    fake.state.inject(fault(method="DELETE", path=TASK_PATH, action="drop_after"))
    cancelled = client.cancel_task(created.task_uuid)
    assert cancelled.status == "cancelled"
    assert len(fake.state.calls("DELETE", TASK_PATH)) == 2


def test_cancel_of_a_finished_task_is_refused(fake: Any, client: OrchestrationClient) -> None:
    created = client.create_task(request())
    while not client.get_task(created.task_uuid).is_terminal:
        pass
    with pytest.raises(OrchestrationHTTPError) as info:
        client.cancel_task(created.task_uuid)
    assert info.value.status_code == 400
    assert "cannot be cancelled" in (info.value.server_message or "")


def test_retry_after_header_is_honoured_within_the_cap(fake: Any) -> None:
    policy = RetryPolicy(max_attempts=2, backoff_base=0.0, backoff_max=0.3, jitter=False)
    fake.state.inject(
        fault(method="GET", path="/health", status=503, headers={"Retry-After": "30"})
    )
    with OrchestrationClient(fake.url, retry=policy) as c:
        started = time.monotonic()
        c.health()
        waited = time.monotonic() - started
    assert 0.25 <= waited < 5


def test_retry_disabled_makes_one_attempt(fake: Any) -> None:
    fake.state.inject(fault(method="GET", path="/health", status=503, times=3))
    with (
        OrchestrationClient(fake.url, retry=RetryPolicy.disabled()) as c,
        pytest.raises(OrchestrationHTTPError),
    ):
        c.health()
    assert len(fake.state.calls("GET", "/health")) == 1


def test_connection_refused_is_unavailable_after_retries(fast_retry: RetryPolicy) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with (
        OrchestrationClient(url, retry=fast_retry) as c,
        pytest.raises(OrchestrationUnavailableError) as info,
    ):
        c.health()
    assert info.value.attempts == 3
    assert "is the orchestration service running" in str(info.value)
    assert isinstance(info.value, OrchestrationClientError)
    assert isinstance(info.value, TaskerContribError)


# -- timeouts -----------------------------------------------------------------------------


def test_timeout_is_respected(fake: Any) -> None:
    fake.state.inject(fault(method="GET", path="/health", action="delay", seconds=2.0))
    with OrchestrationClient(fake.url, timeout=0.2, retry=RetryPolicy.disabled()) as c:
        started = time.monotonic()
        with pytest.raises(OrchestrationUnavailableError, match="timed out"):
            c.health()
        assert time.monotonic() - started < 1.5


def test_timeout_on_get_is_retried(fake: Any, fast_retry: RetryPolicy) -> None:
    fake.state.inject(fault(method="GET", path="/health", action="delay", seconds=1.0))
    with OrchestrationClient(fake.url, timeout=0.2, retry=fast_retry) as c:
        started = time.monotonic()
        assert c.health().status == "healthy"
        assert time.monotonic() - started < 1.0
    assert len(fake.state.calls("GET", "/health")) == 2


# -- paging ---------------------------------------------------------------------------------


def test_offset_not_on_a_page_boundary_reads_two_pages(
    fake: Any, client: OrchestrationClient
) -> None:
    made = [client.create_task(request()).task_uuid for _ in range(5)]
    newest_first = list(reversed(made))
    listing = client.list_tasks(limit=2, offset=3)
    assert [t.task_uuid for t in listing.tasks] == newest_first[3:5]
    pages = [(c.query["page"], c.query["per_page"]) for c in fake.state.calls("GET", "/v1/tasks")]
    assert pages == [(["2"], ["2"]), (["3"], ["2"])]


def test_aligned_offset_reads_one_page(fake: Any, client: OrchestrationClient) -> None:
    for _ in range(3):
        client.create_task(request())
    listing = client.list_tasks(limit=2, offset=2, namespace="orders", status="pending")
    assert len(listing.tasks) == 1
    (call,) = fake.state.calls("GET", "/v1/tasks")
    assert call.query == {
        "page": ["2"],
        "per_page": ["2"],
        "namespace": ["orders"],
        "status": ["pending"],
    }


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (101, 0), (10, -1)])
def test_bad_paging_arguments_fail_before_any_request(
    fake: Any, client: OrchestrationClient, limit: int, offset: int
) -> None:
    with pytest.raises(ValueError, match=r"limit|offset"):
        client.list_tasks(limit=limit, offset=offset)
    assert fake.state.requests == []


def test_ids_cannot_escape_their_path_segment(fake: Any, client: OrchestrationClient) -> None:
    with pytest.raises(TaskNotFoundError):
        client.get_task("../health")
    assert fake.state.requests[-1].path == "/v1/tasks/..%2Fhealth"


# -- configuration --------------------------------------------------------------------------


def test_from_settings_uses_url_and_secret_api_key(fake: Any) -> None:
    fake.state.api_key = "from-settings"
    settings = TaskerSettings(orchestration_url=fake.url, api_key="from-settings", _environ={})
    with OrchestrationClient.from_settings(settings) as c:
        assert c.list_tasks().tasks == []
    assert fake.state.requests[-1].headers["x-api-key"] == "from-settings"
    assert "from-settings" not in repr(c)


def test_from_settings_without_url_says_what_to_set() -> None:
    settings = TaskerSettings(_environ={})
    with pytest.raises(OrchestrationConfigError, match="orchestration_url") as info:
        OrchestrationClient.from_settings(settings)
    assert info.value.key == "orchestration_url"
    with pytest.raises(OrchestrationConfigError):
        AsyncOrchestrationClient.from_settings(settings)


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://host", "http://"])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(OrchestrationConfigError, match="http"):
        OrchestrationClient(url)


def test_trailing_slash_in_base_url(fake: Any) -> None:
    with OrchestrationClient(fake.url + "/", retry=RetryPolicy.disabled()) as c:
        c.health()
    assert fake.state.requests[-1].path == "/health"


def test_base_url_with_a_path_prefix(fake: Any) -> None:
    # e.g. behind a reverse proxy that mounts the service under /tasker
    with (
        OrchestrationClient(fake.url + "/tasker", retry=RetryPolicy.disabled()) as c,
        pytest.raises(OrchestrationHTTPError),
    ):
        c.health()
    assert fake.state.requests[-1].path == "/tasker/health"


def test_lent_http_client_is_used_and_not_closed(fake: Any) -> None:
    fake.state.api_key = "lent"
    with httpx.Client() as http:
        with OrchestrationClient(fake.url, http_client=http, api_key="lent") as c:
            assert c.list_tasks().tasks == []
        assert not http.is_closed
    assert fake.state.requests[-1].headers["x-api-key"] == "lent"


def test_closing_releases_the_pool(fake: Any) -> None:
    c = OrchestrationClient(fake.url)
    c.health()
    c.close()
    with pytest.raises(OrchestrationClientError):
        c.health()


# -- async twin ---------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_async_retries_idempotent_calls_only(fake: Any, fast_retry: RetryPolicy) -> None:
    fake.state.inject(fault(method="GET", path="/health", status=502, times=2))
    fake.state.inject(fault(method="POST", path="/v1/tasks", status=502, times=2))
    async with AsyncOrchestrationClient(fake.url, retry=fast_retry, api_key="k") as c:
        assert (await c.health()).status == "healthy"
        with pytest.raises(OrchestrationHTTPError) as info:
            await c.create_task(request())
    assert info.value.status_code == 502
    assert len(fake.state.calls("GET", "/health")) == 3
    assert len(fake.state.calls("POST", "/v1/tasks")) == 1
    assert {r.headers["x-api-key"] for r in fake.state.requests} == {"k"}


@pytest.mark.anyio
async def test_async_dropped_connection_and_timeout(fake: Any, fast_retry: RetryPolicy) -> None:
    fake.state.inject(fault(method="GET", path="/health", action="drop"))
    fake.state.inject(fault(method="POST", path="/v1/tasks", action="delay", seconds=1.0))
    async with AsyncOrchestrationClient(fake.url, retry=fast_retry, timeout=0.2) as c:
        assert (await c.health()).status == "healthy"
        started = time.monotonic()
        with pytest.raises(OrchestrationUnavailableError, match="timed out"):
            await c.create_task(request())
        assert time.monotonic() - started < 0.9
    assert len(fake.state.calls("POST", "/v1/tasks")) == 1


@pytest.mark.anyio
async def test_async_4xx_message_and_paging(fake: Any, fast_retry: RetryPolicy) -> None:
    async with AsyncOrchestrationClient(fake.url, retry=fast_retry) as c:
        with pytest.raises(OrchestrationHTTPError, match="Task template not found"):
            await c.create_task(request("no_such_template"))
        for _ in range(3):
            await c.create_task(request())
        listing = await c.list_tasks(limit=2, offset=1)
    assert len(listing.tasks) == 2
    assert len(fake.state.calls("GET", "/v1/tasks")) == 2
