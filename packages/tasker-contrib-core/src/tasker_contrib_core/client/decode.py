"""Turn orchestration API answers into models, or into errors that explain them.

The service reports errors as ``{"error": {"code": "NOT_FOUND", "message":
"..."}}``. The message is the most useful thing a user can see, so it is
carried on the raised error (``server_message``) and quoted in its text,
together with what to do about the common statuses.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from tasker_contrib_core.client.endpoints import RequestSpec
from tasker_contrib_core.errors import (
    OrchestrationHTTPError,
    OrchestrationResponseError,
    TaskNotFoundError,
)

T = TypeVar("T")

_BODY_EXCERPT = 300

_ADVICE = {
    400: "the request was refused as invalid; fix the arguments",
    401: "authentication failed; check the api_key setting (sent as the {header} header)",
    403: "the api key is not allowed to do this; grant the permission named by the server",
    409: "the task already exists (same idempotency key or identity)",
    429: "the service is rate limiting; slow down and retry later",
}


def error_details(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(code, message)`` from an error body, whatever shape it came in.

    Understands the service's ``{"error": {"code", "message"}}``, the serde
    shape ``{"NotFound": {"message"}}`` its OpenAPI document also describes,
    ``{"message"}``/``{"detail"}`` from proxies, and falls back to the raw text.
    """
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = response.text.strip()
        return None, (text[:_BODY_EXCERPT] or None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return _str_or_none(error.get("code")), _str_or_none(error.get("message"))
        if isinstance(error, str):
            return None, error
        for key in ("message", "detail"):
            if isinstance(body.get(key), str):
                return _str_or_none(body.get("code")), body[key]
        if len(body) == 1:
            (variant, inner), *_ = body.items()
            if isinstance(inner, dict):
                message = inner.get("message") or inner.get("reason") or inner.get("operation")
                return str(variant), _str_or_none(message)
    if isinstance(body, str):
        return body, None
    return None, json.dumps(body)[:_BODY_EXCERPT]


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def raise_for_status(
    response: httpx.Response, spec: RequestSpec, *, attempts: int, api_key_header: str
) -> None:
    """Raise the error matching an error answer; return quietly for 2xx/3xx."""
    status = response.status_code
    if status < 400:
        return
    code, server_message = error_details(response)
    shown = server_message or response.reason_phrase or "no message"
    code_part = f" {code}" if code else ""
    retried = f" after {attempts} attempts" if attempts > 1 else ""
    base = f"{spec.label} answered {status}{code_part}{retried}: {shown}"
    common: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "server_message": server_message,
        "method": spec.method,
        "url": str(response.request.url),
        "attempts": attempts,
    }
    if status == 404 and spec.task_uuid is not None:
        what = (
            f"step {spec.step_uuid} of task {spec.task_uuid}"
            if spec.step_uuid is not None
            else f"task {spec.task_uuid}"
        )
        raise TaskNotFoundError(
            f"{base} (no {what} on this orchestration service; check the id)",
            task_uuid=spec.task_uuid,
            step_uuid=spec.step_uuid,
            **common,
        )
    advice = _ADVICE.get(status, "")
    if status >= 500:
        advice = "the orchestration service failed; check its logs and retry later"
    if advice:
        base = f"{base} ({advice.format(header=api_key_header)})"
    raise OrchestrationHTTPError(base, **common)


def decode(response: httpx.Response, spec: RequestSpec, adapter: TypeAdapter[T]) -> T:
    """Validate a 2xx body against its documented model."""
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<body>'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise OrchestrationResponseError(
            f"{spec.label} answered {response.status_code} with a body that does not match "
            f"the orchestration API ({problems}); is the URL pointing at a tasker "
            "orchestration service of a compatible version?"
        ) from exc


__all__ = ["decode", "error_details", "raise_for_status"]
