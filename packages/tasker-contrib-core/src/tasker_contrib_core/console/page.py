"""The console's page and its static assets, shipped as package data.

The page is one HTML file with no inline script: everything the script needs
from the server (mount, CSRF token and header, poll interval, permitted
actions) is in ``<meta>`` tags, HTML-escaped, so the page works under
``Content-Security-Policy: default-src 'self'``. Assets are served from a
fixed allow-list, never from a path built from the request, so no path can
leave the package.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from importlib import resources

from tasker_contrib_core.console.messages import (
    BASE_HEADERS,
    CONTENT_SECURITY_POLICY,
    ConsoleResponse,
)

#: Every file served under ``static/``, with its content type.
ASSETS: dict[str, str] = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

PAGE_FILE = "index.html"
_PLACEHOLDER = "<!-- tasker-console-meta -->"


@cache
def _read(name: str) -> bytes:
    return (
        resources.files("tasker_contrib_core.console")
        .joinpath("static")
        .joinpath(name)
        .read_bytes()
    )


def asset(name: str) -> bytes | None:
    """The bytes of an allow-listed asset, else None."""
    if name not in ASSETS:
        return None
    return _read(name)


def asset_response(name: str) -> ConsoleResponse | None:
    body = asset(name)
    if body is None:
        return None
    headers = (
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
    )
    return ConsoleResponse(200, ASSETS[name], body, headers)


def _meta(name: str, value: str) -> str:
    return f'<meta name="{html.escape(name)}" content="{html.escape(value, quote=True)}">'


def render_page(
    *,
    mount: str,
    csrf_token: str,
    csrf_header: str,
    poll_interval: float,
    actions: Iterable[str],
    mode: str,
) -> ConsoleResponse:
    """The HTML page with its settings in escaped ``<meta>`` tags."""
    template = _read(PAGE_FILE).decode("utf-8")
    metas = "\n    ".join(
        [
            _meta("tasker-console-mount", mount),
            _meta("tasker-console-csrf-token", csrf_token),
            _meta("tasker-console-csrf-header", csrf_header),
            _meta("tasker-console-poll-seconds", f"{poll_interval:g}"),
            _meta("tasker-console-actions", " ".join(sorted(actions))),
            _meta("tasker-console-mode", mode),
        ]
    )
    static = html.escape(mount + "static/", quote=True)
    text = template.replace(_PLACEHOLDER, metas).replace("{{static}}", static)
    headers = (*BASE_HEADERS, ("Content-Security-Policy", CONTENT_SECURITY_POLICY))
    return ConsoleResponse(200, "text/html; charset=utf-8", text.encode("utf-8"), headers)


__all__ = ["ASSETS", "asset", "asset_response", "render_page"]
