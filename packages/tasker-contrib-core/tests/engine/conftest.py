"""Shared helpers for the local engine tests.

``RUST_LOG`` is set before any test module imports ``tasker_core`` so the
extension's logs stay out of the test output.
"""

from __future__ import annotations

import os

os.environ.setdefault("RUST_LOG", "error")

from collections.abc import Callable
from textwrap import dedent

import pytest
from tasker_contrib_core.engine import FakeClock
from tasker_contrib_core.templates.loader import parse_template
from tasker_contrib_core.templates.model import TaskTemplate


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def template() -> Callable[[str], TaskTemplate]:
    """Parse a template from YAML text (dedented); header fields are filled in."""

    def parse(
        steps_yaml: str, *, name: str = "test_task", namespace: str = "tests"
    ) -> TaskTemplate:
        body = dedent(steps_yaml).strip("\n")
        text = f'name: {name}\nnamespace_name: {namespace}\nversion: "1.0.0"\n{body}\n'
        return parse_template(text, source=f"<{name}>")

    return parse
