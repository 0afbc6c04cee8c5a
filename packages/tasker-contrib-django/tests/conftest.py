"""Fixtures of the Django package's tests.

In-process tests run against ``tests/project`` (``testproject.settings``, SQLite,
the local runtime) through pytest-django; subprocess tests run the same project
with real ``manage.py`` commands and servers (``tests/support.py``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"

if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))
_SET_HERE = "DJANGO_SETTINGS_MODULE" not in os.environ
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")

import django  # noqa: E402

# pytest-django configures Django only when DJANGO_SETTINGS_MODULE is set before
# pytest starts (it is not for the other packages of the workspace): set up here.
django.setup()
if _SET_HERE:
    # Settings are configured now; the variable must not leak into the child
    # processes of other packages' tests (a Celery worker that sees it applies
    # its Django fixup to our test project). Children of these tests set it.
    del os.environ["DJANGO_SETTINGS_MODULE"]


def _load(name: str) -> ModuleType:
    """Import ``tests/<name>.py`` by path, once (test directories are not packages)."""
    module_name = f"tasker_contrib_django_tests_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


support = _load("support")


@pytest.fixture
def servers() -> ModuleType:
    """``tests/support.py``: real servers and manage.py in child processes."""
    return support


@pytest.fixture
def project_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a child process running the test project in ``tmp_path``."""
    return support.server_env(
        tmp_path / "lifecycle.jsonl",
        TEST_DJANGO_SQLITE=str(tmp_path / "db.sqlite3"),
        TEST_DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )


@pytest.fixture
def fresh_tasker() -> Iterator[None]:
    """Forget (and stop) this process's host before and after the test."""
    from tasker_contrib_django import conf

    conf.reset()
    yield
    conf.reset()
