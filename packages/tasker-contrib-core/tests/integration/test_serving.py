"""process_role: the lifecycle.md rules for "may this process host a runtime?"."""

from __future__ import annotations

import pytest
from tasker_contrib_core.integration import process_role

NO_ENV: dict[str, str] = {}


@pytest.mark.parametrize(
    ("argv", "environ", "serving"),
    [
        # Django: only runserver's serving child, --noreload, and our worker command
        (["manage.py", "runserver"], NO_ENV, False),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "runserver", "--noreload"], NO_ENV, True),
        (["manage.py", "tasker_worker"], NO_ENV, True),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, False),
        (["/venv/bin/django-admin", "check"], NO_ENV, False),
        (["manage.py", "shell", "-c", "print(1)"], NO_ENV, False),
        (["manage.py", "collectstatic", "--noinput"], NO_ENV, False),
        (["manage.py", "test"], NO_ENV, False),
        # Flask: the reloader's parent never, the child and a plain run do
        (["/venv/bin/flask", "--app", "app", "run", "--debug"], NO_ENV, False),
        (["flask", "run", "--debug"], {"WERKZEUG_RUN_MAIN": "true"}, True),
        (["flask", "run"], {"FLASK_DEBUG": "1"}, False),
        (["flask", "run", "--no-reload"], {"FLASK_DEBUG": "1"}, True),
        (["flask", "run"], NO_ENV, True),
        (["flask", "routes"], NO_ENV, False),
        (["flask", "tasker", "worker"], NO_ENV, True),
        (["flask", "tasker", "check"], NO_ENV, False),
        (["/usr/lib/python3/site-packages/flask/__main__.py", "shell"], NO_ENV, False),
        # Celery: workers serve; beat, inspect and friends never do
        (["celery", "-A", "proj", "worker", "-l", "info"], NO_ENV, True),
        (["celery", "-A", "proj", "beat"], NO_ENV, False),
        (["celery", "--app", "proj", "inspect", "ping"], NO_ENV, False),
        (["celery", "-A", "proj", "call", "tasks.add"], NO_ENV, False),
        # anything else may host one
        (["python", "script.py"], NO_ENV, True),
        (["/venv/bin/pytest", "-q"], NO_ENV, True),
        (["hypercorn", "app:app"], NO_ENV, True),
    ],
)
def test_rules(argv: list[str], environ: dict[str, str], serving: bool) -> None:
    role = process_role(argv, environ)
    assert role.serving is serving, role
    assert bool(role) is serving
    assert role.reason


def test_gunicorn_master_and_worker_are_told_apart_by_the_parent() -> None:
    argv = ["/venv/bin/gunicorn", "app:app", "--preload", "-w", "2"]
    master = process_role(argv, NO_ENV, parent_argv=["-bash"])
    worker = process_role(argv, NO_ENV, parent_argv=["/venv/bin/python", "/venv/bin/gunicorn"])
    via_module = process_role(
        ["/x/gunicorn/__main__.py"], NO_ENV, parent_argv=["python3", "-m", "gunicorn", "app"]
    )
    launched_by_uv = process_role(argv, NO_ENV, parent_argv=["uv", "run", "gunicorn", "app"])
    assert (master.serving, worker.serving, via_module.serving) == (False, True, True)
    assert "master" in master.reason
    assert launched_by_uv.serving is False  # uv is the master's parent, not a gunicorn master


def test_the_current_process_is_judged_by_default() -> None:
    assert process_role().serving is True  # pytest: no rule excludes it
