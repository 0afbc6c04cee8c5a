"""Celery tasks through a real broker into a real worker hosting the engine.

One solo worker per module: beat submissions delivered twice create one
Tasker task; a step's completion reaches a ``tasker_event_task`` through the
broker; Celery tasks adapted as steps retry under Tasker's policy inside the
worker.
"""

from __future__ import annotations

import gc
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker(redis_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import redis
    from tasker_contrib_celery_tests_support import Proc, proc_env, worker_args

    url = redis_server.new_url()
    redis.Redis.from_url(url).flushdb()
    folder: Path = tmp_path_factory.mktemp("celery-worker")
    log = folder / "lifecycle.jsonl"
    proc = Proc(worker_args("solo"), env=proc_env(log, url), cwd=folder, log=log)
    with proc:
        proc.wait_for(
            lambda es: (
                any(e["event"] == "runtime.started" for e in es) and "ready." in proc.output()
            ),
            timeout=60,
            what="worker ready",
        )
        proc.broker_url = url
        yield proc
        proc.send(signal.SIGTERM)
        proc.wait_exit(timeout=30)


@pytest.fixture(scope="module")
def client(worker: Any) -> Iterator[Any]:
    """A Celery app in the test process that only sends (no Tasker installed)."""
    from celery import Celery

    app = Celery("test-client", broker=worker.broker_url, backend=worker.broker_url)
    yield app
    gc.collect()  # AsyncResult.__del__ talks to the backend: let it while Redis still runs
    app.close()


def call(client: Any, task_name: str, **kwargs: Any) -> Any:
    return client.send_task(task_name, kwargs=kwargs).get(timeout=30)


def test_a_redelivered_beat_submission_creates_one_tasker_task(client: Any, worker: Any) -> None:
    before = call(client, "lifecycle.engine_info")["tasks"]
    message_id = str(uuid.uuid4())
    submission = {
        "name": "ping",
        "namespace": "celery_lifecycle",
        "version": "1.0.0",
        "context": {},
    }
    # the same message twice (same id, same body), as a broker redelivers it
    headers = {"celery_beat_task": True}
    first = client.send_task(
        "tasker_contrib_celery.submit_tasker_task",
        kwargs=submission,
        task_id=message_id,
        headers=headers,
    ).get(timeout=30)
    assert first["created"] is True, worker.describe()
    client.AsyncResult(message_id).forget()  # so .get() waits for the second delivery's result
    second = client.send_task(
        "tasker_contrib_celery.submit_tasker_task",
        kwargs=submission,
        task_id=message_id,
        headers=headers,
    ).get(timeout=30)
    assert second == {
        "created": False,
        "duplicate": True,
        "idempotency_key": f"celery:celery_lifecycle/ping:{message_id}",
    }
    assert call(client, "lifecycle.engine_info")["tasks"] == before + 1
    # a new scheduled run (a new message) is a new task
    third = client.send_task(
        "tasker_contrib_celery.submit_tasker_task", kwargs=submission, headers=headers
    ).get(timeout=30)
    assert third["created"] is True
    assert third["task_uuid"] != first["task_uuid"]
    assert call(client, "lifecycle.engine_info")["tasks"] == before + 2


def test_step_completed_event_reaches_the_event_task_through_the_broker(
    client: Any, worker: Any
) -> None:
    ran = call(client, "lifecycle.run_template", name="ping")
    assert ran["status"] == "complete"
    entries = worker.wait_for(
        lambda es: any(
            e["event"] == "test.event_task" and e.get("task_uuid") == ran["task_uuid"] for e in es
        ),
        timeout=30,
        what="the event task",
    )
    received = [e for e in entries if e["event"] == "test.event_task"]
    mine = [e for e in received if e["task_uuid"] == ran["task_uuid"]]
    assert [(e["name"], e["step_name"]) for e in mine] == [("step.execution.completed", "ping")]


def test_celery_tasks_as_steps_retry_under_taskers_policy_in_the_worker(
    client: Any, worker: Any
) -> None:
    ran = call(client, "lifecycle.run_template", name="adapted_chain", context={"rate": 2.5})
    assert ran["status"] == "complete", ran
    assert ran["steps"]["fetch_rate"]["attempts"] == 3
    assert ran["steps"]["fetch_rate"]["results"] == {"return_value": 2.5}
    assert ran["steps"]["apply_rate"]["results"] == {"rate": 2.5, "total": 250.0}
