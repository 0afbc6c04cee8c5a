"""install(), settings from app.conf, pools, signals, schedules: in-process, no broker."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import weakref
from datetime import timedelta
from typing import Any

import pytest
import tasker_contrib_celery
from celery import Celery, signals
from celery.schedules import crontab
from tasker_contrib_celery import (
    SUBMIT_TASK_NAME,
    TaskerNotInstalledError,
    TaskerNotStartedError,
    UnsupportedPoolError,
    get_tasker,
    install,
    tasker_schedule,
)
from tasker_contrib_celery.pools import pool_kind
from tasker_contrib_celery.settings import celery_settings


def make_app(**conf: Any) -> Celery:
    app = Celery("unit", broker="memory://", backend="cache+memory://")
    app.conf.update(conf)
    return app


def test_settings_come_from_app_conf_and_name_the_celery_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TASKER_SHUTDOWN_TIMEOUT_SECONDS", raising=False)
    app = make_app(
        tasker={"handler_packages": ["a.b"], "shutdown_timeout_seconds": 3},
        tasker_shutdown_timeout_seconds=7,
        tasker_runtime="local",
        tasker_common={"database": {"pool": {"max_connections": 9}}},
    )
    settings = celery_settings(app.conf)
    assert settings.handler_packages == ["a.b"]
    assert settings.shutdown_timeout_seconds == 7  # prefixed key wins over the mapping
    assert settings.event_bridge.queue_size == 1000  # events reach the broker off-thread
    rows = {row.path: row for row in settings.explain()}
    pool = rows["common.database.pool.max_connections"]
    assert (pool.value, pool.source) == (9, "celery app.conf")


def test_environment_wins_over_app_conf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKER_SHUTDOWN_TIMEOUT_SECONDS", "11")
    settings = celery_settings(make_app(tasker_shutdown_timeout_seconds=7).conf)
    assert settings.shutdown_timeout_seconds == 11


def test_bad_values_name_the_layer() -> None:
    with pytest.raises(Exception, match=r"celery app\.conf"):
        celery_settings(make_app(tasker_shutdown_timeout_seconds="soon").conf)
    with pytest.raises(TypeError, match=r"'tasker' must be a mapping"):
        celery_settings(make_app(tasker=["x"]).conf)


@pytest.mark.parametrize(
    ("alias", "kind"),
    [
        ("prefork", "prefork"),
        ("processes", "prefork"),
        ("threads", "threads"),
        ("solo", "solo"),
        ("gevent", "unsupported"),
        ("eventlet", "unsupported"),
    ],
)
def test_pool_kinds(alias: str, kind: str) -> None:
    assert pool_kind(alias)[0] == kind


def test_install_connects_strong_receivers_once_and_refuses_a_second_install() -> None:
    app = make_app()
    tasker = install(app)
    assert get_tasker(app) is tasker
    with pytest.raises(RuntimeError, match="already installed"):
        install(app)
    gc.collect()
    uid = f"tasker_contrib_celery.worker_process_init.{id(app)}"
    ours = [r for key, r in signals.worker_process_init.receivers if key[0] == uid]
    assert len(ours) == 1
    # held strongly (weak=False): a plain function, not a weak reference, after gc
    assert not isinstance(ours[0], (weakref.ReferenceType, weakref.WeakMethod))
    assert callable(ours[0])
    assert SUBMIT_TASK_NAME in app.tasks
    assert not tasker.host.started


def test_get_tasker_without_install_says_what_to_do() -> None:
    with pytest.raises(TaskerNotInstalledError, match="install"):
        get_tasker(make_app())


def test_outside_a_worker_nothing_runs_and_waiting_says_why() -> None:
    tasker = install(make_app(tasker_runtime="local"))
    with pytest.raises(TaskerNotStartedError, match="starts only in Celery worker"):
        tasker.wait_started(timeout=0.1)


def test_unsupported_pool_is_refused_before_anything_starts() -> None:
    tasker = install(make_app(tasker_runtime="local"))

    class FakeWorker:
        pool_cls = "gevent"
        app = tasker.app

    with pytest.raises(UnsupportedPoolError, match="gevent"):
        tasker.on_worker_init(FakeWorker())
    assert not tasker.host.started


def test_threads_pool_worker_init_starts_and_shutdown_stops(tmp_path: Any) -> None:
    tasker = install(make_app(tasker_runtime="local", tasker_template_paths=[str(tmp_path)]))

    class FakeWorker:
        pool_cls = "threads"
        app = tasker.app

    tasker.on_worker_init(FakeWorker())
    try:
        assert tasker.host.started
        assert tasker.wait_started(timeout=1) is tasker.host
        tasker.on_worker_process_init()  # solo-style second signal in the same pid: no-op
        assert tasker.host.started
    finally:
        tasker.on_worker_shutdown()
    assert not tasker.host.started


def test_tasker_schedule_builds_a_beat_entry() -> None:
    entry = tasker_schedule(
        "order_processing",
        "ecommerce",
        "1.0.0",
        {"order_id": "X"},
        crontab=crontab(minute=0),
        tags=["nightly"],
        options={"queue": "tasker"},
    )
    assert entry["task"] == SUBMIT_TASK_NAME
    assert isinstance(entry["schedule"], crontab)
    assert entry["kwargs"] == {
        "name": "order_processing",
        "namespace": "ecommerce",
        "version": "1.0.0",
        "context": {"order_id": "X"},
        "tags": ["nightly"],
    }
    assert entry["options"] == {"queue": "tasker"}
    assert tasker_schedule("a", "b", "1", schedule=30)["schedule"] == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("", "ns", "1"), {"schedule": 5}, "name must be"),
        (("a", "ns", "1"), {}, "exactly one of"),
        (("a", "ns", "1"), {"schedule": 5, "crontab": crontab()}, "exactly one of"),
        (("a", "ns", "1", ["not", "a", "mapping"]), {"schedule": 5}, "context must be a mapping"),
    ],
)
def test_tasker_schedule_refuses_bad_input(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        tasker_schedule(*args, **kwargs)


def test_event_task_needs_a_pattern() -> None:
    with pytest.raises(ValueError, match="at least one event name pattern"):
        tasker_contrib_celery.tasker_event_task()


def test_import_and_install_import_no_engine_and_no_heavy_core_modules() -> None:
    code = textwrap.dedent(
        """
        import sys
        from celery import Celery
        import tasker_contrib_celery
        app = Celery("x", broker="memory://")
        tasker_contrib_celery.install(app)

        @tasker_contrib_celery.tasker_event_task("order.*", app=app)
        def on_order(event):
            pass

        app.conf.beat_schedule = {"n": tasker_contrib_celery.tasker_schedule(
            "a", "b", "1", schedule=5)}
        loaded = [name for name in ("tasker_core", "tasker_contrib_core.config",
                  "tasker_contrib_core.engine") if name in sys.modules]
        print(loaded)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
