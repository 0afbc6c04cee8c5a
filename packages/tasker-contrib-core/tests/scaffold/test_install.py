"""``tasker-contrib install``: complete config, idempotent, --force, --dry-run, layouts."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.config.merge import prune_empty
from tasker_contrib_core.config.toml_io import read_toml
from tasker_contrib_core.scaffold import ScaffoldLayout, install
from tasker_contrib_core.testing import isolated_settings

if TYPE_CHECKING:
    from conftest import Project

CONFIG_FILES = [
    "config/tasker/base/common.toml",
    "config/tasker/base/worker.toml",
    *(
        f"config/tasker/environments/{env}/{name}"
        for env in ("test", "development", "production")
        for name in ("common.toml", "worker.toml")
    ),
]


def test_install_writes_the_whole_skeleton(project: Project) -> None:
    result = install(target=project.root, layout=project.layout)
    top = project.top
    assert project.files() == sorted(
        [
            *CONFIG_FILES,
            "config/tasks/.gitkeep",
            "conftest.py",
            f"{top}/__init__.py",
            f"{top}/handlers/__init__.py",
            f"{top}/sinks/__init__.py",
            "pyproject.toml",
            "tests/workflows/test_tasker_setup.py",
        ]
    )
    assert result.skipped == []
    recorded = read_toml(project.path("pyproject.toml"))["tool"]["tasker-contrib"]["scaffold"]
    assert recorded["handlers-package"] == project.package
    assert "workers scan this package" in project.read(f"{top}/handlers/__init__.py").lower()


@pytest.mark.parametrize("relative", CONFIG_FILES)
def test_config_files_hold_the_built_in_defaults(project: Project, relative: str) -> None:
    install(target=project.root, layout=project.layout)
    builtin = resources.files("tasker_contrib_core.config") / "defaults"
    shipped = read_toml(Path(str(builtin.joinpath(*relative.split("/")[2:]))))
    # The database URL is written commented out: a URL in the project's files would
    # switch runtime "auto" to the worker before the user has a database.
    shipped.get("common", {}).get("database", {}).pop("url", None)
    assert prune_empty(read_toml(project.path(relative))) == prune_empty(shipped)
    text = project.read(relative)
    assert text.startswith("# ")
    assert "${" not in text  # the engine substitutes placeholders even inside comments


def test_base_files_explain_the_layers(project: Project) -> None:
    install(target=project.root, layout=project.layout)
    common = project.read("config/tasker/base/common.toml")
    assert common.startswith("# Engine configuration shared by every Tasker process")
    assert "Built-in defaults shared" not in common
    assert "tasker-contrib config show --explain" in common
    assert "Headless by default" in project.read("config/tasker/base/worker.toml")


@pytest.mark.parametrize("environment", ["test", "development", "production"])
def test_installed_config_validates_for_every_environment(
    project: Project, environment: str
) -> None:
    install(target=project.root, layout=project.layout)
    settings = isolated_settings(environment=environment, config_dir=project.path("config/tasker"))
    report = settings.check()
    assert not report.errors, report.errors
    config = settings.effective_config()
    assert config is not None


def test_a_second_install_skips_and_lists_every_file(project: Project) -> None:
    install(target=project.root, layout=project.layout)
    before = {name: project.read(name) for name in project.files()}
    result = project.cli("install")
    assert result.exit_code == 0, result.output
    assert "create" not in result.output
    for name in before:
        if name != "pyproject.toml":  # already records the layout: nothing to skip
            assert f"skip      {name}" in result.output
    assert f"{len(before) - 1} skipped." in result.output
    assert {name: project.read(name) for name in project.files()} == before


def test_force_overwrites_generated_files_but_never_package_files(project: Project) -> None:
    install(target=project.root, layout=project.layout)
    edited = {
        "config/tasker/base/common.toml": "# mine\n",
        f"{project.top}/handlers/__init__.py": "MINE = 1\n",
        "conftest.py": "MINE = 2\n",
    }
    for name, text in edited.items():
        project.path(name).write_text(text)
    result = project.cli("install", "--force")
    assert result.exit_code == 0, result.output
    assert "overwrite config/tasker/base/common.toml" in result.output
    assert project.read("config/tasker/base/common.toml") != "# mine\n"
    assert project.read(f"{project.top}/handlers/__init__.py") == "MINE = 1\n"
    assert project.read("conftest.py") == "MINE = 2\n"


def test_dry_run_prints_the_plan_and_writes_nothing(project: Project) -> None:
    result = project.cli("install", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "(dry run)" in result.output
    assert "create    config/tasker/base/common.toml" in result.output
    assert "15 to create (dry run: nothing was written)." in result.output
    assert project.files() == []


def test_dry_run_after_install_shows_what_force_would_do(project: Project) -> None:
    install(target=project.root, layout=project.layout)
    project.path("config/tasker/base/worker.toml").write_text("# changed\n")
    result = project.cli("install", "--dry-run", "--force")
    assert "overwrite config/tasker/base/worker.toml" in result.output
    assert "same      config/tasker/base/common.toml" in result.output
    assert project.read("config/tasker/base/worker.toml") == "# changed\n"


def test_a_src_layout_gets_no_root_conftest_but_a_hint(tmp_path: Path) -> None:
    layout = ScaffoldLayout(
        handlers_package="myapp.tasker.handlers",
        subscribers_package="myapp.tasker.sinks",
        source_root="src",
        templates_dir="myapp_templates",
        tests_dir="tests",
        config_dir="deploy/tasker",
    )
    result = install(target=tmp_path, layout=layout)
    written = set(result.written)
    assert {
        "src/myapp/__init__.py",
        "src/myapp/tasker/__init__.py",
        "src/myapp/tasker/handlers/__init__.py",
        "src/myapp/tasker/sinks/__init__.py",
        "myapp_templates/.gitkeep",
        "deploy/tasker/base/worker.toml",
        "tests/test_tasker_setup.py",
    } <= written
    assert "conftest.py" not in written
    assert any('pythonpath = ["src"]' in note for note in result.notes)
    setup = (tmp_path / "tests/test_tasker_setup.py").read_text()
    assert "parents[1]" in setup
    assert '"deploy/tasker"' in setup


def test_the_subscribers_package_follows_the_handlers_package(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from tasker_contrib_core.cli import cli

    args = ["install", "--target", str(tmp_path), "--handlers-package", "shop.tasker_handlers"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "shop/tasker_handlers/__init__.py").is_file()
    assert (tmp_path / "shop/subscribers/__init__.py").is_file()
    assert not (tmp_path / "workflows").exists()
    top = (tmp_path / "shop/__init__.py").read_text()
    assert top == '"""Tasker workflows of this project: step handlers and event sinks."""\n'
    layout = ScaffoldLayout(handlers_package="flat", subscribers_package="")
    assert layout.subscribers_package == "subscribers"
    assert layout.updated(tests_dir="t").subscribers_package == "subscribers"
    explicit = ScaffoldLayout(subscribers_package="events.sinks")
    assert explicit.updated(handlers_package="x.y").subscribers_package == "events.sinks"
