"""The testing helpers, used the way a project's tests use them, and the URL views."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, TransactionTestCase
from django.test.utils import override_settings
from tasker_contrib_django import enqueue_on_commit
from tasker_contrib_django.testing import (
    TaskerTestCaseMixin,
    assert_success,
    override_tasker,
    wait_for_task,
)

REQUEST = {"name": "record_note", "namespace": "notes", "version": "1.0.0"}


class RecordNoteTests(TaskerTestCaseMixin, TransactionTestCase):
    def test_a_committed_note_is_recorded_by_the_handler(self) -> None:
        from notes.models import Note

        submitted: list[Any] = []
        note = Note.objects.create(text="hello")
        enqueue_on_commit(**REQUEST, context={"note_id": note.pk}, on_submitted=submitted.append)
        task = self.wait_for_task(submitted[0].task_uuid)
        assert task.status == "complete"
        assert Note.objects.filter(source="handler").count() == 1
        names = [event.name for event in self.tasker_events]
        assert "step.execution.completed" in names


def test_core_toolkit_names_are_reexported() -> None:
    assert callable(assert_success)


@pytest.mark.django_db(transaction=True)
def test_pytest_fixtures_run_a_task_and_record_signals(
    tasker_host: Any, tasker_signals: Any
) -> None:
    from tasker_contrib_core.client import TaskRequest

    task = tasker_host.client.create_task(TaskRequest(**REQUEST, context={"note_id": 1}))
    assert wait_for_task(tasker_host, task.task_uuid).status == "complete"
    assert "task.execution.completed" in tasker_signals.names()


@pytest.fixture
def started(fresh_tasker: None) -> Any:
    from tasker_contrib_django import start

    with override_tasker():
        host = start()
        yield host
        host.stop()


@pytest.mark.django_db
def test_health_and_ready_answer_for_the_running_engine(started: Any) -> None:
    client = Client()
    response = client.get("/tasker/health/")
    assert response.status_code == 200
    assert response.json()["runtime"]["running"] is True
    assert client.get("/tasker/ready/").status_code == 200


@pytest.mark.django_db
def test_health_is_503_when_nothing_runs(fresh_tasker: None) -> None:
    with override_tasker():
        response = Client().get("/tasker/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_task_views_are_staff_only_by_default(started: Any) -> None:
    client = Client()
    body = json.dumps({**REQUEST, "context": {"note_id": 3}})
    assert client.post("/tasker/tasks/", body, content_type="application/json").status_code == 403
    User.objects.create_user("plain", password="pw")
    client.login(username="plain", password="pw")
    assert client.post("/tasker/tasks/", body, content_type="application/json").status_code == 403

    User.objects.create_user("staff", password="pw", is_staff=True)
    client.login(username="staff", password="pw")
    created = client.post("/tasker/tasks/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    task_uuid = created.json()["task_uuid"]
    wait_for_task(started, task_uuid)
    detail = client.get(f"/tasker/tasks/{task_uuid}/")
    assert detail.status_code == 200
    assert [step["name"] for step in detail.json()["steps"]] == ["record"]
    assert client.get("/tasker/tasks/no-such-task/").status_code == 404
    bad = client.post("/tasker/tasks/", "{}", content_type="application/json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_task_views_access_setting_and_switch(started: Any) -> None:
    client = Client()
    with override_settings(
        TASKER_DJANGO={
            "TASK_VIEWS": True,
            "TASK_VIEWS_ACCESS": "tasker_contrib_django.access.allow_all",
        }
    ):
        assert client.get("/tasker/tasks/no-such-task/").status_code == 404
        assert client.get("/tasker/tasks/no-such-task/").json()["error"] != "forbidden"
    with override_settings(TASKER_DJANGO={}):
        response = client.get("/tasker/tasks/x/")
        assert response.status_code == 404
        assert "task views are off" in response.json()["error"]
