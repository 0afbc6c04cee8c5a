"""The template model: engine defaults, aliases, strict types, lookups."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from tasker_contrib_core.errors import StepNotFoundError, TemplateError
from tasker_contrib_core.templates import (
    BackoffStrategy,
    DeliveryMode,
    FailureStrategy,
    PublicationCondition,
    RetryPolicy,
    StepType,
    TaskTemplate,
)


def template(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "t",
        "namespace_name": "ns",
        "version": "1.0.0",
        "steps": [{"name": "a", "handler": {"callable": "pkg.mod.Handler"}}],
    }
    data.update(overrides)
    return data


def test_retry_defaults_match_the_engine_when_the_block_is_absent() -> None:
    step = TaskTemplate.model_validate(template()).steps[0]
    assert step.retry == RetryPolicy(
        retryable=True,
        max_attempts=3,
        backoff=BackoffStrategy.EXPONENTIAL,
        backoff_base_ms=1000,
        max_backoff_ms=30_000,
    )
    assert step.type is StepType.STANDARD
    assert step.dependencies == []
    assert step.timeout_seconds is None


def test_event_declaration_defaults_are_success_and_durable() -> None:
    data = template(
        steps=[
            {
                "name": "a",
                "handler": {"callable": "x"},
                "publishes_events": [{"name": "a.done", "schema": {"type": "object"}}],
            }
        ]
    )
    event = TaskTemplate.model_validate(data).steps[0].publishes_events[0]
    assert event.condition is PublicationCondition.SUCCESS
    assert event.delivery_mode is DeliveryMode.DURABLE
    assert event.schema_ == {"type": "object"}


def test_aliases_step_type_and_depends_on_are_accepted() -> None:
    data = template(
        steps=[
            {"name": "a", "handler": {"callable": "x"}},
            {
                "name": "b",
                "handler": {"callable": "x"},
                "step_type": "decision",
                "depends_on": ["a"],
            },
        ]
    )
    step = TaskTemplate.model_validate(data).step("b")
    assert step.type is StepType.DECISION
    assert step.step_type is StepType.DECISION
    assert step.dependencies == ["a"]


def test_both_spellings_of_one_key_are_refused() -> None:
    data = template(
        steps=[{"name": "a", "handler": {"callable": "x"}, "dependencies": [], "depends_on": []}]
    )
    with pytest.raises(ValidationError, match="keep only one"):
        TaskTemplate.model_validate(data)


def test_unknown_keys_are_ignored_like_the_engine_does() -> None:
    data = template(notes="free text", steps=[{"name": "a", "handler": {"callable": "x"}, "x": 1}])
    assert TaskTemplate.model_validate(data).step_names == ["a"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_attempts", "3"),
        ("max_attempts", -1),
        ("max_attempts", 2.5),
        ("max_attempts", True),
        ("retryable", "yes"),
        ("backoff", "random"),
        ("backoff_base_ms", "100"),
    ],
)
def test_retry_fields_are_strictly_typed(field: str, value: Any) -> None:
    data = template(steps=[{"name": "a", "handler": {"callable": "x"}, "retry": {field: value}}])
    with pytest.raises(ValidationError):
        TaskTemplate.model_validate(data)


def test_out_of_range_retry_values_load_like_in_the_engine() -> None:
    # The engine's own test templates use max_attempts: 0 and 50 ms backoffs;
    # the validator warns about them (VALUE_OUT_OF_RANGE) instead.
    retry = {"max_attempts": 0, "backoff_base_ms": 50, "max_backoff_ms": 200}
    data = template(steps=[{"name": "a", "handler": {"callable": "x"}, "retry": retry}])
    loaded = TaskTemplate.model_validate(data).steps[0].retry
    assert (loaded.max_attempts, loaded.backoff_base_ms, loaded.max_backoff_ms) == (0, 50, 200)


def test_batch_config_requires_the_engine_keys_and_defaults_failure_strategy() -> None:
    config = {"batch_size": 10, "parallelism": 2, "cursor_field": "id", "worker_template": "w"}
    data = template(
        steps=[
            {
                "name": "w",
                "type": "batch_worker",
                "handler": {"callable": "x"},
                "batch_config": config,
            }
        ]
    )
    step = TaskTemplate.model_validate(data).steps[0]
    assert step.batch_config is not None
    assert step.batch_config.failure_strategy is FailureStrategy.CONTINUE_ON_FAILURE
    del config["cursor_field"]
    with pytest.raises(ValidationError):
        TaskTemplate.model_validate(data)


def test_numeric_version_is_refused_with_a_quoting_hint() -> None:
    with pytest.raises(ValidationError, match=r'quote it: version: "1.0"'):
        TaskTemplate.model_validate(template(version=1.0))


def test_step_lookup_and_helpers() -> None:
    data = template(
        steps=[
            {"name": "a", "handler": {"callable": "x"}},
            {"name": "b", "handler": {"callable": "x"}, "dependencies": ["a"]},
        ]
    )
    loaded = TaskTemplate.model_validate(data)
    assert loaded.step("b").dependencies == ["a"]
    assert loaded.step_names == ["a", "b"]
    assert [s.name for s in loaded.root_steps()] == ["a"]
    assert [s.name for s in loaded.dependents("a")] == ["b"]
    assert loaded.identifier == "ns/t:1.0.0"
    assert loaded.source_path is None
    with pytest.raises(StepNotFoundError, match="has no step 'c'; its steps are: a, b") as info:
        loaded.step("c")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, TemplateError)


def test_round_trip_uses_yaml_key_names() -> None:
    data = template(
        steps=[
            {
                "name": "a",
                "handler": {"callable": "x"},
                "publishes_events": [{"name": "a.done", "description": "d", "schema": {}}],
            }
        ]
    )
    dumped = TaskTemplate.model_validate(data).model_dump(by_alias=True, mode="json")
    assert dumped["steps"][0]["type"] == "standard"
    assert dumped["steps"][0]["publishes_events"][0]["schema"] == {}
    assert TaskTemplate.model_validate(dumped) == TaskTemplate.model_validate(data)
