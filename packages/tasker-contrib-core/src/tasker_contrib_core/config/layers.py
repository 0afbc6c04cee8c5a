"""The configuration layers, lowest precedence first, each remembering its sources.

Order: built-in defaults (shipped with this package, base then environment), the
user's base TOML, the user's environment TOML, framework settings / keyword
arguments, environment variables, ``overrides``. Each layer is a nested table plus,
for every leaf, a note of where it came from (a file path, a variable name...).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tasker_contrib_core.config.inputs import ConfigInputs
from tasker_contrib_core.config.merge import Table, deep_merge, iter_leaves, prune_empty, unflatten
from tasker_contrib_core.config.toml_io import read_toml

BUILTIN = "built-in default"
BASE_TOML = "base TOML"
ENVIRONMENT_TOML = "environment TOML"
FRAMEWORK = "framework settings"
ENV_VAR = "env var"
OVERRIDE = "override"
LAYER_ORDER = (BUILTIN, BASE_TOML, ENVIRONMENT_TOML, FRAMEWORK, ENV_VAR, OVERRIDE)

# The worker context reads these files; orchestration.toml belongs to the orchestration
# service and is never part of a worker's file.
WORKER_CONTEXT_FILES = ("common.toml", "worker.toml")


@dataclass(frozen=True)
class Layer:
    """One layer: its kind (one of ``LAYER_ORDER``), its table and per-leaf sources."""

    kind: str
    data: Table
    sources: dict[str, str] = field(default_factory=dict)

    def source_of(self, path: str) -> str:
        return self.sources.get(path, self.kind)


def _toml_layer(kind: str, files: list[Path], label: str | None = None) -> Layer:
    data: Table = {}
    sources: dict[str, str] = {}
    for path in files:
        table = read_toml(path)
        data = deep_merge(data, table)
        for leaf, _ in iter_leaves(deep_merge({}, table)):
            sources[leaf] = label or str(path)
    return Layer(kind, data, sources)


@functools.lru_cache(maxsize=8)
def _builtin_tables(environment: str) -> tuple[Table, dict[str, str]]:
    root = resources.files("tasker_contrib_core.config") / "defaults"
    base = [root / "base" / name for name in WORKER_CONTEXT_FILES]
    env = [root / "environments" / environment / name for name in WORKER_CONTEXT_FILES]
    data: Table = {}
    sources: dict[str, str] = {}
    for traversable in [*base, *env]:
        if not traversable.is_file():
            continue
        with resources.as_file(traversable) as path:
            table = read_toml(path)
        data = deep_merge(data, table)
        relative = "/".join(str(traversable).split("/defaults/")[-1:])
        for leaf, _ in iter_leaves(deep_merge({}, table)):
            sources[leaf] = f"built-in defaults/{relative}"
    return data, sources


def builtin_layer(environment: str) -> Layer:
    """The package's own complete, headless defaults for ``environment``."""
    data, sources = _builtin_tables(environment)
    return Layer(BUILTIN, deep_merge({}, data), dict(sources))


def user_toml_layers(config_dir: Path, environment: str) -> list[Layer]:
    """The user's base and environment TOML layers; absent files are simply skipped."""
    base = [config_dir / "base" / name for name in WORKER_CONTEXT_FILES]
    env = [config_dir / "environments" / environment / name for name in WORKER_CONTEXT_FILES]
    return [
        _toml_layer(BASE_TOML, [path for path in base if path.is_file()]),
        _toml_layer(ENVIRONMENT_TOML, [path for path in env if path.is_file()]),
    ]


def settings_layers(settings: ConfigInputs) -> list[Layer]:
    """Engine values given in code and in the environment, as two separate layers."""
    dsl = prune_empty(
        {
            "common": settings.common.model_dump(exclude_none=True),
            "worker": settings.worker.model_dump(exclude_none=True),
        }
    )
    framework_data: Table = {}
    framework_sources: dict[str, str] = {}
    env_data: Table = {}
    env_sources: dict[str, str] = {}
    for path, value in iter_leaves(dsl):
        variable = settings.env_variable_for(path)
        leaf = unflatten({path: value})
        if variable is not None:
            env_data = deep_merge(env_data, leaf)
            env_sources[path] = f"env var {variable}"
        else:
            framework_data = deep_merge(framework_data, leaf)
            framework_sources[path] = settings.settings_source
    return [
        Layer(FRAMEWORK, framework_data, framework_sources),
        Layer(ENV_VAR, env_data, env_sources),
    ]


def overrides_layer(settings: ConfigInputs) -> Layer:
    variable = settings.env_variables.get("overrides")
    via = f" via env var {variable}" if variable else ""
    sources = {path: f"overrides[{path!r}]{via}" for path in settings.overrides}
    data = unflatten(settings.overrides)
    # A list or table override is one leaf for explanation purposes; record its children too.
    for leaf, _ in iter_leaves(data):
        for path in settings.overrides:
            if leaf == path or leaf.startswith(path + "."):
                sources[leaf] = sources[path]
    return Layer(OVERRIDE, data, sources)


def collect_layers(settings: ConfigInputs) -> list[Layer]:
    """All layers for ``settings``, lowest precedence first."""
    return [
        builtin_layer(settings.environment),
        *user_toml_layers(settings.config_dir, settings.environment),
        *settings_layers(settings),
        overrides_layer(settings),
    ]


def database_url_configured(settings: ConfigInputs) -> bool:
    """True when any layer above the built-in defaults sets the database URL."""
    return any(
        layer.kind != BUILTIN and "common.database.url" in layer.sources
        for layer in collect_layers(settings)
    )
