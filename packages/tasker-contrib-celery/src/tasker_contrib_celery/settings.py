"""Tasker settings from a Celery app's configuration (``app.conf``).

Celery users keep every setting in one place, ``app.conf`` (often loaded
with ``config_from_object``), so Tasker's settings live there too, under a
``tasker_`` prefix::

    app.conf.tasker_handler_packages = ["orders.steps"]
    app.conf.tasker_shutdown_timeout_seconds = 10
    app.conf.tasker_event_bridge = {"patterns": ["order.*", "step.*"]}

or, equivalently, one mapping: ``app.conf.tasker = {"handler_packages": [...]}``
(prefixed keys win over it). The values form the ``"celery app.conf"`` layer
of ``settings.explain()``; environment variables (``TASKER_*``) still win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.integration import SettingsInput, resolve_settings

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings

#: The layer name shown in ``explain()`` rows and validation errors.
SETTINGS_LAYER = "celery app.conf"

#: Prefix of Tasker keys in ``app.conf`` (matched case-insensitively).
PREFIX = "tasker_"

#: Queue size of the event dispatcher unless configured: events reach the broker
#: from a dispatcher thread, never on the engine's own thread.
DEFAULT_EVENT_QUEUE_SIZE = 1000


def conf_values(conf: Mapping[str, Any]) -> dict[str, Any]:
    """The Tasker settings found in ``conf``: the ``tasker`` mapping, then ``tasker_*`` keys."""
    values: dict[str, Any] = {}
    nested = _get(conf, "tasker")
    if nested is not None:
        if not isinstance(nested, Mapping):
            raise TypeError(
                f"{SETTINGS_LAYER}: 'tasker' must be a mapping of Tasker settings, got "
                f"{type(nested).__name__}; or use tasker_<setting> keys"
            )
        values.update({str(key).lower(): value for key, value in nested.items()})
    for key in list(conf.keys()):
        lowered = str(key).lower()
        if lowered.startswith(PREFIX) and len(lowered) > len(PREFIX):
            values[lowered[len(PREFIX) :]] = conf[key]
    return values


def _get(conf: Mapping[str, Any], key: str) -> Any:
    for candidate in (key, key.upper()):
        try:
            value = conf.get(candidate)
        except Exception:  # a lazy Celery Settings object may fail on odd keys
            value = None
        if value is not None:
            return value
    return None


def with_event_queue(values: dict[str, Any]) -> dict[str, Any]:
    """Give the event dispatcher a bounded queue unless the user chose one."""
    bridge = values.get("event_bridge")
    if bridge is None:
        values["event_bridge"] = {"queue_size": DEFAULT_EVENT_QUEUE_SIZE}
    elif isinstance(bridge, Mapping) and "queue_size" not in bridge:
        values["event_bridge"] = {**bridge, "queue_size": DEFAULT_EVENT_QUEUE_SIZE}
    return values


def celery_settings(conf: Mapping[str, Any], settings: SettingsInput = None) -> TaskerSettings:
    """Resolve the settings of a Celery app: ``settings`` over ``app.conf``, env over both.

    ``settings`` may be a mapping (merged over the ``app.conf`` values), a
    ``TaskerSettings`` or a function returning either (used as given), or
    ``None`` (``app.conf`` only).
    """
    given: object = settings() if callable(settings) else settings
    if given is not None and not isinstance(given, Mapping):
        return resolve_settings(given, layer=SETTINGS_LAYER)  # type: ignore[arg-type]
    values = conf_values(conf)
    if isinstance(given, Mapping):
        values.update({str(key).lower(): value for key, value in given.items()})
    return resolve_settings(with_event_queue(values), layer=SETTINGS_LAYER)


__all__ = ["DEFAULT_EVENT_QUEUE_SIZE", "PREFIX", "SETTINGS_LAYER", "celery_settings", "conf_values"]
