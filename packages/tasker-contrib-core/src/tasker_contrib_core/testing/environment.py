"""Settings for tests that do not depend on the machine running them.

``TaskerSettings`` reads ``TASKER_*`` variables and ``DATABASE_URL`` (and the
engine reads ``TASKER_CONFIG_PATH``), so a developer with a database URL
exported, or a CI job with ``TASKER_ENV=production``, would see different
test results from everyone else. :func:`clean_tasker_environment` removes
those variables for the duration of a block and puts them back afterwards;
:func:`isolated_settings` builds settings that read no environment at all
unless the test hands one in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings

#: Variables outside the ``TASKER_`` prefix that still change Tasker's configuration.
EXTRA_VARIABLES = frozenset({"DATABASE_URL"})


def is_tasker_variable(name: str) -> bool:
    """``TASKER_*`` (any case) or one of :data:`EXTRA_VARIABLES`."""
    upper = name.upper()
    return upper.startswith("TASKER_") or upper in EXTRA_VARIABLES


@contextmanager
def clean_tasker_environment(**values: str) -> Iterator[dict[str, str]]:
    """Remove every Tasker variable from ``os.environ`` inside the block.

    Keyword arguments are set for the block (``clean_tasker_environment(TASKER_ENV="test")``).
    On exit every Tasker variable is reset to what it was before, including
    ones the code under test added. Yields the removed variables.
    """
    removed = {name: value for name, value in os.environ.items() if is_tasker_variable(name)}
    for name in removed:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield dict(removed)
    finally:
        for name in [name for name in os.environ if is_tasker_variable(name)]:
            del os.environ[name]
        os.environ.update(removed)


def isolated_settings(environ: Mapping[str, str] | None = None, **values: Any) -> TaskerSettings:
    """``TaskerSettings(**values)`` that sees only ``environ`` (default: no variables)."""
    from tasker_contrib_core.config.settings import TaskerSettings

    return TaskerSettings(_environ=dict(environ or {}), **values)


__all__ = [
    "EXTRA_VARIABLES",
    "clean_tasker_environment",
    "is_tasker_variable",
    "isolated_settings",
]
