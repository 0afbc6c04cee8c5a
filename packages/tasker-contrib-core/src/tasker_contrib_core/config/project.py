"""The project's own choices, recorded once in ``[tool.tasker-contrib]`` of pyproject.toml.

``tasker-contrib install`` writes the layout it used to
``[tool.tasker-contrib.scaffold]``; from then on ``generate`` puts files there,
and :class:`~tasker_contrib_core.config.TaskerSettings` takes its defaults for
``handler_packages``, ``template_paths`` and ``config_dir`` from the same table,
so ``validate``, ``run``, ``worker``, ``doctor`` and every framework package find
the project's handlers without being told again. Keys (``-`` or ``_``)::

    [tool.tasker-contrib]
    handler-packages = ["myapp.handlers", "billing.handlers"]  # optional, else:

    [tool.tasker-contrib.scaffold]
    handlers-package = "myapp.handlers"
    templates-dir = "config/tasks"
    config-dir = "config/tasker"

The nearest ``pyproject.toml`` at or above the current directory is used (as
pytest and ruff find theirs); relative paths are relative to its directory.
Explicit settings and ``TASKER_*`` variables still win over these defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasker_contrib_core.config.toml_io import read_toml
from tasker_contrib_core.errors import ConfigError

TOOL_TABLE = ("tool", "tasker-contrib")


@dataclass(frozen=True)
class ProjectDefaults:
    """What the project's pyproject.toml says; ``None`` where it says nothing."""

    pyproject: Path | None = None
    handler_packages: list[str] | None = None
    template_paths: list[Path] | None = None
    config_dir: Path | None = None


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (default: the current directory)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _get(table: Mapping[str, Any], key: str) -> Any:
    return table.get(key, table.get(key.replace("-", "_")))


def _strings(value: Any, *, key: str, source: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(
        f"[tool.tasker-contrib] {key} in {source} must be a string or a list of strings",
        key=key,
        layer=str(source),
    )


def _path(root: Path, value: str) -> Path:
    """``value`` relative to the pyproject's directory, kept relative when that is the cwd."""
    path = Path(value)
    if path.is_absolute() or root == Path.cwd().resolve():
        return path
    return root / path


def project_defaults(start: Path | None = None) -> ProjectDefaults:
    """Read ``[tool.tasker-contrib]`` (see the module docstring) of the nearest pyproject.toml."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return ProjectDefaults()
    table: Any = read_toml(pyproject)
    for key in TOOL_TABLE:
        table = table.get(key) if isinstance(table, Mapping) else None
    if not isinstance(table, Mapping):
        return ProjectDefaults(pyproject=pyproject)
    scaffold = table.get("scaffold") or {}
    if not isinstance(scaffold, Mapping):
        raise ConfigError(
            f"[tool.tasker-contrib.scaffold] in {pyproject} must be a table",
            key="scaffold",
            layer=str(pyproject),
        )
    root = pyproject.parent
    packages_value = _get(table, "handler-packages")
    if packages_value is None:
        packages_value = _get(scaffold, "handlers-package")
    templates_value = _get(table, "template-paths")
    if templates_value is None:
        templates_value = _get(scaffold, "templates-dir")
    config_value = _get(table, "config-dir")
    if config_value is None:
        config_value = _get(scaffold, "config-dir")
    if config_value is not None and not isinstance(config_value, str):
        raise ConfigError(
            f"[tool.tasker-contrib] config-dir in {pyproject} must be a string",
            key="config-dir",
            layer=str(pyproject),
        )
    return ProjectDefaults(
        pyproject=pyproject,
        handler_packages=(
            None
            if packages_value is None
            else _strings(packages_value, key="handler-packages", source=pyproject)
        ),
        template_paths=(
            None
            if templates_value is None
            else [
                _path(root, value)
                for value in _strings(templates_value, key="template-paths", source=pyproject)
            ]
        ),
        config_dir=None if config_value is None else _path(root, config_value),
    )


__all__ = ["TOOL_TABLE", "ProjectDefaults", "find_pyproject", "project_defaults"]
