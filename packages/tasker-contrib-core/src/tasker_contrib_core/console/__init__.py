"""The Tasker console: a task browser each framework package mounts in the host app.

Framework-neutral: JSON endpoints as plain functions over the task client of
the current mode, the page and its assets as package data, CSRF helpers for
frameworks without their own, and the event buffer the host fills. A
framework mount only converts requests and responses (see ``docs/console.md``).
"""

from __future__ import annotations

from tasker_contrib_core.config.console import DEFAULT_MASK_KEYS, ConsoleAction, ConsoleSettings
from tasker_contrib_core.console.console import Console
from tasker_contrib_core.console.csrf import (
    CONSOLE_CSRF_COOKIE,
    CONSOLE_CSRF_HEADER,
    SAFE_METHODS,
    csrf_tokens_match,
    new_csrf_token,
)
from tasker_contrib_core.console.events import ConsoleEvents
from tasker_contrib_core.console.masking import MASK, ValueRedactor
from tasker_contrib_core.console.messages import (
    CONTENT_SECURITY_POLICY,
    ERROR_CODES,
    ConsoleRequest,
    ConsoleResponse,
)

__all__ = [
    "CONSOLE_CSRF_COOKIE",
    "CONSOLE_CSRF_HEADER",
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_MASK_KEYS",
    "ERROR_CODES",
    "MASK",
    "SAFE_METHODS",
    "Console",
    "ConsoleAction",
    "ConsoleEvents",
    "ConsoleRequest",
    "ConsoleResponse",
    "ConsoleSettings",
    "ValueRedactor",
    "csrf_tokens_match",
    "new_csrf_token",
]
