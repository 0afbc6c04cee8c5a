"""What the configuration pipeline reads from a settings object, as a protocol.

``layers``, ``effective`` and ``render`` depend on this protocol, never on
:class:`~tasker_contrib_core.config.settings.TaskerSettings` itself, so imports
in ``config/`` run one way: ``settings`` -> ``effective``/``render`` ->
``layers``/``validation`` -> ``inputs`` and the leaf modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel


class ConfigInputs(Protocol):
    """The settings values the layers are built from."""

    @property
    def environment(self) -> str: ...

    @property
    def config_dir(self) -> Path: ...

    @property
    def common(self) -> BaseModel: ...

    @property
    def worker(self) -> BaseModel: ...

    @property
    def overrides(self) -> dict[str, Any]: ...

    @property
    def settings_source(self) -> str: ...

    @property
    def env_variables(self) -> Mapping[str, str]: ...

    @property
    def environ(self) -> Mapping[str, str]: ...

    def env_variable_for(self, path: str) -> str | None: ...


__all__ = ["ConfigInputs"]
