"""``Console``: routes a :class:`ConsoleRequest` to the page, an asset or an endpoint.

Frameworks build one per request or cache one per host
(:meth:`Console.for_host` is cheap) and call :meth:`Console.handle` off their
event loop: it blocks on the task client. It never raises for bad input;
every refusal is a JSON error with a stable code.

Actions (cancel, submit) need three things at once: the action enabled in
``settings.console.actions``, granted to this request by the framework's
permission hook (``request.permissions``), and a CSRF check the framework
passed (``request.csrf_ok``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.config.console import ConsoleSettings
from tasker_contrib_core.console import api
from tasker_contrib_core.console.events import ConsoleEvents
from tasker_contrib_core.console.masking import ValueRedactor
from tasker_contrib_core.console.messages import ConsoleRequest, ConsoleResponse, error_response
from tasker_contrib_core.console.page import asset_response, render_page
from tasker_contrib_core.console.templates import CachedTemplates, TemplateLookup

if TYPE_CHECKING:
    from tasker_contrib_core.client.protocol import TaskClient
    from tasker_contrib_core.integration import TaskerHost

_TEMPLATES: weakref.WeakKeyDictionary[Any, TemplateLookup] = weakref.WeakKeyDictionary()


def _templates_for(host: TaskerHost) -> TemplateLookup:
    """The local runtime's own index, else one over ``template_paths`` (one per host)."""
    found = _TEMPLATES.get(host)
    if found is None:
        from tasker_contrib_core.runtime.template_index import TemplateIndex

        runtime_index = getattr(host.runtime, "templates", None)
        index = (
            runtime_index
            if isinstance(runtime_index, TemplateIndex)
            else TemplateIndex(host.settings.template_paths, environment=host.settings.environment)
        )
        found = _TEMPLATES[host] = CachedTemplates(index)
    return found


class Console:
    """The console over one task client, with its options."""

    def __init__(
        self,
        client: TaskClient | None,
        options: ConsoleSettings,
        *,
        client_factory: Callable[[], TaskClient] | None = None,
        templates: TemplateLookup | None = None,
        events: ConsoleEvents | None = None,
        mode: str = "local",
    ) -> None:
        if client is None and client_factory is None:
            raise TypeError("Console needs a task client or a client_factory")
        self._client = client
        self._client_factory = client_factory
        self.options = options
        self.templates = templates
        self.events = events
        self.mode = mode
        self.redactor = ValueRedactor(options.mask_keys, options.max_value_chars)

    @property
    def client(self) -> TaskClient:
        """The task client (resolved on first use, so a disabled console touches nothing)."""
        client = self._client
        if client is None:
            assert self._client_factory is not None
            client = self._client = self._client_factory()
        return client

    @classmethod
    def for_host(cls, host: TaskerHost) -> Console:
        """The console of ``host``: its client, templates, events and settings."""
        options = host.settings.console
        if not options.enabled:
            return cls(None, options, client_factory=lambda: host.client, mode="disabled")
        return cls(
            None,
            options,
            client_factory=lambda: host.client,
            templates=_templates_for(host),
            events=host.console_events,
            mode=host.mode,
        )

    def permitted(self, request: ConsoleRequest) -> frozenset[str]:
        """Actions this request may take (enabled in settings and granted to it)."""
        return frozenset(self.options.actions) & frozenset(request.permissions)

    def handle(self, request: ConsoleRequest) -> ConsoleResponse:
        """Answer one request (page, asset, JSON endpoint or error)."""
        if not self.options.enabled:
            return error_response(
                404,
                "console_disabled",
                "the Tasker console is disabled (settings: console.enabled)",
            )
        method = request.method.upper()
        path = request.path.strip("/") if request.path not in ("", "/") else ""
        parts = path.split("/") if path else []
        if not parts:
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET")
            return render_page(
                mount=request.mount,
                csrf_token=request.csrf_token,
                csrf_header=request.csrf_header,
                poll_interval=self.options.poll_interval_seconds,
                actions=self.permitted(request),
                mode=self.mode,
            )
        if parts[0] == "static" and len(parts) == 2:
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET")
            found = asset_response(parts[1])
            return found if found is not None else _not_found()
        if parts[0] == "api" and len(parts) >= 2:
            return self._api(method, parts[1:], request)
        return _not_found()

    def _api(self, method: str, parts: list[str], request: ConsoleRequest) -> ConsoleResponse:
        resource = parts[0]
        if resource == "events" and len(parts) == 1:
            if method != "GET":
                return _not_allowed("GET")
            return api.guarded(lambda: api.recent_events(self.events, request.query, self.redactor))
        if resource != "tasks":
            return _not_found()
        if len(parts) == 1:
            if method == "GET":
                return api.guarded(lambda: api.list_tasks(self.client, request.query))
            if method == "POST":
                refused = self._refuse_action("submit", request)
                if refused is not None:
                    return refused
                return api.guarded(lambda: api.submit_task(self.client, request.body))
            return _not_allowed("GET, POST")
        task_uuid = parts[1]
        if not api.valid_task_id(task_uuid):
            return _not_found()
        if len(parts) == 2:
            if method != "GET":
                return _not_allowed("GET")
            return api.guarded(
                lambda: api.task_detail(
                    self.client,
                    task_uuid,
                    templates=self.templates,
                    redactor=self.redactor,
                    poll_interval=self.options.poll_interval_seconds,
                )
            )
        if len(parts) == 3 and parts[2] == "cancel":
            if method != "POST":
                return _not_allowed("POST")
            refused = self._refuse_action("cancel", request)
            if refused is not None:
                return refused
            return api.guarded(lambda: api.cancel_task(self.client, task_uuid))
        return _not_found()

    def _refuse_action(self, action: str, request: ConsoleRequest) -> ConsoleResponse | None:
        if action not in self.options.actions:
            return error_response(
                403,
                "action_not_permitted",
                f"the {action} action is not enabled (settings: console.actions)",
            )
        if action not in request.permissions:
            return error_response(
                403, "action_not_permitted", f"you are not permitted to {action} tasks"
            )
        if not request.csrf_ok:
            return error_response(403, "csrf_failed", "the CSRF token is missing or wrong")
        return None


def _not_found() -> ConsoleResponse:
    return error_response(404, "not_found", "no such console page or endpoint")


def _not_allowed(allow: str) -> ConsoleResponse:
    return error_response(
        405, "method_not_allowed", f"method not allowed; use {allow}", (("Allow", allow),)
    )


__all__ = ["Console"]
