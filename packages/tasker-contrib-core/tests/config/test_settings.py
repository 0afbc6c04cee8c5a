"""Loading TaskerSettings from code, mappings and the environment, with precedence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.errors import ConfigError

Factory = Callable[..., TaskerSettings]


def test_defaults(make_settings: Factory) -> None:
    settings = make_settings()
    assert settings.environment == "development"
    assert settings.runtime == "auto"
    assert settings.resolved_runtime() == "local"
    assert settings.template_paths == [Path("config/tasks")]
    assert settings.common.database.url is None


def test_keyword_arguments_set_integration_options_and_engine_keys(make_settings: Factory) -> None:
    settings = make_settings(
        environment="test",
        handler_packages=["app.handlers"],
        common={"database": {"pool": {"max_connections": 7}}},
        worker={"web": {"enabled": True}},
    )
    assert settings.environment == "test"
    assert settings.handler_packages == ["app.handlers"]
    assert settings.common.database.pool.max_connections == 7
    assert settings.worker.web.enabled is True


def test_from_mapping_is_case_insensitive_and_names_its_source(tmp_path: Path) -> None:
    settings = TaskerSettings.from_mapping(
        {
            "ENVIRONMENT": "production",
            "HANDLER_PACKAGES": ["billing.handlers"],
            "config_dir": tmp_path,
        },
        source="Django settings TASKER",
        environ={},
    )
    assert settings.environment == "production"
    assert settings.handler_packages == ["billing.handlers"]
    assert settings.settings_source == "Django settings TASKER"


def test_prefixed_env_vars_with_nesting(make_settings: Factory) -> None:
    settings = make_settings(
        environ={
            "TASKER_RUNTIME": "worker",
            "TASKER_HANDLER_PACKAGES": "a.handlers, b.handlers",
            "TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS": "12",
            "TASKER_WORKER__WEB__ENABLED": "true",
            "TASKER_COMMON__BACKOFF__DEFAULT_BACKOFF_SECONDS": "[1, 2, 3]",
            "TASKER_OVERRIDES": '{"common.database.pool.slow_acquire_threshold_ms": 250}',
        }
    )
    assert settings.runtime == "worker"
    assert settings.handler_packages == ["a.handlers", "b.handlers"]
    assert settings.common.database.pool.max_connections == 12
    assert settings.worker.web.enabled is True
    assert settings.common.backoff.default_backoff_seconds == [1, 2, 3]
    assert settings.overrides == {"common.database.pool.slow_acquire_threshold_ms": 250}


def test_engine_env_vars(make_settings: Factory) -> None:
    settings = make_settings(
        environ={
            "TASKER_ENV": "test",
            "DATABASE_URL": "postgresql://u:p@db:5432/tasker",
            "TASKER_TEMPLATE_PATH": "a/tasks:b/tasks",
        }
    )
    assert settings.environment == "test"
    assert settings.common.database.url == "postgresql://u:p@db:5432/tasker"
    assert settings.template_paths == [Path("a/tasks"), Path("b/tasks")]
    assert settings.env_variables["common.database.url"] == "DATABASE_URL"


def test_prefixed_variable_beats_engine_variable(make_settings: Factory) -> None:
    settings = make_settings(
        environ={
            "DATABASE_URL": "postgresql://u:p@generic/db",
            "TASKER_COMMON__DATABASE__URL": "postgresql://u:p@specific/db",
        }
    )
    assert settings.common.database.url == "postgresql://u:p@specific/db"


def test_env_vars_beat_code(make_settings: Factory) -> None:
    settings = make_settings(
        environ={"TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS": "20"},
        common={"database": {"pool": {"max_connections": 3, "min_connections": 1}}},
    )
    assert settings.common.database.pool.max_connections == 20
    assert settings.common.database.pool.min_connections == 1


def test_runtime_auto_picks_worker_when_a_database_url_is_configured(
    make_settings: Factory,
) -> None:
    assert (
        make_settings(environ={"DATABASE_URL": "postgresql://u:p@h/db"}).resolved_runtime()
        == "worker"
    )
    assert (
        make_settings(
            runtime="local", environ={"DATABASE_URL": "postgresql://u:p@h/db"}
        ).resolved_runtime()
        == "local"
    )


def test_runtime_auto_sees_a_url_in_user_toml(
    make_settings: Factory, config_dir: Callable[[dict[str, str]], Path]
) -> None:
    root = config_dir({"base/common.toml": '[common.database]\nurl = "postgresql://u:p@h/db"\n'})
    assert make_settings(config_dir=root).resolved_runtime() == "worker"


def test_unknown_environment_names_the_variable(make_settings: Factory) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(environ={"TASKER_ENV": "staging"})
    message = str(caught.value)
    assert "key 'environment'" in message
    assert "env var TASKER_ENV" in message
    assert "'test', 'development' or 'production'" in message
    assert "'staging'" in message


def test_misspelt_engine_key_is_an_error_naming_it(make_settings: Factory) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(common={"database": {"pool": {"max_conections": 3}}})
    assert "common.database.pool.max_conections" in str(caught.value)
    assert "unknown setting" in str(caught.value)


def test_bad_type_from_env_names_the_variable(make_settings: Factory) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(environ={"TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS": "lots"})
    assert "env var TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS" in str(caught.value)


def test_override_keys_must_be_dotted_engine_paths(make_settings: Factory) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(overrides={"database.url": "x"})
    assert "under 'common.' or 'worker.'" in str(caught.value)


def test_unrelated_tasker_variables_are_ignored(make_settings: Factory) -> None:
    settings = make_settings(environ={"TASKER_CONFIG_PATH": "/tmp/x.toml", "TASKER_FOO": "1"})
    assert settings.environment == "development"


def test_repr_masks_secrets(make_settings: Factory) -> None:
    settings = make_settings(
        api_key="sk-live-123",
        common={"database": {"url": "postgresql://app:hunter2@db/tasker"}},
    )
    text = repr(settings)
    assert "hunter2" not in text
    assert "sk-live-123" not in text
    assert "postgresql://app:***@db/tasker" in text
