"""Where generated files go inside a project.

A plain project, a Django app and a Flask blueprint package keep handlers,
tests and templates in different places, so the generators never hard-code a
path: they ask a :class:`ScaffoldLayout`. Framework packages build their own
(``ScaffoldLayout(handlers_package="orders.tasker_handlers", ...)``) and hand
it to the generator functions or put it in the click context object; a
project can pin its choices in ``pyproject.toml``::

    [tool.tasker-contrib.scaffold]
    handlers-package = "myapp.handlers"
    source-root = "src"
    tests-dir = "tests/handlers"

Every path is relative to the target directory and may not leave it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.naming import check_package

#: The table of ``pyproject.toml`` a project can pin its layout in.
PYPROJECT_TABLE = ("tool", "tasker-contrib", "scaffold")


def _relative_dir(value: str, field_name: str) -> PurePosixPath:
    path = PurePosixPath(value.replace("\\", "/"))
    if not value.strip():
        raise GenerationError(f"layout {field_name} is empty; use '.' for the target directory")
    if path.is_absolute() or (len(value) > 1 and value[1] == ":"):
        raise GenerationError(
            f"layout {field_name} {value!r} is absolute; give a directory relative to the "
            "target directory (pass --target to choose the project)"
        )
    if ".." in path.parts:
        raise GenerationError(
            f"layout {field_name} {value!r} contains '..'; it must stay inside the target directory"
        )
    return path


@dataclass(frozen=True)
class ScaffoldLayout:
    """Where ``install`` and ``generate`` put files, relative to the target directory.

    * ``handlers_package``: dotted package of step handler modules; workers
      scan it (``handler_packages``) to find decorator-style handlers.
    * ``subscribers_package``: dotted package of event sink modules; left
      empty, it sits next to the handlers package (``myapp.handlers`` ->
      ``myapp.subscribers``) and follows it when the handlers package changes.
    * ``source_root``: directory that holds the top-level package (``.`` for
      a flat project, ``src`` for a src layout); it must be importable.
    * ``templates_dir``: task template YAML files (the worker's
      ``TASKER_TEMPLATE_PATH``; by convention ``config/tasks``).
    * ``tests_dir``: generated pytest modules.
    * ``config_dir``: engine TOML (``base/`` and ``environments/<env>/``).
    """

    handlers_package: str = "workflows.handlers"
    subscribers_package: str = ""
    source_root: str = "."
    templates_dir: str = "config/tasks"
    tests_dir: str = "tests/workflows"
    config_dir: str = "config/tasker"
    _derived_subscribers: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_package(self.handlers_package, what="handlers package")
        if not self.subscribers_package:
            parent = self.handlers_package.rpartition(".")[0]
            derived = f"{parent}.subscribers" if parent else "subscribers"
            object.__setattr__(self, "subscribers_package", derived)
            object.__setattr__(self, "_derived_subscribers", True)
        check_package(self.subscribers_package, what="subscribers package")
        for name in ("source_root", "templates_dir", "tests_dir", "config_dir"):
            _relative_dir(getattr(self, name), name)

    def updated(self, **changes: Any) -> ScaffoldLayout:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        wanted = {key: value for key, value in changes.items() if value is not None}
        unknown = sorted(set(wanted) - {f.name for f in fields(self) if f.init})
        if unknown:
            raise GenerationError(f"unknown layout field(s): {', '.join(unknown)}")
        if not wanted:
            return self
        if self._derived_subscribers and "subscribers_package" not in wanted:
            wanted["subscribers_package"] = ""
        return dataclasses.replace(self, **wanted)

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Any], *, base: ScaffoldLayout | None = None, source: str = ""
    ) -> ScaffoldLayout:
        """Build from a mapping whose keys may use ``-`` or ``_`` (a TOML table)."""
        known = {f.name for f in fields(cls) if f.init}
        changes: dict[str, Any] = {}
        where = f" in {source}" if source else ""
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in known:
                raise GenerationError(
                    f"unknown scaffold layout key {key!r}{where}; known keys: "
                    f"{', '.join(sorted(k.replace('_', '-') for k in known))}"
                )
            if not isinstance(value, str):
                raise GenerationError(f"scaffold layout key {key!r}{where} must be a string")
            changes[name] = value
        return (base or cls()).updated(**changes)

    # -- derived paths (POSIX, relative to the target directory) ----------------------

    def package_dir(self, package: str) -> PurePosixPath:
        """Directory of a dotted package under ``source_root``."""
        root = _relative_dir(self.source_root, "source_root")
        return root.joinpath(*package.split("."))

    def package_inits(self, package: str) -> list[PurePosixPath]:
        """``__init__.py`` of the package and of every parent package, outermost first."""
        parts = package.split(".")
        root = _relative_dir(self.source_root, "source_root")
        return [root.joinpath(*parts[:depth], "__init__.py") for depth in range(1, len(parts) + 1)]

    def handler_module(self, module: str) -> PurePosixPath:
        return self.package_dir(self.handlers_package) / f"{module}.py"

    def subscriber_module(self, module: str) -> PurePosixPath:
        return self.package_dir(self.subscribers_package) / f"{module}.py"

    def test_file(self, stem: str) -> PurePosixPath:
        return _relative_dir(self.tests_dir, "tests_dir") / f"{stem}.py"

    def template_file(self, name: str) -> PurePosixPath:
        return self.templates_path(f"{name}.yaml")

    def templates_path(self, filename: str) -> PurePosixPath:
        return _relative_dir(self.templates_dir, "templates_dir") / filename

    @property
    def tests_depth(self) -> int:
        """How many ``Path(__file__).parents[...]`` lead from a test file to the target."""
        return len([part for part in _relative_dir(self.tests_dir, "tests_dir").parts if part])

    def config_file(self, *parts: str) -> PurePosixPath:
        return _relative_dir(self.config_dir, "config_dir").joinpath(*parts)


def project_layout(target: Path, base: ScaffoldLayout | None = None) -> ScaffoldLayout:
    """``base`` updated with ``[tool.tasker-contrib.scaffold]`` from the target's pyproject.toml.

    A missing file or table leaves ``base`` (default: the built-in layout) as it is.
    """
    layout = base or ScaffoldLayout()
    pyproject = target / "pyproject.toml"
    if not pyproject.is_file():
        return layout
    from tasker_contrib_core.config.toml_io import read_toml

    table: Any = read_toml(pyproject)
    for key in PYPROJECT_TABLE:
        table = table.get(key) if isinstance(table, Mapping) else None
        if table is None:
            return layout
    if not isinstance(table, Mapping):
        raise GenerationError(f"[{'.'.join(PYPROJECT_TABLE)}] in {pyproject} must be a table")
    return ScaffoldLayout.from_mapping(table, base=layout, source=str(pyproject))


__all__ = ["PYPROJECT_TABLE", "ScaffoldLayout", "project_layout"]
