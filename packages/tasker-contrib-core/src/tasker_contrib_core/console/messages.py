"""The console's request and response, free of any web framework.

A framework mount turns its request into a :class:`ConsoleRequest` (after its
own auth ran), calls :meth:`Console.handle` and copies the
:class:`ConsoleResponse` back. Errors are JSON with a stable ``code`` and a
short message that never carries internals (paths, URLs, exception text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tasker_contrib_core.console.csrf import CONSOLE_CSRF_HEADER

JSON_TYPE = "application/json"

#: Headers of every console response: nothing cached, nothing sniffed, no framing.
BASE_HEADERS: tuple[tuple[str, str], ...] = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)

#: The page's policy: its own scripts, styles and images only; no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

#: Every error code the console answers with (stable: clients may match on them).
ERROR_CODES = frozenset(
    {
        "console_disabled",
        "not_found",
        "bad_request",
        "method_not_allowed",
        "action_not_permitted",
        "csrf_failed",
        "upstream_unavailable",
        "upstream_error",
    }
)


@dataclass(frozen=True)
class ConsoleRequest:
    """One request to the console, already past the framework's auth.

    ``path`` is relative to the mount without a leading slash (``""``,
    ``"api/tasks"``); ``mount`` is the absolute prefix ending in ``/``.
    ``permissions`` are the actions the framework's permission hook granted
    this request; ``csrf_ok`` says the framework verified CSRF for it;
    ``csrf_token`` is embedded in the page for the script to send back in
    ``csrf_header``.
    """

    method: str
    path: str
    mount: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    permissions: frozenset[str] = frozenset()
    csrf_ok: bool = False
    csrf_token: str = ""
    csrf_header: str = CONSOLE_CSRF_HEADER


@dataclass(frozen=True)
class ConsoleResponse:
    """What the framework sends back: status, type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def json(self) -> Any:
        """The body parsed as JSON (for tests and callers that post-process)."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), else None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def json_response(
    data: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = ()
) -> ConsoleResponse:
    """``data`` as compact JSON (non-ASCII kept as is, ``<`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    # Escaping ``<`` means no byte sequence of a value can ever close a tag, even
    # if some client mistakes the JSON for HTML.
    body = text.replace("<", "\\u003c").encode("utf-8")
    return ConsoleResponse(status, JSON_TYPE, body, BASE_HEADERS + headers)


def error_response(
    status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
) -> ConsoleResponse:
    """``{"error": {"code", "message"}}``; ``code`` must be one of :data:`ERROR_CODES`."""
    if code not in ERROR_CODES:
        raise ValueError(f"unknown console error code {code!r}")
    return json_response({"error": {"code": code, "message": message}}, status, headers)


__all__ = [
    "BASE_HEADERS",
    "CONTENT_SECURITY_POLICY",
    "ERROR_CODES",
    "JSON_TYPE",
    "ConsoleRequest",
    "ConsoleResponse",
    "error_response",
    "json_response",
]
