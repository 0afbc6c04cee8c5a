"""System checks: each misconfiguration has its id and a message naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.test import override_settings

PROJECT_TEMPLATES = str(Path(__file__).resolve().parent / "project" / "templates")
GOOD = {"handler_packages": ["notes_handlers"], "template_paths": [PROJECT_TEMPLATES]}


def tasker_messages(deploy: bool = False) -> list[Any]:
    return checks.run_checks(tags=["tasker"], include_deployment_checks=deploy)


def ids(messages: list[Any]) -> list[str]:
    return sorted(message.id for message in messages)


@pytest.fixture(autouse=True)
def _clean(fresh_tasker: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_the_test_project_is_clean() -> None:
    with override_settings(TASKER=GOOD):
        assert tasker_messages() == []


def test_e001_invalid_settings_name_the_key_and_layer() -> None:
    with override_settings(TASKER={**GOOD, "runtime": "bogus"}):
        messages = tasker_messages()
    assert ids(messages) == ["tasker.E001"]
    assert "runtime" in messages[0].msg
    assert "django settings.TASKER" in messages[0].msg


def test_e001_unknown_tasker_django_option() -> None:
    with override_settings(TASKER=GOOD, TASKER_DJANGO={"TASK_VEIWS": True}):
        messages = tasker_messages()
    assert ids(messages) == ["tasker.E001"]
    assert "TASK_VEIWS" in messages[0].msg


def test_e002_missing_template_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with override_settings(TASKER={**GOOD, "template_paths": [str(missing)]}):
        messages = tasker_messages()
    assert ids(messages) == ["tasker.E002"]
    assert str(missing) in messages[0].msg


def test_e003_unresolvable_handler(tmp_path: Path) -> None:
    text = (Path(PROJECT_TEMPLATES) / "record_note.yaml").read_text()
    (tmp_path / "broken.yaml").write_text(
        text.replace("notes_handlers.RecordNote", "notes_handlers.Missing")
    )
    with override_settings(TASKER={**GOOD, "template_paths": [str(tmp_path)]}):
        messages = tasker_messages()
    assert "tasker.E003" in ids(messages)
    assert any("broken.yaml" in m.msg and "record" in m.msg for m in messages)


def test_e004_worker_without_database_url() -> None:
    with override_settings(TASKER={**GOOD, "runtime": "worker"}):
        assert ids(tasker_messages()) == ["tasker.E004"]


def test_e005_database_url_that_would_abort_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://u:p@db/x")
    with override_settings(TASKER={**GOOD, "runtime": "worker"}):
        messages = tasker_messages()
    assert ids(messages) == ["tasker.E005"]
    assert "DATABASE_URL" in messages[0].msg


def test_deploy_checks_warn_about_the_local_runtime_and_submit_only_without_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with override_settings(TASKER=GOOD):
        assert ids(tasker_messages(deploy=True)) == ["tasker.W003"]
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/x")
    with override_settings(TASKER={**GOOD, "runtime": "worker", "worker_enabled": False}):
        assert ids(tasker_messages(deploy=True)) == ["tasker.W002"]
        assert tasker_messages(deploy=False) == []


def test_e006_an_enabled_console_with_an_unimportable_hook() -> None:
    console_on = {**GOOD, "console": {"enabled": True}}
    with override_settings(TASKER=console_on):
        assert tasker_messages() == []
    bad = {"TASK_VIEWS_ACCESS": "no.such.check", "CONSOLE_PERMISSIONS": "no.such.hook"}
    with override_settings(TASKER=console_on, TASKER_DJANGO=bad):
        messages = tasker_messages()
    assert ids(messages) == ["tasker.E006", "tasker.E006"]
    assert "TASK_VIEWS_ACCESS" in messages[0].msg
    assert "CONSOLE_PERMISSIONS" in messages[1].msg
    with override_settings(TASKER=GOOD, TASKER_DJANGO=bad):
        assert tasker_messages() == []
