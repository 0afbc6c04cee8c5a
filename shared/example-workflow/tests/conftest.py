"""Shared pieces of the example workflow's tests: the template, sample orders, a runner.

Everything here is built on the tasker-contrib testing toolkit's fixtures
(``tasker_run`` from the pytest plugin), so these tests double as its
reference usage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.testing import TaskRun
from tasker_contrib_example import CONTEXTS_DIR, HANDLER_PACKAGES, TEMPLATES_DIR

TEMPLATE = TEMPLATES_DIR / "order_processing.yaml"


@pytest.fixture
def template() -> Path:
    """The order-processing template, exactly as workers load it."""
    return TEMPLATE


@pytest.fixture
def sample() -> Callable[..., dict[str, Any]]:
    """``sample("order", notify=[])``: a sample context from ``contexts/``, with changes."""

    def load(name: str, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((CONTEXTS_DIR / f"{name}.json").read_text())
        data.update(changes)
        return data

    return load


@pytest.fixture
def run_order(tasker_run: Callable[..., TaskRun]) -> Callable[..., TaskRun]:
    """``run_order(context, **options)``: the order workflow with the example's handlers."""

    def run(context: dict[str, Any], **options: Any) -> TaskRun:
        return tasker_run(TEMPLATE, context, handler_packages=HANDLER_PACKAGES, **options)

    return run
