"""Nothing is ever written outside the target directory, whatever the options or symlinks say."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.errors import GenerationError, UnsafePathError
from tasker_contrib_core.scaffold import (
    ScaffoldLayout,
    generate_step_handler,
    generate_task_template,
    install,
)
from tasker_contrib_core.scaffold.paths import contained

if TYPE_CHECKING:
    from conftest import Project


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the project that must stay empty."""
    directory = tmp_path / "outside"
    directory.mkdir()
    return directory


def everything_in(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*"))


@pytest.mark.parametrize(
    "changes",
    [
        {"tests_dir": "../tests"},
        {"templates_dir": "config/../../tasks"},
        {"config_dir": "/etc/tasker"},
        {"source_root": "..\\src"},
        {"tests_dir": "C:/tests"},
        {"tests_dir": ""},
    ],
)
def test_layout_directories_must_stay_relative_and_inside(changes: dict[str, str]) -> None:
    with pytest.raises(GenerationError):
        ScaffoldLayout(**changes)


@pytest.mark.parametrize(
    "option",
    [
        ["--tests-dir", "../escape"],
        ["--templates-dir", "/tmp/elsewhere"],
        ["--handlers-package", "../escape"],
        ["--handlers-package", "os.path/../x"],
    ],
)
def test_layout_options_that_escape_are_refused(
    project: Project, outside: Path, option: list[str]
) -> None:
    result = project.invoke(["install", "--target", str(project.root), *option])
    assert result.exit_code == 1, result.output
    assert project.files() == []
    assert everything_in(outside) == []


def test_a_symlinked_directory_pointing_outside_is_refused(project: Project, outside: Path) -> None:
    top = project.root / project.top
    top.mkdir()
    (top / "handlers").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        generate_step_handler("charge", target=project.root, layout=project.layout)
    assert everything_in(outside) == []
    result = project.cli("generate", "step-handler", "charge")
    assert result.exit_code == 1
    assert "refusing to write" in result.output
    assert everything_in(outside) == []


def test_a_symlinked_file_pointing_outside_is_never_written_through(
    project: Project, outside: Path
) -> None:
    victim = outside / "victim.py"
    victim.write_text("# precious\n")
    module = project.handler_file("charge")
    module.parent.mkdir(parents=True)
    module.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(UnsafePathError):
            generate_step_handler("charge", target=project.root, layout=project.layout, force=force)
    assert victim.read_text() == "# precious\n"


def test_a_dangling_symlink_pointing_outside_is_refused(project: Project, outside: Path) -> None:
    conftest = project.root / "conftest.py"
    conftest.symlink_to(outside / "created-by-accident.py")
    with pytest.raises(UnsafePathError):
        install(target=project.root, layout=project.layout)
    assert everything_in(outside) == []


def test_symlinks_inside_the_target_are_fine(project: Project) -> None:
    real = project.root / "real_tests"
    real.mkdir()
    (project.root / "tests").symlink_to(real, target_is_directory=True)
    result = generate_step_handler(
        "charge", target=project.root, layout=project.layout.updated(tests_dir="tests")
    )
    assert "tests/test_charge.py" in result.written
    assert (real / "test_charge.py").is_file()


def test_a_template_outside_the_target_is_refused(project: Project, outside: Path) -> None:
    template = outside / "flow.yaml"
    template.write_text("name: flow\nnamespace_name: ns\nversion: '1'\nsteps: []\n")
    before = template.read_text()
    with pytest.raises(UnsafePathError):
        generate_step_handler(
            "charge", target=project.root, layout=project.layout, template=template
        )
    link = project.root / "flow.yaml"
    link.symlink_to(template)
    result = project.cli("generate", "step-handler", "charge", "--template", str(link))
    assert result.exit_code == 1
    assert "refusing to write" in result.output
    assert template.read_text() == before
    assert project.files() == ["flow.yaml"]


def test_the_target_may_itself_be_a_symlink(project: Project, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(project.root, target_is_directory=True)
    result = generate_task_template("flow", namespace="ns", target=alias, layout=project.layout)
    assert result.target == project.root.resolve()
    assert (project.root / "config/tasks/flow.yaml").is_file()


@pytest.mark.parametrize("relative", ["../x.py", "/abs.py", "a/../../b.py"])
def test_contained_rejects_paths_that_leave(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnsafePathError):
        contained(tmp_path, PurePosixPath(relative))
