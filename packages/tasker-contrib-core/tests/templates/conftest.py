from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Directory of template fixtures: one broken file per validation code."""
    return FIXTURES


@pytest.fixture(scope="session")
def example_template() -> Path:
    """The shared order-processing example template."""
    from tasker_contrib_example import TEMPLATES_DIR

    return TEMPLATES_DIR / "order_processing.yaml"
