"""``manage.py tasker_worker`` on the real stack: the real ``tasker_core`` worker
runs a step whose handler writes a row through the Django ORM, the step's
completion reaches a Django signal receiver, and SIGTERM stops it gracefully.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.realstack, pytest.mark.engine, pytest.mark.slow]

PROJECT = Path(__file__).resolve().parent / "project"


@pytest.fixture(scope="module")
def django_worker(real_stack: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    home = tmp_path_factory.mktemp("django-worker")
    env = {
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SETTINGS_MODULE": "testproject.settings",
        "TEST_DJANGO_SQLITE": str(home / "db.sqlite3"),
        "TASKER_CONTRIB_LIFECYCLE_LOG": str(home / "lifecycle.jsonl"),
    }
    migrated = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "migrate", "-v0"],
        env={**real_stack.host_env(PROJECT / "templates", env)},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    host = real_stack.start_host(
        "django",
        lambda h: [
            sys.executable,
            str(PROJECT / "manage.py"),
            "tasker_worker",
            "--runtime",
            "worker",
            "--event-log",
            str(h.event_log),
        ],
        templates=[PROJECT / "templates"],
        env=env,
        cwd=home,
    )
    host.home = home
    yield host
    real_stack.stop_host(host)


def lifecycle(host: Any) -> list[dict[str, Any]]:
    from tasker_contrib_core.integration import read_lifecycle_log

    return list(read_lifecycle_log(host.home / "lifecycle.jsonl"))


def test_injected_step_writes_a_row_through_the_orm_and_reaches_a_receiver(
    real_stack: Any, django_worker: Any
) -> None:
    out = real_stack.inject(django_worker, "record_note", "record", context={"note_id": 42})
    assert out.success, (out.error, django_worker.log()[-3000:])
    row_id = out.result["row_id"]
    with sqlite3.connect(django_worker.home / "db.sqlite3") as db:
        row = db.execute("SELECT text, source FROM notes_note WHERE id = ?", [row_id]).fetchone()
    assert row == ("recorded 42", "handler")

    deadline = time.monotonic() + 15
    received: list[dict[str, Any]] = []
    while not received and time.monotonic() < deadline:
        received = [
            e
            for e in lifecycle(django_worker)
            if e["event"] == "receiver.step_completed" and e["task_uuid"] == out.task_uuid
        ]
        time.sleep(0.1)
    assert received, django_worker.log()[-3000:]
    assert received[0]["step"] == "record"
    started = [e for e in lifecycle(django_worker) if e["event"] == "runtime.started"]
    assert [(e["framework"], e["kind"]) for e in started] == [("django", "worker")]
    assert received[0]["pid"] == started[0]["pid"]


def test_sigterm_stops_the_worker_gracefully(real_stack: Any, django_worker: Any) -> None:
    process = django_worker.process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, django_worker.log()[-3000:]
    events = [e["event"] for e in lifecycle(django_worker)]
    assert events[-2:] == ["runtime.stopping", "runtime.stopped"]
    assert "stopped cleanly" in django_worker.log()
