"""Provenance of every value, and refusal of everything that would crash the engine."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from tasker_contrib_core.config import TaskerConfigWarning, TaskerSettings, engine_facts
from tasker_contrib_core.errors import ConfigError, ConfigErrors, TomlSyntaxError

Factory = Callable[..., TaskerSettings]
Files = Callable[[dict[str, str]], Path]


def explained(settings: TaskerSettings) -> dict[str, tuple[object, str, str]]:
    return {row.path: (row.value, row.layer, row.source) for row in settings.explain()}


def messages(settings: TaskerSettings) -> str:
    return "\n".join(str(error) for error in settings.check().errors)


def test_every_layer_is_named_with_its_source(make_settings: Factory, config_dir: Files) -> None:
    root = config_dir(
        {
            "base/common.toml": (
                "[common.database.pool]\nmax_connections = 8\nmin_connections = 2\n"
            ),
            "environments/test/common.toml": "[common.database.pool]\nmin_connections = 3\n",
        }
    )
    settings = make_settings(
        config_dir=root,
        environment="test",
        common={"database": {"pool": {"idle_timeout_seconds": 60}}},
        environ={"TASKER_COMMON__DATABASE__POOL__ACQUIRE_TIMEOUT_SECONDS": "4"},
        overrides={"common.database.pool.max_lifetime_seconds": 900},
    )
    rows = explained(settings)
    assert rows["common.database.pool.max_connections"] == (
        8,
        "base TOML",
        str(root / "base" / "common.toml"),
    )
    assert rows["common.database.pool.min_connections"] == (
        3,
        "environment TOML",
        str(root / "environments" / "test" / "common.toml"),
    )
    assert rows["common.database.pool.idle_timeout_seconds"] == (
        60,
        "framework settings",
        "keyword arguments",
    )
    assert rows["common.database.pool.acquire_timeout_seconds"] == (
        4,
        "env var",
        "env var TASKER_COMMON__DATABASE__POOL__ACQUIRE_TIMEOUT_SECONDS",
    )
    assert rows["common.database.pool.max_lifetime_seconds"] == (
        900,
        "override",
        "overrides['common.database.pool.max_lifetime_seconds']",
    )
    _, layer, source = rows["common.queues.backend"]
    assert layer == "built-in default"
    assert source.startswith("built-in defaults/")


def test_explain_covers_every_effective_leaf(make_settings: Factory) -> None:
    settings = make_settings()
    paths = {row.path for row in settings.explain()}
    assert paths >= engine_facts.REQUIRED_WORKER_LEAVES


def test_builtin_defaults_are_complete_and_headless_in_every_environment(
    make_settings: Factory,
) -> None:
    for environment in engine_facts.ENVIRONMENTS:
        settings = make_settings(environment=environment)
        report = settings.check()
        assert report.ok, messages(settings)
        effective = settings.effective_config()
        assert effective.value("worker.web.enabled") is False
        assert effective.value("worker.grpc.enabled") is False


def test_explain_masks_secrets(make_settings: Factory) -> None:
    settings = make_settings(environ={"DATABASE_URL": "postgresql://app:s3cret@db:5432/tasker"})
    value, layer, source = explained(settings)["common.database.url"]
    assert value == "postgresql://app:***@db:5432/tasker"
    assert (layer, source) == ("env var", "env var DATABASE_URL")


def test_postgres_scheme_is_normalised_with_a_warning(make_settings: Factory) -> None:
    settings = make_settings(environ={"DATABASE_URL": "postgres://app:pw@db/tasker"})
    with pytest.warns(TaskerConfigWarning, match="postgres://"):
        effective = settings.effective_config()
    assert effective.value("common.database.url") == "postgresql://app:pw@db/tasker"


def test_user_without_password_is_refused(make_settings: Factory) -> None:
    settings = make_settings(common={"database": {"url": "postgresql://app@db/tasker"}})
    text = messages(settings)
    assert "common.database.url" in text
    assert "user 'app' but no password" in text
    assert "framework settings" in text
    with pytest.raises(ConfigErrors):
        settings.render()


def test_non_postgresql_url_is_refused(make_settings: Factory) -> None:
    settings = make_settings(environ={"DATABASE_URL": "mysql://u:p@db/x"})
    assert "not a PostgreSQL URL" in messages(settings)
    assert "env var DATABASE_URL" in messages(settings)


def test_placeholder_outside_allow_list_is_refused(
    make_settings: Factory, config_dir: Files
) -> None:
    root = config_dir({"base/worker.toml": '[worker]\nworker_id = "${HOSTNAME}"\n'})
    text = messages(make_settings(config_dir=root))
    assert "worker.worker_id" in text
    assert "${HOSTNAME}" in text
    assert "base TOML" in text
    assert "abort the process" in text


def test_placeholder_without_default_needs_its_variable(make_settings: Factory) -> None:
    settings = make_settings(overrides={"worker.worker_id": "${TASKER_WORKER_ID}"})
    assert "TASKER_WORKER_ID, which is not set" in messages(settings)
    resolved = make_settings(
        overrides={"worker.worker_id": "${TASKER_WORKER_ID}"}, environ={"TASKER_WORKER_ID": "w-1"}
    )
    assert resolved.check().ok
    # The placeholder itself is kept for the engine to substitute.
    assert resolved.effective_config().value("worker.worker_id") == "${TASKER_WORKER_ID}"


def test_malformed_placeholder_is_refused(make_settings: Factory) -> None:
    settings = make_settings(overrides={"worker.worker_id": "${TASKER_WORKER_ID"})
    assert "malformed placeholder" in messages(settings)


def test_value_outside_documented_range_is_refused(make_settings: Factory) -> None:
    path, (low, _) = next(
        (path, bounds)
        for path, bounds in sorted(engine_facts.NUMERIC_RANGES.items())
        if bounds[0] is not None
    )
    settings = make_settings(overrides={path: low - 1})
    text = messages(settings)
    assert path in text
    assert "outside the engine's range" in text
    assert "override" in text


def test_enum_value_is_refused(make_settings: Factory) -> None:
    settings = make_settings(overrides={"common.queues.backend": "kafka"})
    assert "'kafka' is not one of" in messages(settings)


def test_typed_field_rejects_unknown_enum_early(make_settings: Factory) -> None:
    with pytest.raises(ConfigError, match=r"common\.queues\.backend"):
        make_settings(common={"queues": {"backend": "kafka"}})


def test_wrong_type_in_toml_is_refused(make_settings: Factory, config_dir: Files) -> None:
    root = config_dir({"base/common.toml": '[common.database.pool]\nmax_connections = "ten"\n'})
    text = messages(make_settings(config_dir=root))
    assert "expects an integer, got a string" in text


def test_min_above_max_is_refused(make_settings: Factory) -> None:
    settings = make_settings(
        common={"database": {"pool": {"min_connections": 9, "max_connections": 3}}}
    )
    assert "min_connections (9) is larger than max_connections (3)" in messages(settings)


def test_missing_required_leaf_is_refused(make_settings: Factory) -> None:
    settings = make_settings(overrides={"common.database.pool": 5})
    text = messages(settings)
    assert "common.database.pool.max_connections" in text
    assert "required by the engine" in text
    assert "key 'common.database.pool' set by override" in text
    assert "expects an object, got an integer" in text


def test_toml_syntax_error_names_file_and_line(make_settings: Factory, config_dir: Files) -> None:
    root = config_dir({"base/common.toml": "[common.database]\nurl = \n"})
    settings = make_settings(config_dir=root)
    errors = settings.check().errors
    assert len(errors) == 1
    assert isinstance(errors[0], TomlSyntaxError)
    assert f"{root / 'base' / 'common.toml'}:2" in str(errors[0])


def test_every_problem_is_reported_at_once(make_settings: Factory) -> None:
    settings = make_settings(
        common={"database": {"url": "postgresql://app@db/x"}},
        overrides={"common.queues.backend": "kafka"},
    )
    assert len(settings.check().errors) == 2


def test_valid_settings_warn_nothing(make_settings: Factory) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_settings(common={"database": {"url": "postgresql://u:p@h:5432/db"}}).effective_config()
