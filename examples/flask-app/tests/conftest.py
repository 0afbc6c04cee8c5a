"""The example's own tests: the app on the local runtime, started like a server does."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[1]
if str(EXAMPLE_DIR) not in sys.path:  # the example is an app directory, not an installed package
    sys.path.insert(0, str(EXAMPLE_DIR))


@pytest.fixture
def tasker_flask_app(tasker_local_settings: Callable[..., Any]) -> Any:
    """The example app on the embedded local runtime, whatever the environment says."""
    from flask_orders import create_app

    # tasker_local_settings hides TASKER_* / DATABASE_URL for the test
    tasker_local_settings()
    return create_app({"TASKER_RUNTIME": "local", "TASKER_ENVIRONMENT": "test"})
