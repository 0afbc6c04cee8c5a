"""A typed model of the task template YAML the Tasker engine loads.

Field names, aliases and defaults follow the engine's own Rust structs
(``tasker-shared``'s ``models::core::task_template``) so that a template that
loads here loads there, and the local engine sees the same values the
orchestrator would. Unknown keys are ignored, as the engine ignores them, but
known keys are type-checked strictly (no ``"3"`` -> ``3`` coercion), because
the engine's YAML reader is strict too and a template that only works here
would be a trap.

Everything that is *semantically* wrong but well-typed (a missing dependency, a
cycle, a bad namespace) is left to :mod:`tasker_contrib_core.templates.validator`,
which can report all problems at once with step names and hints.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from tasker_contrib_core.errors import StepNotFoundError

#: Pattern the engine enforces for domain event names (``order.validated``).
EVENT_NAME_PATTERN = r"^[a-z0-9_.]+$"

#: A JSON object, as found in ``input_schema``, ``result_schema`` and handler config.
JsonObject = dict[str, Any]


class StepType(str, Enum):
    """How the orchestrator treats a step (YAML key ``type``, alias ``step_type``)."""

    STANDARD = "standard"
    DECISION = "decision"
    DEFERRED_CONVERGENCE = "deferred_convergence"
    BATCHABLE = "batchable"
    BATCH_WORKER = "batch_worker"


class BackoffStrategy(str, Enum):
    """Backoff curve named in a step's ``retry.backoff``."""

    NONE = "none"
    LINEAR = "linear"
    EXPONENTIAL = "exponential"
    FIBONACCI = "fibonacci"


class PublicationCondition(str, Enum):
    """When a declared domain event is published, relative to the step outcome."""

    SUCCESS = "success"
    FAILURE = "failure"
    RETRYABLE_FAILURE = "retryable_failure"
    PERMANENT_FAILURE = "permanent_failure"
    ALWAYS = "always"


class DeliveryMode(str, Enum):
    """How a domain event travels: ``durable`` (PGMQ queue), ``fast`` or ``broadcast``."""

    DURABLE = "durable"
    FAST = "fast"
    BROADCAST = "broadcast"


class FailureStrategy(str, Enum):
    """What a failed batch worker does to the rest of the task."""

    CONTINUE_ON_FAILURE = "continue_on_failure"
    FAIL_FAST = "fail_fast"
    ISOLATE = "isolate"


class _TemplateModel(BaseModel):
    """Shared configuration: ignore unknown keys, accept names and aliases."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TemplateMetadata(_TemplateModel):
    """Documentation metadata (``metadata:``); the engine stores it, never acts on it."""

    author: StrictStr | None = None
    tags: list[StrictStr] = Field(default_factory=list)
    documentation_url: StrictStr | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SystemDependencies(_TemplateModel):
    """External systems the task talks to (``system_dependencies:``)."""

    primary: Annotated[StrictStr, Field(min_length=1, max_length=255)] = "default"
    secondary: list[StrictStr] = Field(default_factory=list)


class DomainEventDefinition(_TemplateModel):
    """A task-level entry of ``domain_events:`` (documentation of what the task emits).

    ``schema`` is stored as ``schema_`` because ``schema`` is a reserved
    attribute on pydantic models; the YAML key stays ``schema``.
    """

    name: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    description: StrictStr | None = None
    schema_: JsonObject | None = Field(default=None, alias="schema")


class HandlerSpec(_TemplateModel):
    """``handler:`` of a step: which handler runs it and with what configuration.

    ``callable`` is the lookup key the worker resolves (a registered handler
    name or ``package.module.ClassName``). ``method`` and ``resolver`` are read
    but the Python worker 0.1.8 ignores them and always calls ``call()``.
    """

    callable: StrictStr
    method: StrictStr | None = None
    resolver: StrictStr | None = None
    initialization: JsonObject = Field(default_factory=dict)


#: A non-negative integer (the engine's ``u32``/``u64`` fields).
Count = Annotated[StrictInt, Field(ge=0)]

#: Documented ranges of the engine's retry fields. The engine does not enforce
#: them when it loads a template (its own test templates use ``max_attempts: 0``
#: and 50 ms backoffs), so the model accepts any non-negative value and the
#: validator warns outside these ranges.
RETRY_RANGES: dict[str, tuple[int, int]] = {
    "max_attempts": (1, 100),
    "backoff_base_ms": (100, 3_600_000),
    "max_backoff_ms": (1000, 3_600_000),
}


class RetryPolicy(_TemplateModel):
    """``retry:`` of a step.

    Defaults are the engine's: with no ``retry`` block at all a step is
    retryable, 3 attempts, exponential backoff from 1000 ms capped at 30000 ms.
    (The engine leaves the two ``*_ms`` values unset when a ``retry`` block
    omits them and then uses its global ``common.backoff`` settings; we use the
    same 1000/30000 figures so the local engine always has concrete numbers.)
    """

    retryable: StrictBool = True
    max_attempts: Count = 3
    backoff: BackoffStrategy = BackoffStrategy.EXPONENTIAL
    backoff_base_ms: Count = 1000
    max_backoff_ms: Count = 30_000


class EventDeclaration(_TemplateModel):
    """One entry of a step's ``publishes_events:``.

    The engine requires ``description`` and ``schema``; they are optional here
    so the validator can say so with the step name instead of failing the load.
    Defaults follow the engine: ``condition: success``, ``delivery_mode: durable``.
    """

    name: Annotated[StrictStr, Field(pattern=EVENT_NAME_PATTERN)]
    description: StrictStr | None = None
    schema_: JsonObject | None = Field(default=None, alias="schema")
    condition: PublicationCondition = PublicationCondition.SUCCESS
    delivery_mode: DeliveryMode = DeliveryMode.DURABLE
    publisher: StrictStr | None = None


#: Documented ranges of ``batch_config`` sizes (not enforced by the engine at load).
BATCH_RANGES: dict[str, tuple[int, int]] = {
    "batch_size": (1, 100_000),
    "parallelism": (1, 1000),
}


class BatchConfig(_TemplateModel):
    """``batch_config:``; the orchestrator reads it from the ``batch_worker`` step.

    All keys but ``failure_strategy`` are required by the engine once the block
    is present.
    """

    batch_size: Count
    parallelism: Count
    cursor_field: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    worker_template: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    failure_strategy: FailureStrategy = FailureStrategy.CONTINUE_ON_FAILURE


class StepDefinition(_TemplateModel):
    """One entry of ``steps:``.

    ``type`` also accepts ``step_type`` and ``dependencies`` also accepts
    ``depends_on``, as the engine does; giving both spellings is an error
    because one would silently win.
    """

    name: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    description: StrictStr | None = None
    handler: HandlerSpec
    type: StepType = Field(
        default=StepType.STANDARD, validation_alias=AliasChoices("type", "step_type")
    )
    system_dependency: StrictStr | None = None
    dependencies: list[StrictStr] = Field(
        default_factory=list, validation_alias=AliasChoices("dependencies", "depends_on")
    )
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    timeout_seconds: Count | None = None
    publishes_events: list[EventDeclaration] = Field(default_factory=list)
    batch_config: BatchConfig | None = None
    result_schema: JsonObject | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_spelling_per_key(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for canonical, alias in (("type", "step_type"), ("dependencies", "depends_on")):
                if canonical in data and alias in data:
                    raise ValueError(
                        f"both '{canonical}' and its alias '{alias}' are set; keep only one"
                    )
        return data

    @field_validator("retry", mode="before")
    @classmethod
    def _null_retry_means_default(cls, value: Any) -> Any:
        # ``retry:`` with nothing after it is YAML null; the engine treats it as absent.
        return {} if value is None else value

    @field_validator("dependencies", "publishes_events", mode="before")
    @classmethod
    def _null_list_means_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def step_type(self) -> StepType:
        """The step type (same as ``type``, under the engine's Rust field name)."""
        return self.type


class HandlerOverride(_TemplateModel):
    """``handler:`` inside an environment override: only ``initialization`` merges."""

    initialization: JsonObject | None = None


class StepOverride(_TemplateModel):
    """One entry of ``environments.<env>.steps``; ``name: ALL`` targets every step."""

    name: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    handler: HandlerOverride | None = None
    timeout_seconds: Count | None = None
    retry: RetryPolicy | None = None


class EnvironmentOverride(_TemplateModel):
    """``environments.<env>``: step overrides applied when loading for that environment."""

    steps: list[StepOverride] = Field(default_factory=list)


class TaskTemplate(_TemplateModel):
    """A whole task template file.

    ``source_path`` (not a field) is the file it was loaded from, if any;
    ``environment`` (not a field) is the environment whose overrides were
    applied, if any.
    """

    name: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    namespace_name: StrictStr
    version: Annotated[StrictStr, Field(min_length=1, max_length=50)]
    description: StrictStr | None = None
    metadata: TemplateMetadata | None = None
    system_dependencies: SystemDependencies = Field(default_factory=SystemDependencies)
    domain_events: list[DomainEventDefinition] = Field(default_factory=list)
    input_schema: JsonObject | None = None
    steps: list[StepDefinition] = Field(default_factory=list)
    environments: dict[str, EnvironmentOverride] = Field(default_factory=dict)
    lifecycle: JsonObject | None = None

    _source_path: Path | None = PrivateAttr(default=None)
    _environment: str | None = PrivateAttr(default=None)
    _step_lines: dict[str, int] = PrivateAttr(default_factory=dict)
    _key_lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_must_be_quoted(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                f"version must be a string, but YAML read it as the number {value!r}; "
                f'quote it: version: "{value}"'
            )
        return value

    @field_validator("steps", "domain_events", mode="before")
    @classmethod
    def _null_list_means_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("environments", "system_dependencies", mode="before")
    @classmethod
    def _null_mapping_means_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @property
    def source_path(self) -> Path | None:
        """The file this template was loaded from (``None`` when built in memory)."""
        return self._source_path

    @source_path.setter
    def source_path(self, value: Path | None) -> None:
        self._source_path = value

    @property
    def environment(self) -> str | None:
        """The environment whose overrides were applied at load time, if any."""
        return self._environment

    @environment.setter
    def environment(self, value: str | None) -> None:
        self._environment = value

    def record_lines(self, *, steps: dict[str, int], keys: dict[str, int]) -> None:
        """Remember where steps and top-level keys start in the source file (1-based)."""
        self._step_lines = dict(steps)
        self._key_lines = dict(keys)

    def step_line(self, name: str) -> int | None:
        """Line where step ``name`` starts in the source file, when loaded from YAML text."""
        return self._step_lines.get(name)

    def key_line(self, key: str) -> int | None:
        """Line of top-level key ``key`` in the source file, when loaded from YAML text."""
        return self._key_lines.get(key)

    @property
    def step_names(self) -> list[str]:
        """Step names in template order (duplicates kept, so validators can see them)."""
        return [step.name for step in self.steps]

    @property
    def identifier(self) -> str:
        """``namespace/name:version``, the triple the engine keys templates by."""
        return f"{self.namespace_name}/{self.name}:{self.version}"

    def step(self, name: str) -> StepDefinition:
        """Return the step called ``name``; raises :class:`StepNotFoundError` (a KeyError)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise StepNotFoundError(self.identifier, name, self.step_names)

    def has_step(self, name: str) -> bool:
        """Whether a step called ``name`` exists."""
        return any(step.name == name for step in self.steps)

    def dependents(self, name: str) -> list[StepDefinition]:
        """Steps that list ``name`` in their ``dependencies`` (direct children)."""
        return [step for step in self.steps if name in step.dependencies]

    def root_steps(self) -> list[StepDefinition]:
        """Steps with no dependencies: the ones the orchestrator can start first."""
        return [step for step in self.steps if not step.dependencies]


__all__ = [
    "BATCH_RANGES",
    "EVENT_NAME_PATTERN",
    "RETRY_RANGES",
    "BackoffStrategy",
    "BatchConfig",
    "Count",
    "DeliveryMode",
    "DomainEventDefinition",
    "EnvironmentOverride",
    "EventDeclaration",
    "FailureStrategy",
    "HandlerOverride",
    "HandlerSpec",
    "JsonObject",
    "PublicationCondition",
    "RetryPolicy",
    "StepDefinition",
    "StepOverride",
    "StepType",
    "SystemDependencies",
    "TaskTemplate",
    "TemplateMetadata",
]
