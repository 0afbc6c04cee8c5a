"""``TaskerSettings.console``: every source sets it, bad values name the key, TOML ignores it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tasker_contrib_core.config import ConsoleSettings, TaskerSettings
from tasker_contrib_core.console import DEFAULT_MASK_KEYS
from tasker_contrib_core.errors import ConfigErrors

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_off_and_read_only_by_default() -> None:
    console = TaskerSettings(_environ={}).console
    assert console == ConsoleSettings()
    assert console.enabled is False
    assert console.actions == []
    assert console.mask_keys == list(DEFAULT_MASK_KEYS)


def test_environment_variables_set_it_and_win_over_code() -> None:
    environ = {
        "TASKER_CONSOLE__ENABLED": "true",
        "TASKER_CONSOLE__ACTIONS": "cancel,submit",
        "TASKER_CONSOLE__POLL_INTERVAL_SECONDS": "3",
    }
    settings = TaskerSettings(console={"enabled": False, "max_value_chars": 500}, _environ=environ)
    assert settings.console.enabled is True
    assert settings.console.actions == ["cancel", "submit"]
    assert settings.console.poll_interval_seconds == 3
    assert settings.console.max_value_chars == 500


def test_framework_mappings_set_it_case_insensitively() -> None:
    settings = TaskerSettings.from_mapping(
        {"CONSOLE": {"enabled": True, "mask_keys": ["*ssn*"]}}, source="flask", environ={}
    )
    assert settings.console.enabled is True
    assert settings.console.mask_keys == ["*ssn*"]


@pytest.mark.parametrize(
    ("console", "key"),
    [
        ({"actions": ["delete"]}, "console.actions.0"),
        ({"enabled": "perhaps"}, "console.enabled"),
        ({"event_buffer_size": 0}, "console.event_buffer_size"),
        ({"poll_interval_seconds": 0.01}, "console.poll_interval_seconds"),
        ({"mask_keys": ["  "]}, "console.mask_keys"),
        ({"colour": "blue"}, "console.colour"),
    ],
)
def test_bad_values_name_the_key_and_the_layer(console: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigErrors) as caught:
        TaskerSettings.from_mapping({"console": console}, source="django settings.TASKER",
                                    environ={})  # fmt: skip
    text = str(caught.value)
    assert key in text
    assert "django settings.TASKER" in text


def test_a_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigErrors, match="TASKER_CONSOLE__ACTIONS"):
        TaskerSettings(_environ={"TASKER_CONSOLE__ACTIONS": "retry"})


def test_it_is_not_rendered_into_the_engine_toml(tmp_path: Path) -> None:
    settings = TaskerSettings(
        runtime="local", console={"enabled": True, "actions": ["cancel"]}, _environ={}
    )
    text = settings.render(tmp_path / "worker.toml").read_text()
    assert "console" not in tomllib.loads(text)
    assert "mask_keys" not in text
