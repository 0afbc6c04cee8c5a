"""Turn whatever the app passes as settings into one ``TaskerSettings``.

FastAPI has no settings system of its own: apps use pydantic-settings
objects, plain dicts, or a cached ``get_settings()`` function. All three are
accepted, and nothing is read until the lifespan runs, so importing the app
module (in a gunicorn master, a reloader parent, a test collector) reads no
environment variables and validates nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings

#: What ``tasker_lifespan(settings=...)`` and ``install(app, settings=...)`` accept.
SettingsInput = Union[
    "TaskerSettings",
    Mapping[str, Any],
    Callable[[], "TaskerSettings | Mapping[str, Any]"],
    None,
]

#: The layer name settings passed in code get in errors and ``explain()``.
SOURCE = "FastAPI app settings"


def resolve_settings(settings: SettingsInput) -> TaskerSettings:
    """``None`` reads the environment; a mapping goes through ``from_mapping``; a
    callable is called first (once per lifespan run)."""
    from tasker_contrib_core.config.settings import TaskerSettings

    value: object = settings() if callable(settings) else settings
    if value is None:
        return TaskerSettings(_settings_source=SOURCE)
    if isinstance(value, TaskerSettings):
        return value
    if isinstance(value, Mapping):
        return TaskerSettings.from_mapping(value, source=SOURCE)
    raise TypeError(
        "settings must be a TaskerSettings, a mapping of settings, a function returning "
        f"one of those, or None; got {type(value).__name__}"
    )


__all__ = ["SOURCE", "SettingsInput", "resolve_settings"]
