"""Management commands: core's commands with Django's settings, as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PROJECT_TEMPLATES = Path(__file__).resolve().parent / "project" / "templates"


def test_call_command_validate_passes_arguments_to_core(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("tasker_validate", str(PROJECT_TEMPLATES))
    assert "1 template checked: no problems found" in capsys.readouterr().out


def test_call_command_failure_becomes_command_error(tmp_path: Path) -> None:
    text = (PROJECT_TEMPLATES / "record_note.yaml").read_text()
    (tmp_path / "bad.yaml").write_text(text.replace("notes_handlers.RecordNote", "nope.Nope"))
    with pytest.raises(CommandError, match="status 1"):
        call_command("tasker_validate", str(tmp_path))


def test_graph_prints_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("tasker_graph", str(PROJECT_TEMPLATES / "record_note.yaml"))
    assert 'record["record"]' in capsys.readouterr().out


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKER_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_tasker_install_into_an_app_of_a_fresh_project(tmp_path: Path) -> None:
    """startproject + startapp, then tasker_install --app orders, then check and validate."""
    assert run(["-m", "django", "startproject", "shop", "."], tmp_path).returncode == 0
    assert run(["manage.py", "startapp", "orders"], tmp_path).returncode == 0
    settings = tmp_path / "shop" / "settings.py"
    text = settings.read_text().replace(
        "INSTALLED_APPS = [", 'INSTALLED_APPS = [\n    "tasker_contrib_django",\n    "orders",'
    )
    settings.write_text(text)

    installed = run(["manage.py", "tasker_install", "--app", "orders"], tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert '"handler_packages": ["orders.workflows"]' in installed.stdout
    assert (tmp_path / "orders" / "workflows" / "__init__.py").is_file()
    assert (tmp_path / "orders" / "tasks").is_dir()
    assert (tmp_path / "config" / "tasker" / "base" / "common.toml").is_file()

    settings.write_text(
        settings.read_text() + '\nTASKER = {"handler_packages": ["orders.workflows"], '
        '"template_paths": [BASE_DIR / "orders/tasks"]}\n'
    )
    generated = run(
        ["manage.py", "tasker_generate", "task-template", "fulfil_order", "--namespace",
         "orders", "--steps", "reserve,ship", "--app", "orders"],
        tmp_path,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert list((tmp_path / "orders" / "tasks").glob("*.yaml")), generated.stdout
    checked = run(["manage.py", "check"], tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    validated = run(["manage.py", "tasker_validate"], tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_install_refuses_an_unknown_app(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError, match="no installed app has that label"):
        call_command("tasker_install", "--app", "nosuchapp", "--dry-run")
