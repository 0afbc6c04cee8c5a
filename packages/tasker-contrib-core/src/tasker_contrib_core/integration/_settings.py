"""One ``TaskerSettings`` from whatever a framework holds: a mapping, an object, nothing.

Flask passes ``app.config["TASKER"]``, Django ``settings.TASKER``, Celery
``app.conf``, FastAPI apps a dict or a ``get_settings()`` function. Each is a
configuration *layer* of its own: its name (``layer="flask"``) is what
``settings.explain()`` and every validation error show as the source of the
values it set, so a user reading "handler_packages: set by flask
app.config['TASKER']" knows which file to open. The environment
(``TASKER_*``, ``DATABASE_URL``...) is read on top of it, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings

#: What a framework may pass as settings: ready settings, a mapping of them, a
#: function returning either (called once, when resolved), or ``None`` (the
#: environment and ``config/tasker/`` only).
SettingsInput = Union[
    "TaskerSettings",
    Mapping[str, Any],
    Callable[[], "TaskerSettings | Mapping[str, Any] | None"],
    None,
]


def resolve_settings(
    settings: SettingsInput,
    *,
    layer: str,
    environ: Mapping[str, str] | None = None,
) -> TaskerSettings:
    """Resolve ``settings`` into one :class:`TaskerSettings`, naming its layer ``layer``.

    ``layer`` is the framework and where its values live, as a user would
    look for them: ``"flask app.config['TASKER']"``, ``"django settings.TASKER"``,
    ``"celery app.conf"``, ``"fastapi app settings"``. A ``TaskerSettings``
    passed in is returned as is (its own layer name stays). ``environ``
    replaces ``os.environ`` (tests). Keys of a mapping are case-insensitive.
    """
    from tasker_contrib_core.config import TaskerSettings

    if not layer or not isinstance(layer, str):
        raise ValueError('layer must name the framework settings, e.g. "flask app.config"')
    value: object = settings() if callable(settings) else settings
    if value is None:
        return TaskerSettings(_settings_source=layer, _environ=environ)
    if isinstance(value, TaskerSettings):
        return value
    if isinstance(value, Mapping):
        return TaskerSettings.from_mapping(value, source=layer, environ=environ)
    raise TypeError(
        f"{layer}: Tasker settings must be a TaskerSettings, a mapping of settings, a "
        f"function returning one of those, or None; got {type(value).__name__}"
    )


__all__ = ["SettingsInput", "resolve_settings"]
