"""Importing the package, and Django's ready(), import no engine and start nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tasker_contrib_testsupport.subprocesses import run_fresh_python

PROJECT = Path(__file__).resolve().parent / "project"


def run_fresh(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    child_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    child_env.update(env)
    return run_fresh_python(code, env=child_env, cwd=PROJECT)


def test_import_imports_no_engine_and_configures_no_settings() -> None:
    result = run_fresh(
        """
        import sys
        import tasker_contrib_django as package
        from django.conf import settings
        for name in package.__all__:
            getattr(package, name)
        import tasker_contrib_django.signals, tasker_contrib_django.wsgi
        import tasker_contrib_django.asgi, tasker_contrib_django.gunicorn
        print(package.__version__, "ENGINE" if "tasker_core" in sys.modules else "CLEAN",
              "CONFIGURED" if settings.configured else "UNCONFIGURED")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.1.0", "CLEAN", "UNCONFIGURED"]


def test_django_setup_runs_ready_without_reading_tasker_or_building_a_host() -> None:
    result = run_fresh(
        """
        import sys, django
        django.setup()
        from django.conf import settings
        from tasker_contrib_django import conf
        loaded = [m for m in ("tasker_core", "tasker_contrib_core.engine",
                              "tasker_contrib_core.runtime.local") if m in sys.modules]
        print("HOST", conf.current_host(), "SETTINGS", conf._settings, "LOADED", loaded)
        """,
        DJANGO_SETTINGS_MODULE="testproject.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "HOST None SETTINGS None LOADED []"
