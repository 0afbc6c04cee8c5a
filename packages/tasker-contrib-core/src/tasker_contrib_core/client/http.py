"""HTTP clients for the Tasker orchestration REST API (sync and async, on httpx).

For processes that only submit and inspect tasks (web processes, scripts,
Celery beat): they talk to the orchestration service directly instead of
hosting a worker. ``tasker_core.TaskerClient`` is not an option there: it only
works inside a process that bootstrapped a worker and holds the GIL for the
whole request.

Both clients implement :class:`~tasker_contrib_core.client.protocol.TaskClient`
(resp. ``AsyncTaskClient``), retry idempotent calls per
:class:`~tasker_contrib_core.client.retry.RetryPolicy`, and raise the errors
documented in :mod:`tasker_contrib_core.client.protocol`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar
from urllib.parse import urlsplit

import anyio
import httpx
from pydantic import SecretStr, TypeAdapter

from tasker_contrib_core.client import endpoints
from tasker_contrib_core.client.decode import decode, raise_for_status
from tasker_contrib_core.client.endpoints import RequestSpec
from tasker_contrib_core.client.models import (
    HealthResponse,
    StepAuditEntry,
    StepResponse,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)
from tasker_contrib_core.client.retry import RetryPolicy, retry_after_seconds
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationConfigError,
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
)
from tasker_contrib_core.states import TaskState

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Header upstream's own clients send the API key in.
DEFAULT_API_KEY_HEADER = "X-API-Key"
DEFAULT_TIMEOUT = 10.0

_TASK = TypeAdapter(TaskResponse)
_TASK_LIST = TypeAdapter(TaskListResponse)
_STEP = TypeAdapter(StepResponse)
_STEPS = TypeAdapter(list[StepResponse])
_AUDIT = TypeAdapter(list[StepAuditEntry])
_HEALTH = TypeAdapter(HealthResponse)


def _user_agent() -> str:
    from tasker_contrib_core import __version__

    return f"tasker-contrib/{__version__}"


def _checked_base_url(base_url: str | None) -> str:
    if not base_url:
        raise OrchestrationConfigError(
            "no orchestration URL is configured; set orchestration_url (environment "
            "variable TASKER_ORCHESTRATION_URL), e.g. http://localhost:8080",
            key="orchestration_url",
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OrchestrationConfigError(
            f"orchestration URL {base_url!r} is not an http(s) URL with a host; "
            "use e.g. http://localhost:8080",
            key="orchestration_url",
        )
    return base_url.rstrip("/")


def _headers(
    api_key: str | SecretStr | None, api_key_header: str, extra: Mapping[str, str] | None
) -> dict[str, str]:
    headers = {"User-Agent": _user_agent(), "Accept": "application/json"}
    if extra:
        headers.update(extra)
    if api_key is not None:
        secret = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        if secret:
            headers[api_key_header] = secret
    return headers


def _timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _per_request(
    lent: httpx.Client | httpx.AsyncClient | None,
    headers: dict[str, str],
    timeout: float | httpx.Timeout,
) -> dict[str, Any]:
    if lent is None:
        return {}
    return {"headers": headers, "timeout": _timeout(timeout)}


def _settings_kwargs(settings: TaskerSettings) -> dict[str, Any]:
    return {"base_url": settings.orchestration_url, "api_key": settings.api_key}


def _unavailable(spec: RequestSpec, url: str, error: Exception, attempts: int) -> Exception:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
    retried = f" after {attempts} attempts" if attempts > 1 else ""
    hint = (
        ""
        if spec.idempotent
        else " (task creation is never retried automatically: the "
        "task may or may not exist; use an idempotency_key to retry safely)"
    )
    return OrchestrationUnavailableError(
        f"{spec.label} to {url} {kind}{retried}: {type(error).__name__}: {error or 'no detail'}"
        f"; is the orchestration service running and reachable?{hint}",
        method=spec.method,
        url=url,
        attempts=attempts,
    )


def _refuse_if_closed(closed: bool, client: object) -> None:
    if closed:
        raise OrchestrationClientError(
            f"{client!r} was closed; create a new client (or keep it open for the process)"
        )


def _log_retry(spec: RequestSpec, attempt: int, delay: float, reason: str) -> None:
    logger.warning(
        "orchestration call %s failed (%s) on attempt %d; retrying in %.2fs",
        spec.label,
        reason,
        attempt,
        delay,
    )


def _merge_pages(window: endpoints.ListWindow, pages: list[TaskListResponse]) -> TaskListResponse:
    tasks = [task for page in pages for task in page.tasks]
    chosen = tasks[window.skip : window.skip + window.limit]
    return TaskListResponse(tasks=chosen, pagination=pages[0].pagination)


def _is_cancel_already_done(error: OrchestrationHTTPError) -> bool:
    # A retried cancel whose first attempt went through is refused as "cannot
    # be cancelled"; the caller is then told the truth by reading the task.
    return error.status_code == 400 and error.attempts > 1


#: A call an operation asks its client to make, and the operation itself: it
#: yields calls, receives their answers (or has their errors thrown in) and
#: returns its result. The sync and async clients drive the same operations.
_Call: TypeAlias = "tuple[RequestSpec, TypeAdapter[Any]]"
_Operation: TypeAlias = "Generator[_Call, Any, T]"


def _list_tasks(
    limit: int, offset: int, namespace: str | None, status: str | None
) -> _Operation[TaskListResponse]:
    window = endpoints.list_window(limit, offset)
    pages: list[TaskListResponse] = []
    for page in window.pages:
        spec = endpoints.list_tasks_page(page, limit, namespace=namespace, status=status)
        pages.append((yield spec, _TASK_LIST))
    return _merge_pages(window, pages)


def _cancel_task(task_uuid: str) -> _Operation[TaskResponse]:
    try:
        cancelled: TaskResponse = yield endpoints.cancel_task(task_uuid), _TASK
    except OrchestrationHTTPError as exc:
        if _is_cancel_already_done(exc):
            task: TaskResponse = yield endpoints.get_task(task_uuid), _TASK
            if task.status == TaskState.CANCELLED:
                return task
        raise
    return cancelled


HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)
ClientT = TypeVar("ClientT", bound="_ClientBase[Any, Any]")


class _ClientBase(Generic[HttpT, TransportT]):
    """What both clients hold: the checked URL, the headers sent, the retry policy, the pool."""

    _http_type: ClassVar[type[Any]]

    def __init__(
        self,
        base_url: str | None,
        *,
        api_key: str | SecretStr | None = None,
        api_key_header: str = DEFAULT_API_KEY_HEADER,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: TransportT | None = None,
        http_client: HttpT | None = None,
    ) -> None:
        self.base_url = _checked_base_url(base_url)
        self.api_key_header = api_key_header
        self.retry = retry or RetryPolicy()
        self._owns_http = http_client is None
        sent_headers = _headers(api_key, api_key_header, headers)
        # A lent client keeps its own defaults; ours are sent with each request.
        self._per_request = _per_request(http_client, sent_headers, timeout)
        self._http: HttpT = http_client or self._http_type(
            headers=sent_headers, timeout=_timeout(timeout), transport=transport
        )

    @classmethod
    def from_settings(cls: type[ClientT], settings: TaskerSettings, **overrides: Any) -> ClientT:
        """Build from ``settings.orchestration_url`` and ``settings.api_key``."""
        return cls(**{**_settings_kwargs(settings), **overrides})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _request_kwargs(client: _ClientBase[Any, Any], spec: RequestSpec) -> dict[str, Any]:
    return {"params": spec.params, "json": spec.json, **client._per_request}


@dataclass(frozen=True)
class _Pause:
    """The exchange asks its driver to release ``response`` (if any) and sleep."""

    seconds: float
    response: httpx.Response | None = None


#: What an exchange asks of its driver: send the request again, or pause.
_Action: TypeAlias = "_Pause | None"
#: What a driver answers after sending: the response, or the transport error.
_Outcome: TypeAlias = "httpx.Response | httpx.TransportError | None"


def _exchange(
    client: _ClientBase[Any, Any],
    spec: RequestSpec,
    adapter: TypeAdapter[T],
) -> Generator[_Action, _Outcome, T]:
    """The one request/retry path of both clients, free of I/O.

    It yields ``None`` to ask for the request to be sent (and receives the
    response or the ``httpx.TransportError``), or a :class:`_Pause` to ask
    for a sleep; it returns the decoded body or raises the documented error.
    The sync and async clients only differ in how they send and sleep.
    """
    attempt = 0
    while True:
        attempt += 1
        outcome = yield None
        if isinstance(outcome, httpx.TransportError):
            if spec.idempotent and client.retry.should_retry_error(outcome, attempt):
                delay = client.retry.delay(attempt)
                _log_retry(spec, attempt, delay, type(outcome).__name__)
                yield _Pause(delay)
                continue
            url = f"{client.base_url}{spec.path}"
            raise _unavailable(spec, url, outcome, attempt) from outcome
        assert outcome is not None
        if spec.idempotent and client.retry.should_retry_status(outcome.status_code, attempt):
            delay = client.retry.delay(attempt, retry_after_seconds(outcome))
            _log_retry(spec, attempt, delay, f"HTTP {outcome.status_code}")
            yield _Pause(delay, outcome)
            continue
        raise_for_status(outcome, spec, attempts=attempt, api_key_header=client.api_key_header)
        return decode(outcome, spec, adapter)


class OrchestrationClient(_ClientBase[httpx.Client, httpx.BaseTransport]):
    """Blocking client; safe to share between threads (one connection pool).

    Use it as a context manager, or call :meth:`close`, to release the pool.
    ``transport`` is for tests and custom networking (``httpx.MockTransport``,
    a proxy transport); ``http_client`` lends an existing ``httpx.Client``
    (its pool, proxies and event hooks are used; our headers and timeout are
    sent with each request), which is then not closed by :meth:`close`.
    """

    _http_type = httpx.Client

    def __enter__(self) -> OrchestrationClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool (a lent ``http_client`` is left open)."""
        if self._owns_http:
            self._http.close()

    def _call(self, spec: RequestSpec, adapter: TypeAdapter[T]) -> T:
        _refuse_if_closed(self._http.is_closed, self)
        exchange = _exchange(self, spec, adapter)
        outcome: _Outcome = None
        try:
            while True:
                action = exchange.send(outcome)
                outcome = None
                if isinstance(action, _Pause):
                    if action.response is not None:
                        action.response.close()
                    time.sleep(action.seconds)
                    continue
                try:
                    outcome = self._http.request(
                        spec.method, self.base_url + spec.path, **_request_kwargs(self, spec)
                    )
                except httpx.TransportError as exc:
                    outcome = exc
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def create_task(self, request: TaskRequest) -> TaskResponse:
        """``POST /v1/tasks``; never retried automatically."""
        return self._call(endpoints.create_task(request), _TASK)

    def get_task(self, task_uuid: str) -> TaskResponse:
        """``GET /v1/tasks/{uuid}``."""
        return self._call(endpoints.get_task(task_uuid), _TASK)

    def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        """``GET /v1/tasks``; ``pagination`` is the server's page holding ``offset``."""
        return self._perform(_list_tasks(limit, offset, namespace, status))

    def cancel_task(self, task_uuid: str) -> TaskResponse:
        """``DELETE /v1/tasks/{uuid}``; answers the task, now ``cancelled``."""
        return self._perform(_cancel_task(task_uuid))

    def _perform(self, operation: _Operation[T]) -> T:
        """Drive a multi-call operation: each call it asks for goes through :meth:`_call`."""
        try:
            call = next(operation)
            while True:
                try:
                    answer = self._call(*call)
                except OrchestrationClientError as exc:
                    call = operation.throw(exc)
                else:
                    call = operation.send(answer)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        """``GET /v1/tasks/{uuid}/workflow_steps``."""
        return self._call(endpoints.list_task_steps(task_uuid), _STEPS)

    def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}``."""
        return self._call(endpoints.get_step(task_uuid, step_uuid), _STEP)

    def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit``, newest first."""
        return self._call(endpoints.get_step_audit(task_uuid, step_uuid), _AUDIT)

    def health(self) -> HealthResponse:
        """``GET /health``."""
        return self._call(endpoints.health(), _HEALTH)


class AsyncOrchestrationClient(_ClientBase[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """Non-blocking twin of :class:`OrchestrationClient` (asyncio or trio, via anyio).

    Use it with ``async with``, or await :meth:`aclose`. One instance can serve
    many concurrent requests of one event loop. Takes the same arguments, with
    ``httpx.AsyncClient`` / async transports.
    """

    _http_type = httpx.AsyncClient

    async def __aenter__(self) -> AsyncOrchestrationClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the connection pool (a lent ``http_client`` is left open)."""
        if self._owns_http:
            await self._http.aclose()

    async def _call(self, spec: RequestSpec, adapter: TypeAdapter[T]) -> T:
        _refuse_if_closed(self._http.is_closed, self)
        exchange = _exchange(self, spec, adapter)
        outcome: _Outcome = None
        try:
            while True:
                action = exchange.send(outcome)
                outcome = None
                if isinstance(action, _Pause):
                    if action.response is not None:
                        await action.response.aclose()
                    await anyio.sleep(action.seconds)
                    continue
                try:
                    outcome = await self._http.request(
                        spec.method, self.base_url + spec.path, **_request_kwargs(self, spec)
                    )
                except httpx.TransportError as exc:
                    outcome = exc
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    async def create_task(self, request: TaskRequest) -> TaskResponse:
        """``POST /v1/tasks``; never retried automatically."""
        return await self._call(endpoints.create_task(request), _TASK)

    async def get_task(self, task_uuid: str) -> TaskResponse:
        """``GET /v1/tasks/{uuid}``."""
        return await self._call(endpoints.get_task(task_uuid), _TASK)

    async def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        """``GET /v1/tasks``; ``pagination`` is the server's page holding ``offset``."""
        return await self._perform(_list_tasks(limit, offset, namespace, status))

    async def cancel_task(self, task_uuid: str) -> TaskResponse:
        """``DELETE /v1/tasks/{uuid}``; answers the task, now ``cancelled``."""
        return await self._perform(_cancel_task(task_uuid))

    async def _perform(self, operation: _Operation[T]) -> T:
        """Drive a multi-call operation: each call it asks for goes through :meth:`_call`."""
        try:
            call = next(operation)
            while True:
                try:
                    answer = await self._call(*call)
                except OrchestrationClientError as exc:
                    call = operation.throw(exc)
                else:
                    call = operation.send(answer)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    async def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        """``GET /v1/tasks/{uuid}/workflow_steps``."""
        return await self._call(endpoints.list_task_steps(task_uuid), _STEPS)

    async def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}``."""
        return await self._call(endpoints.get_step(task_uuid, step_uuid), _STEP)

    async def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit``, newest first."""
        return await self._call(endpoints.get_step_audit(task_uuid, step_uuid), _AUDIT)

    async def health(self) -> HealthResponse:
        """``GET /health``."""
        return await self._call(endpoints.health(), _HEALTH)


__all__ = [
    "DEFAULT_API_KEY_HEADER",
    "DEFAULT_TIMEOUT",
    "AsyncOrchestrationClient",
    "OrchestrationClient",
]
