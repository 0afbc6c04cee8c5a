"""Tasker settings from a Flask app's config: ``app.config["TASKER"]`` and ``TASKER_*`` keys.

Flask users configure extensions in ``app.config`` (``from_object``,
``from_prefixed_env``, ``from_file``), so both spellings work and may be
mixed::

    app.config["TASKER"] = {"handler_packages": ["orders.handlers"]}
    app.config["TASKER_SHUTDOWN_TIMEOUT_SECONDS"] = 5

A ``TASKER_<SETTING>`` key wins over the same setting in the ``TASKER``
dict (it is the more specific spelling). The keys that only steer this
extension (``TASKER_START_ON_FIRST_REQUEST``, ``TASKER_LOG_EVENTS``) are
read here and never reach ``TaskerSettings``. Environment variables still
win over both, as everywhere in Tasker.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

#: The ``app.config`` key holding a dict of Tasker settings.
CONFIG_KEY = "TASKER"

#: Prefix of single-setting keys (``TASKER_HANDLER_PACKAGES``).
KEY_PREFIX = "TASKER_"

#: The layer name ``settings.explain()`` and validation errors show.
SETTINGS_LAYER = "flask app.config"

#: Extension options with their defaults (``app.config.setdefault``).
EXTENSION_DEFAULTS: dict[str, Any] = {
    "TASKER_START_ON_FIRST_REQUEST": False,
    "TASKER_LOG_EVENTS": True,
}


@dataclass(frozen=True)
class ExtensionOptions:
    """What the extension itself reads from ``app.config``."""

    start_on_first_request: bool
    log_events: bool


def apply_defaults(config: MutableMapping[str, Any]) -> None:
    """``setdefault`` the extension's keys, so ``app.config`` shows what is in effect."""
    config.setdefault(CONFIG_KEY, {})
    for key, value in EXTENSION_DEFAULTS.items():
        config.setdefault(key, value)


def extension_options(config: Mapping[str, Any]) -> ExtensionOptions:
    """The extension's own options (after :func:`apply_defaults`)."""
    return ExtensionOptions(
        start_on_first_request=_flag(config, "TASKER_START_ON_FIRST_REQUEST"),
        log_events=_flag(config, "TASKER_LOG_EVENTS"),
    )


def settings_mapping(config: Mapping[str, Any]) -> dict[str, Any]:
    """The Tasker settings in ``config``: the ``TASKER`` dict, then ``TASKER_*`` keys.

    Raises ``TypeError`` naming the key when ``TASKER`` is not a dict.
    """
    base = config.get(CONFIG_KEY)
    if base is None:
        base = {}
    if not isinstance(base, Mapping):
        raise TypeError(
            f"app.config[{CONFIG_KEY!r}] must be a dict of Tasker settings, got "
            f"{type(base).__name__}; for one setting use a TASKER_<NAME> key instead"
        )
    values = {str(key).lower(): value for key, value in base.items()}
    for key, value in config.items():
        if key.startswith(KEY_PREFIX) and key not in EXTENSION_DEFAULTS:
            values[key[len(KEY_PREFIX) :].lower()] = value
    return values


def _flag(config: Mapping[str, Any], key: str) -> bool:
    value = config.get(key, EXTENSION_DEFAULTS[key])
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"app.config[{key!r}] = {value!r} is not a boolean (use true or false)")
    return bool(value)


__all__ = [
    "CONFIG_KEY",
    "EXTENSION_DEFAULTS",
    "KEY_PREFIX",
    "SETTINGS_LAYER",
    "ExtensionOptions",
    "apply_defaults",
    "extension_options",
    "settings_mapping",
]
