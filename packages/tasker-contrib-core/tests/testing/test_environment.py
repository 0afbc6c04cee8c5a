"""Clean Tasker environment variables and settings that ignore the machine's environment."""

from __future__ import annotations

import os

import pytest
from tasker_contrib_core.testing import clean_tasker_environment, isolated_settings
from tasker_contrib_core.testing.environment import is_tasker_variable


def test_which_variables_count() -> None:
    assert is_tasker_variable("TASKER_ENV")
    assert is_tasker_variable("tasker_handler_packages")
    assert is_tasker_variable("DATABASE_URL")
    assert not is_tasker_variable("HOME")
    assert not is_tasker_variable("RUST_LOG")


def test_variables_are_removed_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/x")
    monkeypatch.setenv("UNRELATED", "kept")
    with clean_tasker_environment(TASKER_TEMPLATE_PATH="/tmp/tasks") as removed:
        assert removed == {"TASKER_ENV": "production", "DATABASE_URL": "postgresql://u:p@db/x"}
        assert "TASKER_ENV" not in os.environ
        assert "DATABASE_URL" not in os.environ
        assert os.environ["TASKER_TEMPLATE_PATH"] == "/tmp/tasks"
        assert os.environ["UNRELATED"] == "kept"
        os.environ["TASKER_RUNTIME"] = "worker"
    assert os.environ["TASKER_ENV"] == "production"
    assert os.environ["DATABASE_URL"] == "postgresql://u:p@db/x"
    assert "TASKER_RUNTIME" not in os.environ
    assert "TASKER_TEMPLATE_PATH" not in os.environ


def test_isolated_settings_ignore_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKER_ENV", "production")
    settings = isolated_settings(handler_packages=["app.handlers"])
    assert settings.environment == "development"
    assert settings.handler_packages == ["app.handlers"]
    chosen = isolated_settings({"TASKER_ENV": "test"})
    assert chosen.environment == "test"
    assert chosen.env_variables == {"environment": "TASKER_ENV"}
