"""Helpers for the engine-configuration tests: load the built-in defaults and
write merged engine files.

The deep merge here is deliberately tiny and local (tables merge recursively,
everything else is replaced, as upstream merges its files); the settings layer
has the real one. Keeping a separate copy means these tests check the shipped
TOML files against the engine directly, not through the code under test
elsewhere.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_core
import tomli_w

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULTS_DIR = Path(tasker_contrib_core.__file__).parent / "config" / "defaults"
CONTEXT_FILES = ("common.toml", "worker.toml")

Table = dict[str, Any]


def deep_merge(base: Table, override: Table) -> Table:
    """Merge ``override`` into a copy of ``base``: tables recurse, other values replace."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def default_files(environment: str) -> list[Path]:
    """The four files merged for ``environment``, in merge order."""
    base = [DEFAULTS_DIR / "base" / name for name in CONTEXT_FILES]
    env = [DEFAULTS_DIR / "environments" / environment / name for name in CONTEXT_FILES]
    return base + env


def load_defaults(environment: str) -> Table:
    """Base defaults deep-merged with one environment's overrides."""
    merged: Table = {}
    for path in default_files(environment):
        merged = deep_merge(merged, tomllib.loads(path.read_text(encoding="utf-8")))
    return merged


def iter_leaves(table: Table, prefix: str = "") -> list[tuple[str, Any]]:
    """Every non-table value as (dotted path, value)."""
    leaves: list[tuple[str, Any]] = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            leaves.extend(iter_leaves(value, path))
        else:
            leaves.append((path, value))
    return leaves


def get_path(table: Table, path: str) -> Any:
    """Value at a dotted path; KeyError when any part is missing."""
    current: Any = table
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            raise KeyError(path)
        current = current[part]
    return current


def set_path(table: Table, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    current = table
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value


def delete_path(table: Table, path: str) -> None:
    *parents, last = path.split(".")
    current = table
    for part in parents:
        current = current[part]
    del current[last]


class Kit:
    """The helpers above, handed to tests through the ``kit`` fixture.

    (With ``--import-mode=importlib`` a test module cannot import its conftest.)
    """

    defaults_dir = DEFAULTS_DIR
    deep_merge = staticmethod(deep_merge)
    default_files = staticmethod(default_files)
    load_defaults = staticmethod(load_defaults)
    iter_leaves = staticmethod(iter_leaves)
    get_path = staticmethod(get_path)
    set_path = staticmethod(set_path)
    delete_path = staticmethod(delete_path)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
def engine_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a merged engine file: ``engine_config(env, url, edit=None) -> path``.

    ``edit`` receives the merged table to change before it is written.
    """

    def write(
        environment: str,
        database_url: str,
        edit: Callable[[Table], None] | None = None,
        name: str = "worker.toml",
    ) -> Path:
        table = load_defaults(environment)
        set_path(table, "common.database.url", database_url)
        if edit is not None:
            edit(table)
        path = tmp_path / name
        path.write_text(tomli_w.dumps(table), encoding="utf-8")
        return path

    return write
