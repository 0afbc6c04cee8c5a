from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bump import BumpError, bump, compatible_range, next_version

ROOT = Path(__file__).resolve().parent.parent


def _write_package(
    root: Path, name: str, version: str, dependencies: list[str], notes: str
) -> Path:
    folder = root / "packages" / name
    folder.mkdir(parents=True)
    deps = ", ".join(f'"{line}"' for line in dependencies)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "{version}"\ndependencies = [{deps}]\n'
    )
    (folder / "CHANGELOG.md").write_text(f"# Changelog\n\n{notes}")
    return folder


@pytest.mark.parametrize(
    ("version", "part", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.3", "minor", "0.2.0"),
        ("1.4.2", "major", "2.0.0"),
        ("0.1.0", "release", "0.1.0"),
    ],
)
def test_next_version(version: str, part: str, expected: str) -> None:
    assert next_version(version, part) == expected


def test_compatible_range_is_minor_below_one_and_major_from_one() -> None:
    assert compatible_range("0.2.0") == ">=0.2,<0.3"
    assert compatible_range("1.4.0") == ">=1.4,<2"


def test_core_minor_bump_dates_notes_and_moves_the_framework_range(tmp_path: Path) -> None:
    core = _write_package(
        tmp_path,
        "tasker-contrib-core",
        "0.1.0",
        ["pydantic>=2.9"],
        "## Unreleased\n\n### Added\n- Something.\n\n## 0.1.0 (2026-11-01)\n\n- First.\n",
    )
    fastapi = _write_package(
        tmp_path,
        "tasker-contrib-fastapi",
        "0.1.0",
        ["tasker-contrib-core>=0.1,<0.2", "fastapi>=0.110.1"],
        "## 0.1.0 (2026-11-01)\n\n- First.\n",
    )

    assert bump(tmp_path, "tasker-contrib-core", "minor", "2026-12-03") == "0.2.0"

    assert 'version = "0.2.0"' in (core / "pyproject.toml").read_text()
    changelog = (core / "CHANGELOG.md").read_text()
    assert "## Unreleased\n\n## 0.2.0 (2026-12-03)\n\n### Added\n- Something." in changelog
    assert "## 0.1.0 (2026-11-01)" in changelog
    framework = (fastapi / "pyproject.toml").read_text()
    assert '"tasker-contrib-core>=0.2,<0.3"' in framework
    assert '"fastapi>=0.110.1"' in framework
    assert 'version = "0.1.0"' in framework  # the framework package is not released by this
    assert "- Requires `tasker-contrib-core>=0.2,<0.3`." in (fastapi / "CHANGELOG.md").read_text()


def test_a_patch_inside_the_range_leaves_siblings_alone(tmp_path: Path) -> None:
    _write_package(tmp_path, "tasker-contrib-core", "0.1.0", [], "## Unreleased\n\n- Fix.\n")
    fastapi = _write_package(
        tmp_path, "tasker-contrib-fastapi", "0.1.0", ["tasker-contrib-core>=0.1,<0.2"], ""
    )
    before = (fastapi / "pyproject.toml").read_text()
    assert bump(tmp_path, "tasker-contrib-core", "patch", "2026-12-03") == "0.1.1"
    assert (fastapi / "pyproject.toml").read_text() == before


def test_first_release_dates_the_version_heading(tmp_path: Path) -> None:
    folder = _write_package(
        tmp_path, "tasker-contrib-fastapi", "0.1.0", [], "## 0.1.0 (unreleased)\n\n- First.\n"
    )
    assert bump(tmp_path, "tasker-contrib-fastapi", "release", "2026-12-03") == "0.1.0"
    assert "## 0.1.0 (2026-12-03)\n\n- First." in (folder / "CHANGELOG.md").read_text()


def test_no_unreleased_notes_is_refused_naming_the_file(tmp_path: Path) -> None:
    _write_package(tmp_path, "tasker-contrib-core", "0.1.0", [], "## 0.1.0 (2026-11-01)\n")
    with pytest.raises(BumpError, match=r"CHANGELOG\.md: no '## Unreleased'"):
        bump(tmp_path, "tasker-contrib-core", "patch", "2026-12-03")
    assert (
        'version = "0.1.0"'
        in (tmp_path / "packages/tasker-contrib-core/pyproject.toml").read_text()
    )


def test_the_script_on_a_copy_of_this_repository(repo_copy: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(repo_copy / "scripts" / "bump.py"),
            "tasker-contrib-core",
            "minor",
            "--root",
            str(repo_copy),
            "--date",
            "2026-12-03",
            "--no-lock",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fastapi = (repo_copy / "packages/tasker-contrib-fastapi/pyproject.toml").read_text()
    assert '"tasker-contrib-core>=0.2,<0.3"' in fastapi
    assert "tag tasker-contrib-core-v0.2.0" in result.stdout
