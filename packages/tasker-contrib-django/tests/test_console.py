"""The console under ``tasker_contrib_django.urls``, through Django's test client.

The test project's ``record_note`` workflow runs on the embedded local runtime
(a real handler writing a row). What the mount adds is checked here: the
switch, the URLs, the task views' access check in front of every console URL,
the ``CONSOLE_PERMISSIONS`` hook, and Django's own CSRF check (token from
``get_token()``, header ``X-CSRFToken``) for actions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.test.utils import override_settings
from tasker_contrib_django.console_views import (
    csrf_header_name,
    resolve_permissions,
    superusers_get_every_action,
)
from tasker_contrib_django.testing import override_tasker, wait_for_task

REQUEST = {"name": "record_note", "namespace": "notes", "version": "1.0.0"}
CONSOLE = "/tasker/console/"

# Handlers write rows from the engine thread: they must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def console_settings(*, enabled: bool = True, actions: tuple[str, ...] = ()) -> Any:
    return override_tasker(console={"enabled": enabled, "actions": list(actions)})


@pytest.fixture
def host(fresh_tasker: None) -> Iterator[Any]:
    """The project's host on the local runtime with the console on and both actions enabled."""
    from tasker_contrib_django import start

    with console_settings(actions=("cancel", "submit")):
        started = start()
        try:
            yield started
        finally:
            started.stop()


def submit(host: Any, note_id: Any) -> str:
    from tasker_contrib_core.client import TaskRequest

    task = host.client.create_task(TaskRequest(**REQUEST, context={"note_id": note_id}))
    wait_for_task(host, task.task_uuid)
    return str(task.task_uuid)


def login(client: Client, name: str, **flags: bool) -> User:
    user = User.objects.create_user(name, password="pw", **flags)
    client.force_login(user)
    return user


def page_token(html: str) -> str:
    found = re.search(r'<meta name="tasker-console-csrf-token" content="([^"]*)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_console_urls_answer_404_while_disabled(fresh_tasker: None) -> None:
    client = Client()
    login(client, "staff", is_staff=True)
    with console_settings(enabled=False):
        for path in ("", "api/tasks", "static/console.js"):
            answer = client.get(CONSOLE + path)
            assert answer.status_code == 404, path
            assert answer.json()["error"]["code"] == "console_disabled"


def test_staff_see_the_page_and_the_api(host: Any) -> None:
    task_uuid = submit(host, 7)
    client = Client()
    login(client, "staff", is_staff=True)

    page = client.get(CONSOLE)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert f'content="{CONSOLE}"' in html
    assert 'content="X-CSRFTOKEN"' in html
    # Django's own CSRF cookie, set even without CsrfViewMiddleware in MIDDLEWARE.
    assert "csrftoken" in page.cookies
    assert page_token(html)

    listed = client.get(CONSOLE + "api/tasks").json()
    assert task_uuid in [task["uuid"] for task in listed["tasks"]]
    shown = client.get(f"{CONSOLE}api/tasks/{task_uuid}").json()
    assert shown["task"]["status"] == "complete"
    assert [step["name"] for step in shown["steps"]] == ["record"]
    assert client.get(CONSOLE + "static/../../settings.py").status_code == 404


def test_without_access_nothing_is_shown(host: Any) -> None:
    task_uuid = submit(host, 8)
    anonymous, plain = Client(), Client()
    login(plain, "plain")
    for client in (anonymous, plain):
        for method, path in (
            ("get", ""),
            ("get", "api/tasks"),
            ("get", f"api/tasks/{task_uuid}"),
            ("get", "api/events"),
            ("get", "static/console.js"),
            ("post", "api/tasks"),
            ("post", f"api/tasks/{task_uuid}/cancel"),
        ):
            answer = getattr(client, method)(CONSOLE + path)
            assert answer.status_code in (401, 403), (method, path)
            body = answer.content.decode()
            assert task_uuid not in body
            assert "record_note" not in body
            assert "notes" not in body.replace("not allowed", "")


def test_the_task_views_access_setting_applies_to_the_console(host: Any) -> None:
    client = Client()
    login(client, "plain")
    assert client.get(CONSOLE).status_code == 403
    with override_settings(
        TASKER_DJANGO={"TASK_VIEWS_ACCESS": "tasker_contrib_django.access.authenticated"}
    ):
        assert client.get(CONSOLE).status_code == 200


def _submit(client: Client, token: str | None) -> Any:
    body = json.dumps({**REQUEST, "context": {"note_id": 99}})
    extra = {} if token is None else {"HTTP_X_CSRFTOKEN": token}
    return client.post(CONSOLE + "api/tasks", body, content_type="application/json", **extra)


def test_actions_need_permission_and_django_csrf(host: Any) -> None:
    staff = Client(enforce_csrf_checks=True)
    login(staff, "staff", is_staff=True)
    token = page_token(staff.get(CONSOLE).content.decode())
    refused = _submit(staff, token)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "action_not_permitted"

    admin = Client(enforce_csrf_checks=True)
    login(admin, "root", is_staff=True, is_superuser=True)
    for header in (None, "x" * 32):
        refused = _submit(admin, header)
        assert refused.status_code == 403, header
        assert refused.json()["error"]["code"] == "csrf_failed"

    token = page_token(admin.get(CONSOLE).content.decode())
    accepted = _submit(admin, token)
    assert accepted.status_code == 201, accepted.content
    task_uuid = accepted.json()["task"]["uuid"]
    assert wait_for_task(host, task_uuid).status == "complete"


def test_with_csrf_middleware_the_page_token_passes_and_a_bad_one_is_refused(
    host: Any,
) -> None:
    from django.conf import settings

    middleware = [*settings.MIDDLEWARE, "django.middleware.csrf.CsrfViewMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        admin = Client(enforce_csrf_checks=True)
        login(admin, "root", is_staff=True, is_superuser=True)
        token = page_token(admin.get(CONSOLE).content.decode())
        # The middleware refuses first, with Django's own 403 page.
        assert _submit(admin, "y" * 32).status_code == 403
        accepted = _submit(admin, token)
        assert accepted.status_code == 201, accepted.content


def test_a_custom_permission_hook_grants_actions(fresh_tasker: None) -> None:
    from tasker_contrib_django import start

    staff = Client(enforce_csrf_checks=True)
    login(staff, "staff", is_staff=True)
    # Options first: changing TASKER_DJANGO stops a host started with the old ones.
    hook = {"CONSOLE_PERMISSIONS": lambda request: ["submit"]}
    with override_settings(TASKER_DJANGO=hook), console_settings(actions=("submit",)):
        host = start()
        try:
            token = page_token(staff.get(CONSOLE).content.decode())
            accepted = _submit(staff, token)
            assert accepted.status_code == 201, accepted.content
            assert wait_for_task(host, accepted.json()["task"]["uuid"]).status == "complete"
        finally:
            host.stop()


def test_a_script_in_a_step_result_is_data_not_markup(host: Any) -> None:
    evil = "<script>window.__pwned=1</script>"
    task_uuid = submit(host, evil)
    client = Client()
    login(client, "staff", is_staff=True)
    answer = client.get(f"{CONSOLE}api/tasks/{task_uuid}")
    raw = answer.content.decode()
    assert "<script" not in raw.lower()
    assert answer["X-Content-Type-Options"] == "nosniff"
    (step,) = answer.json()["steps"]
    assert evil in json.dumps(step, ensure_ascii=False)


def test_permission_hook_resolution() -> None:
    assert resolve_permissions(None) is superusers_get_every_action
    hook = resolve_permissions("tasker_contrib_django.console_views.superusers_get_every_action")
    assert hook is superusers_get_every_action
    with pytest.raises(ImproperlyConfigured, match="CONSOLE_PERMISSIONS"):
        resolve_permissions("no.such.module.hook")
    assert csrf_header_name() == "X-CSRFTOKEN"


def test_unknown_option_keys_still_fail_and_console_permissions_is_known() -> None:
    from tasker_contrib_django.conf import DjangoOptions

    hook = superusers_get_every_action
    assert DjangoOptions.from_mapping({"CONSOLE_PERMISSIONS": hook}).console_permissions is hook
    with pytest.raises(ValueError, match="CONSOLE_PERMISSION"):
        DjangoOptions.from_mapping({"CONSOLE_PERMISSION": hook})
