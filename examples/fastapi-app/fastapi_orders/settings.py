"""The example's Tasker settings: where its workflow lives, the rest from the environment.

Only what this app knows is set in code: the example workflow's templates
and handler package. Everything else comes from ``TASKER_*`` variables,
``DATABASE_URL`` and ``config/tasker/``, which win over code, so the very
same app runs on the embedded local runtime (nothing configured) or on the
real engine (a database configured) without a code change.
"""

from __future__ import annotations

from typing import Any

import tasker_contrib_example as example
from tasker_contrib_core.config import TaskerSettings


def example_settings(**values: Any) -> TaskerSettings:
    """Settings for the example; keyword arguments override the defaults below."""
    values.setdefault("handler_packages", list(example.HANDLER_PACKAGES))
    values.setdefault("template_paths", [example.TEMPLATES_DIR])
    return TaskerSettings(**values)


__all__ = ["example_settings"]
