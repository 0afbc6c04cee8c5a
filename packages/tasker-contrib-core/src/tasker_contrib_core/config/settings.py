"""``TaskerSettings``: the one object every framework package builds its config from.

Integration options (which runtime, which handler packages, timeouts...) are plain
fields. Engine keys live under ``common`` and ``worker`` with the exact TOML paths,
plus ``overrides`` (dotted TOML path -> value) for every key without a typed field.

Values come from, lowest to highest precedence: built-in defaults, the user's base
TOML, the user's environment TOML, framework settings / keyword arguments,
environment variables, ``overrides``. Environment variables win over settings in
code so a deployment can be changed without a code change.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tasker_contrib_core.config.console import ConsoleSettings
from tasker_contrib_core.config.effective import (
    ConfigReport,
    EffectiveConfig,
    ExplainedValue,
    build_effective_config,
    check_settings,
    explain_settings,
)
from tasker_contrib_core.config.engine_models import CommonConfig, WorkerConfig
from tasker_contrib_core.config.env_source import EnvValues, read_environment
from tasker_contrib_core.config.layers import database_url_configured
from tasker_contrib_core.config.masking import mask_table
from tasker_contrib_core.config.merge import deep_merge, prune_empty
from tasker_contrib_core.config.project import project_defaults
from tasker_contrib_core.config.render import render_worker_config
from tasker_contrib_core.errors import ConfigError, ConfigErrors

Environment = Literal["test", "development", "production"]
RuntimeChoice = Literal["local", "worker", "auto"]
TemplateValidation = Literal["strict", "report", "off"]
DEFAULT_SOURCE = "keyword arguments"

#: Upper bound of every duration setting of our own: one hour. A bound at all
#: matters because ``inf`` or ``1e10`` seconds overflow the thread and event
#: waits that enforce them, and a stop that never ends is never what was meant.
MAX_DURATION_SECONDS = 3600


class EventBridgeOptions(BaseModel):
    """How engine events reach your code (sinks are configured by each framework package)."""

    enabled: bool = Field(True, description="Deliver engine events to sinks at all.")
    patterns: list[str] = Field(
        default_factory=lambda: ["*"],
        description="fnmatch patterns of event names to deliver (`payment.*`).",
    )
    queue_size: int = Field(
        0,
        ge=0,
        description="0 delivers on the engine's thread; N > 0 uses a bounded queue and a "
        "dispatcher thread so a slow sink cannot stall the engine.",
    )
    overflow: Literal["drop_newest", "drop_oldest", "block"] = Field(
        "drop_newest", description="What a full queue does with a new event."
    )

    model_config = {"extra": "forbid"}


def _default_handler_packages() -> list[str]:
    """The project's recorded handler packages (pyproject.toml), else none."""
    return project_defaults().handler_packages or []


def _default_template_paths() -> list[Path]:
    return project_defaults().template_paths or [Path("config/tasks")]


def _default_config_dir() -> Path:
    return project_defaults().config_dir or Path("config/tasker")


class TaskerSettings(BaseSettings):
    """Settings for one process that runs or submits Tasker workflows.

    Build it with keyword arguments, ``TaskerSettings.from_mapping(...)`` (what the
    Django and Flask packages call) or nothing at all (environment variables and
    defaults). Construction validates types; ``check()``/``render()`` validate the
    merged engine configuration.
    """

    model_config = SettingsConfigDict(
        extra="forbid",
        validate_default=True,
        populate_by_name=True,
    )

    environment: Environment = Field(
        "development", description="Which environment TOML applies. Also `TASKER_ENV`."
    )
    runtime: RuntimeChoice = Field(
        "auto",
        description="`local` runs templates in-process; `worker` runs the real engine; "
        "`auto` picks `worker` when a database URL is configured, else `local`.",
    )
    worker_enabled: bool = Field(
        True, description="Start a worker in this process (false for submit-only processes)."
    )
    handler_packages: list[str] = Field(
        default_factory=_default_handler_packages,
        description="Packages whose step handlers are imported at start. Default: "
        "`[tool.tasker-contrib]` of the project's pyproject.toml, else none.",
    )
    template_paths: list[Path] = Field(
        default_factory=_default_template_paths,
        description="Task template files or directories. Also `TASKER_TEMPLATE_PATH`. "
        "Default: pyproject.toml's `[tool.tasker-contrib]`, else `config/tasks`.",
    )
    config_dir: Path = Field(
        default_factory=_default_config_dir,
        description="Holds `base/*.toml` and `environments/<env>/*.toml`; may be absent. "
        "Default: pyproject.toml's `[tool.tasker-contrib]`, else `config/tasker`.",
    )
    start_timeout_seconds: float = Field(
        30.0,
        gt=0,
        le=MAX_DURATION_SECONDS,
        allow_inf_nan=False,
        description="Longest the runtime may take to start before start fails "
        f"(0 < seconds <= {MAX_DURATION_SECONDS}).",
    )
    shutdown_timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=MAX_DURATION_SECONDS,
        allow_inf_nan=False,
        description="Longest the runtime may take to stop before giving up "
        f"(0 < seconds <= {MAX_DURATION_SECONDS}).",
    )
    template_validation: TemplateValidation | None = Field(
        None,
        description="What start-up does with a task template that fails validation: "
        "`strict` stops start-up with the validator's message, `report` logs it and fails "
        "readiness while the other templates keep working, `off` does not check. Default: "
        "`strict` in test and development, `report` in production.",
    )
    event_bridge: EventBridgeOptions = Field(default_factory=EventBridgeOptions)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    orchestration_url: str | None = Field(
        None, description="Orchestration REST API for processes that only submit tasks."
    )
    api_key: SecretStr | None = Field(None, description="API key for the orchestration API.")
    common: CommonConfig = Field(default_factory=CommonConfig)
    worker: WorkerConfig = Field(default_factory=WorkerConfig)
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Any other engine key by dotted TOML path "
        '(`{"common.database.pool.slow_acquire_threshold_ms": 200}`). Wins over everything.',
    )

    _settings_source: str = PrivateAttr(DEFAULT_SOURCE)
    _framework_values: dict[str, Any] = PrivateAttr(default_factory=dict)
    _env_values: EnvValues = PrivateAttr(default_factory=EnvValues)
    _environ: Mapping[str, str] = PrivateAttr(default_factory=lambda: os.environ)

    def __init__(
        self,
        _settings_source: str = DEFAULT_SOURCE,
        _environ: Mapping[str, str] | None = None,
        **values: Any,
    ) -> None:
        environ = os.environ if _environ is None else _environ
        env_values = read_environment(
            environ, top_level=frozenset(type(self).model_fields), is_list=_is_list_setting
        )
        merged = _merge_inputs(values, env_values.values)
        try:
            super().__init__(**merged)
        except ValidationError as exc:
            raise _explain_validation_error(exc, env_values, _settings_source) from None
        self._settings_source = _settings_source
        self._framework_values = dict(values)
        self._env_values = env_values
        self._environ = environ

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment is read by ``read_environment`` in ``__init__`` so that every
        # value keeps the name of its variable; pydantic-settings only sees the result.
        return (init_settings,)

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any],
        *,
        source: str = "framework settings",
        environ: Mapping[str, str] | None = None,
    ) -> TaskerSettings:
        """Build from a plain mapping (Django's ``TASKER = {...}``, Flask's config).

        Keys are case-insensitive so ``{"HANDLER_PACKAGES": [...]}`` works too; ``source``
        names the mapping in errors and in ``explain()``.
        """
        values = {str(key).lower(): value for key, value in mapping.items()}
        return cls(_settings_source=source, _environ=environ, **values)

    @field_validator("overrides")
    @classmethod
    def _dotted_engine_paths(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        for path in overrides:
            head = path.split(".", 1)[0]
            if head not in ("common", "worker") or "." not in path or "" in path.split("."):
                raise ValueError(
                    f"override key '{path}' must be a dotted TOML path under 'common.' or "
                    "'worker.' (e.g. 'common.database.pool.slow_acquire_threshold_ms')"
                )
        return overrides

    # -- derived values -------------------------------------------------------------

    @property
    def settings_source(self) -> str:
        """The name of the layer that passed values in code (for errors and ``explain()``)."""
        return self._settings_source

    @property
    def environ(self) -> Mapping[str, str]:
        """The environment this object was read from; placeholders are checked against it."""
        return self._environ

    @property
    def env_variables(self) -> Mapping[str, str]:
        """Dotted setting path -> the environment variable that set it."""
        return self._env_values.variables

    def env_variable_for(self, path: str) -> str | None:
        """The environment variable that set ``path`` or one of its parent tables."""
        return self._env_values.variable_for(path)

    def resolved_runtime(self) -> Literal["local", "worker"]:
        """``auto`` becomes ``worker`` when any layer above the built-in defaults sets a URL."""
        if self.runtime != "auto":
            return self.runtime
        return "worker" if database_url_configured(self) else "local"

    def template_validation_mode(self) -> TemplateValidation:
        """``template_validation``, or its default for the environment when unset."""
        if self.template_validation is not None:
            return self.template_validation
        return "report" if self.environment == "production" else "strict"

    def effective_config(self) -> EffectiveConfig:
        """The merged, validated engine configuration; raises ``ConfigErrors`` if invalid."""
        return build_effective_config(self)

    def check(self) -> ConfigReport:
        """Validate without raising: a report with errors and warnings."""
        return check_settings(self)

    def explain(self) -> list[ExplainedValue]:
        """Every effective engine value (secrets masked) with the layer that set it."""
        return explain_settings(self)

    def render(self, output: Path | str | None = None) -> Path:
        """Write the single merged worker TOML the engine reads; return its path."""
        return render_worker_config(self, Path(output) if output is not None else None)

    def masked_dump(self) -> dict[str, Any]:
        """The settings as a dict that is safe to print or log."""
        data = prune_empty(self.model_dump(mode="json", exclude_none=True))
        if self.api_key is not None:
            data["api_key"] = self.api_key.get_secret_value()
        return mask_table(data)

    def __repr_args__(self) -> Any:
        # ``repr(settings)`` ends up in logs and tracebacks: never show secrets there.
        yield from self.masked_dump().items()


_NUMBER_ERRORS = frozenset(
    {"finite_number", "greater_than", "less_than_equal", "float_parsing", "float_type"}
)


def _merge_inputs(values: Mapping[str, Any], env: Mapping[str, Any]) -> dict[str, Any]:
    """Environment values over code values, merging nested tables."""
    plain = {
        key: (value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value)
        for key, value in values.items()
    }
    return deep_merge(plain, env)


def _is_list_setting(path: str) -> bool:
    """True when the setting at ``path`` is a list, so env values may be comma separated."""
    model: Any = TaskerSettings
    annotation: Any = None
    for part in path.split("."):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        annotation = fields[part].annotation
        model = annotation
    origins = {typing.get_origin(annotation), *map(typing.get_origin, typing.get_args(annotation))}
    return list in origins


def _explain_validation_error(exc: ValidationError, env: EnvValues, source: str) -> ConfigErrors:
    """Turn pydantic's errors into ours, naming the key and the layer that set it."""
    errors: list[ConfigError] = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        key = ".".join(location)
        variable = env.variable_for(key)
        layer = f"env var {variable}" if variable else source
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = (
                "unknown setting; check the spelling "
                "(engine keys without a typed field go in 'overrides')"
            )
        elif error["type"] == "literal_error":
            message = f"{message}, got {error.get('input')!r}"
        elif key.endswith("_seconds") and error["type"] in _NUMBER_ERRORS:
            message = (
                f"{message}, got {error.get('input')!r}; use a finite number of seconds, "
                f"0 < seconds <= {MAX_DURATION_SECONDS}"
            )
        errors.append(ConfigError(message, key=key, layer=layer))
    return ConfigErrors(errors)
