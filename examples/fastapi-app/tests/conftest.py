"""The example's own tests: the app on the local runtime, lifespan included."""

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
def tasker_app(tasker_local_settings: Callable[..., Any]) -> Any:
    """The example app on the embedded local runtime, whatever the environment says."""
    import tasker_contrib_example as example
    from fastapi_orders.main import create_app

    return create_app(
        tasker_local_settings(
            handler_packages=list(example.HANDLER_PACKAGES),
            template_paths=[example.TEMPLATES_DIR],
        )
    )
