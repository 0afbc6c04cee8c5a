"""Prepare the process environment the engine reads, before it is ever imported.

The engine takes nearly everything from the environment: the merged config
file (``TASKER_CONFIG_PATH``), the template directory (``TASKER_TEMPLATE_PATH``),
the environment name (``TASKER_ENV``), its log filter (``RUST_LOG``, read once
at import), plus whatever ``${VAR}`` placeholders the config file contains and
whatever a stray ``.env`` file adds. Several wrong values abort the process
with an uncatchable Rust panic. So the plan is computed and checked first
(:func:`plan_engine_environment`, no side effects) and only then applied
(:func:`apply_engine_environment`), before the first ``import tasker_core``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tasker_contrib_core.config import engine_facts
from tasker_contrib_core.config.effective import TaskerConfigWarning
from tasker_contrib_core.config.placeholders import (
    URL_VARIABLES,
    engine_value,
    find_placeholders,
    placeholder_problem,
    shown_value,
    substitute,
)
from tasker_contrib_core.errors import (
    ConfigError,
    EngineEnvironmentError,
    RuntimeStartError,
    TemplateError,
)
from tasker_contrib_core.runtime.database_check import PoolSize
from tasker_contrib_core.runtime.dotenv_files import DotenvFile, find_dotenv_files, loaded_values
from tasker_contrib_core.runtime.template_staging import StagedTemplates, stage_templates

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings

#: Engine log filter when the user has not set ``RUST_LOG``: warnings and errors
#: only, so a worker's output stays readable but still explains a failure.
#: (The idle long-poll's ``sqlx::query: slow statement`` warning is not silenced by
#: a target directive such as ``warn,sqlx::query=error`` in tasker-py 0.1.8: tried
#: against the real worker, the line still appears; see docs/deployment.md.)
QUIET_RUST_LOG = "warn"


@dataclass(frozen=True)
class EnginePlan:
    """Everything the worker runtime hands the engine, decided before it is touched."""

    config_path: Path
    templates: StagedTemplates
    environment: str
    database_url: str
    pgmq_database_url: str | None
    set_env: dict[str, str]
    dotenv_files: tuple[DotenvFile, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: ``common.database.pool`` as the engine will open it (None when unreadable).
    database_pool: PoolSize | None = None

    @property
    def template_dir(self) -> Path:
        return self.templates.directory


def plan_engine_environment(
    settings: TaskerSettings, *, environ: Mapping[str, str], cwd: Path | None = None
) -> EnginePlan:
    """Render the config, stage templates and check every variable the engine will read.

    Raises :class:`~tasker_contrib_core.errors.RuntimeStartError` (or its
    subclass :class:`~tasker_contrib_core.errors.EngineEnvironmentError`) with
    the variable, its source and the fix, instead of letting the engine abort.
    """
    try:
        effective = settings.effective_config()
        with warnings.catch_warnings():
            # render() merges again and would repeat every warning just shown.
            warnings.simplefilter("ignore", TaskerConfigWarning)
            config_path = settings.render()
    except ConfigError as exc:
        raise RuntimeStartError(
            f"the worker runtime cannot start: its configuration is invalid.\n{exc}"
        ) from exc
    try:
        templates = stage_templates(settings.template_paths)
    except (OSError, TemplateError) as exc:
        raise RuntimeStartError(
            f"the worker runtime cannot read its task templates ({exc}); check template_paths "
            "(TASKER_TEMPLATE_PATH)"
        ) from exc

    notes: list[str] = []
    set_env: dict[str, str] = {
        "TASKER_CONFIG_PATH": str(config_path),
        "TASKER_TEMPLATE_PATH": str(templates.directory),
        "TASKER_ENV": settings.environment,
    }
    if "RUST_LOG" not in environ:
        set_env["RUST_LOG"] = QUIET_RUST_LOG

    dotenv = find_dotenv_files(cwd)
    dotenv_path, dotenv_values = loaded_values(dotenv)
    if dotenv:
        notes.append(_dotenv_note(dotenv, environ))

    def value_of(name: str) -> tuple[str | None, str]:
        if name in set_env:
            return set_env[name], "set by tasker-contrib"
        if name in environ:
            return environ[name], "environment variable"
        if name in dotenv_values:
            return dotenv_values[name], f".env file {dotenv_path}"
        return None, "unset"

    text = config_path.read_text(encoding="utf-8")
    problem = placeholder_problem(text, value_of, where=f"the rendered engine config {config_path}")
    if problem is not None:
        raise EngineEnvironmentError(problem)
    for placeholder in {p.name: p for p in find_placeholders(text)}.values():
        value, source = value_of(placeholder.name)
        fixed = engine_value(placeholder.name, value) if value is not None else None
        if value is not None and fixed is not None and fixed != value:
            set_env[placeholder.name] = fixed
            notes.append(_normalised_note(placeholder.name, source))

    # The URL variables are also read directly by parts of the engine; never let a
    # value it rejects sit in the process environment, referenced or not.
    for name in URL_VARIABLES:
        value, source = value_of(name)
        if name in set_env or value is None or engine_facts.placeholder_value_ok(name, value):
            continue
        fixed = engine_value(name, value)
        if fixed is not None:
            set_env[name] = fixed
            notes.append(_normalised_note(name, source))
        else:
            notes.append(
                f"{name} ({source}) = {shown_value(name, value)} is not a URL the engine accepts; "
                "it is not used by the rendered config, but fix or unset it"
            )

    resolved_env = {**dotenv_values, **environ, **set_env}
    database_url = substitute(str(effective.value("common.database.url")), resolved_env)[0]
    pgmq_url: str | None = None
    try:
        raw_pgmq = effective.value("common.pgmq_database.url")
    except KeyError:
        raw_pgmq = None
    if isinstance(raw_pgmq, str):
        pgmq_url = substitute(raw_pgmq, resolved_env)[0] or None

    database_pool = PoolSize.from_config(effective)
    if templates.missing:
        shown = ", ".join(str(path) for path in templates.missing)
        notes.append(
            f"template path(s) {shown} do not exist; the worker starts with "
            f"{len(templates.files)} task template(s) (template_paths / TASKER_TEMPLATE_PATH)"
        )
    return EnginePlan(
        config_path=config_path,
        templates=templates,
        environment=settings.environment,
        database_url=database_url,
        pgmq_database_url=pgmq_url,
        set_env=set_env,
        dotenv_files=tuple(dotenv),
        notes=tuple(notes),
        database_pool=database_pool,
    )


def apply_engine_environment(plan: EnginePlan, environ: MutableMapping[str, str]) -> None:
    """Write the planned variables and surface the notes as warnings."""
    for name, value in plan.set_env.items():
        environ[name] = value
    for note in plan.notes:
        warnings.warn(note, TaskerConfigWarning, stacklevel=3)


def _normalised_note(name: str, source: str) -> str:
    return (
        f"{name} ({source}) uses the postgres:// scheme, which makes the engine abort the "
        f"process; it was rewritten to postgresql:// for this process. Update the {source} "
        "to silence this warning"
    )


def _dotenv_note(files: list[DotenvFile], environ: Mapping[str, str]) -> str:
    loaded = files[0]
    relevant = sorted(
        key
        for key in loaded.values
        if key in engine_facts.PLACEHOLDER_ALLOWLIST or key.startswith("TASKER_")
    )
    shadowed = [key for key in relevant if key in environ]
    effective = [key for key in relevant if key not in environ]
    parts = [
        f"the engine silently loads {loaded.path} (a .env file in the working directory or "
        "a parent) into this process's environment"
    ]
    if effective:
        parts.append(f"it would set {', '.join(effective)}")
    if shadowed:
        parts.append(f"already-set variables win over it: {', '.join(shadowed)}")
    others = [str(entry.path) for entry in files[1:]]
    if others:
        parts.append(f"further .env files up the tree (not loaded): {', '.join(others)}")
    parts.append("remove or rename the file, or run the worker from another directory")
    return "; ".join(parts)


__all__ = [
    "QUIET_RUST_LOG",
    "EnginePlan",
    "apply_engine_environment",
    "plan_engine_environment",
]
