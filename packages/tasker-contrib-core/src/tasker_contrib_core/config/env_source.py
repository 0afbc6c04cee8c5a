"""Environment variables -> nested settings values, remembering which variable set what.

pydantic-settings can read ``TASKER_`` variables on its own, but ``explain()`` must
name the exact variable behind each value, and the engine's own variables
(``TASKER_ENV``, ``DATABASE_URL``, ``TASKER_TEMPLATE_PATH``) map onto settings
that do not follow the prefix rule. This reader does both in one pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasker_contrib_core.config.merge import Table, deep_merge, nest

PREFIX = "TASKER_"
NESTING = "__"

# The engine's own variables, read with lower precedence than our prefixed ones.
ENGINE_VARIABLES: dict[str, str] = {
    "TASKER_ENV": "environment",
    "DATABASE_URL": "common.database.url",
    "TASKER_TEMPLATE_PATH": "template_paths",
}


@dataclass
class EnvValues:
    """Values read from the environment, nested like the settings, plus their variables."""

    values: Table = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # dotted path -> variable name

    def variable_for(self, path: str) -> str | None:
        """The variable that set ``path`` or one of its parent tables (JSON), if any."""
        parts = path.split(".")
        for length in range(len(parts), 0, -1):
            variable = self.variables.get(".".join(parts[:length]))
            if variable is not None:
                return variable
        return None

    def add(self, path: str, raw: Any, variable: str) -> None:
        self.values = deep_merge(self.values, nest(path, raw))
        self.variables[path] = variable


def read_environment(
    environ: Mapping[str, str],
    *,
    top_level: frozenset[str],
    is_list: Callable[[str], bool],
) -> EnvValues:
    """Read settings from ``environ``.

    ``TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS=10`` sets
    ``common.database.pool.max_connections``; a list setting takes JSON or a comma
    separated value (``TASKER_HANDLER_PACKAGES=app.handlers,billing.handlers``);
    ``TASKER_TEMPLATE_PATH`` takes ``os.pathsep``-separated paths like the engine.
    Variables whose first part is not a setting (``TASKER_CONFIG_PATH``...) belong
    to the engine and are ignored here.
    """
    found = EnvValues()
    for variable, path in ENGINE_VARIABLES.items():
        if variable in environ and environ[variable] != "":
            raw = environ[variable]
            if variable == "TASKER_TEMPLATE_PATH":
                found.add(path, [part for part in raw.split(os.pathsep) if part], variable)
            else:
                found.add(path, raw, variable)
    for variable in sorted(environ):
        if not variable.upper().startswith(PREFIX) or variable.upper() in ENGINE_VARIABLES:
            continue
        parts = [part.lower() for part in variable[len(PREFIX) :].split(NESTING)]
        if not parts[0] or parts[0] not in top_level or not all(parts):
            continue
        path = ".".join(parts)
        found.add(path, _parse(environ[variable], list_value=is_list(path)), variable)
    return found


def _parse(raw: str, *, list_value: bool) -> Any:
    stripped = raw.strip()
    if stripped.startswith(("[", "{")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw  # let model validation report it with the variable's name
    if list_value:
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return raw
