"""Fixtures of the Django package's tests.

In-process tests run against ``tests/project`` (``testproject.settings``, SQLite,
the local runtime) through pytest-django; subprocess tests run the same project
with real ``manage.py`` commands and servers (``tests/support.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

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


support = load_test_module(HERE, "support", prefix="tasker_contrib_django_tests")


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
