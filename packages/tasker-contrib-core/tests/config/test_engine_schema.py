"""The engine's rules from ``engine_facts`` are enforced by one JSON Schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.config import TaskerSettings, engine_facts, engine_schema
from tasker_contrib_core.config.layers import builtin_layer
from tasker_contrib_core.config.merge import deep_merge, nest

Factory = Callable[..., TaskerSettings]


def only_error(settings: TaskerSettings) -> str:
    errors = settings.check().errors
    assert len(errors) == 1, [str(error) for error in errors]
    return str(errors[0])


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("worker.worker_id", "", "length >= 1"),
        ("common.backoff.default_backoff_seconds", [], "length >= 1"),
        ("common.backoff.default_backoff_seconds", list(range(1, 22)), "length <= 20"),
        ("common.queues.backend", "", "length >= 1"),
        ("common.database.pool.max_connections", 0, "range 1..1000"),
        ("common.database.pool.acquire_timeout_seconds", 1e10, "range 1..300"),
        ("common.backoff.backoff_multiplier", float("nan"), "range 1.0..10.0"),
    ],
)
def test_override_breaking_a_rule_names_key_rule_and_layer(
    make_settings: Factory, key: str, value: Any, rule: str
) -> None:
    errors = make_settings(overrides={key: value}).check().errors
    text = "\n".join(str(error) for error in errors)
    assert any(error.key == key for error in errors), text
    assert f"key '{key}'" in text
    assert f"(engine rule: {rule})" in text
    assert f"set by override (overrides['{key}'])" in text


def test_length_rule_from_a_toml_file_names_the_file(make_settings: Factory, tmp_path: Any) -> None:
    root = tmp_path / "config" / "tasker"
    (root / "base").mkdir(parents=True)
    (root / "base" / "worker.toml").write_text('[worker]\nworker_id = ""\n', encoding="utf-8")
    text = only_error(make_settings(config_dir=root))
    assert "key 'worker.worker_id' set by base TOML" in text
    assert str(root / "base" / "worker.toml") in text
    assert "must not be empty" in text


def test_builtin_defaults_pass_the_schema() -> None:
    for environment in engine_facts.ENVIRONMENTS:
        table = builtin_layer(environment).data
        assert engine_schema.check(table, table) == [], environment


def test_every_rule_in_the_facts_is_in_the_schema() -> None:
    """A rule added to engine_facts is enforced without touching the validator."""
    reference = builtin_layer("test").data
    for path, (low, _high) in engine_facts.NUMERIC_RANGES.items():
        if low is None:
            continue
        broken = deep_merge(reference, nest(path, low - 1))
        keys = {problem.key for problem in engine_schema.check(broken)}
        assert path in keys, path
    for path, (shortest, _longest) in engine_facts.LENGTH_RANGES.items():
        broken = deep_merge(reference, nest(path, ""))
        keys = {problem.key for problem in engine_schema.check(broken)}
        assert path in keys or shortest == 0, path
    for path in engine_facts.ENUM_VALUES:
        broken = deep_merge(reference, nest(path, "no-such-value"))
        assert path in {problem.key for problem in engine_schema.check(broken)}, path


def test_missing_required_leaf_is_reported_by_its_full_key() -> None:
    reference = builtin_layer("test").data
    broken = deep_merge({}, reference)
    del broken["worker"]["worker_id"]
    problems = engine_schema.check(broken)
    assert [(p.key, p.rule) for p in problems] == [("worker.worker_id", "required")]
