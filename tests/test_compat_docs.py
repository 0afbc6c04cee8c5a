"""The compatibility page tells the truth: claims without results fail the docs check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from compat_matrix import matrix_entries
from compat_results import Counts, SessionResult, counts_from_junit, load_results, record_result

ROOT = Path(__file__).resolve().parent.parent


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "generate_docs.py"),
            "--check",
            "--root",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_pages_and_results_pass_the_check() -> None:
    result = _check(ROOT)
    assert result.returncode == 0, result.stderr


def test_every_claim_has_a_recorded_result_shown_with_its_date() -> None:
    results = load_results(ROOT)
    page = (ROOT / "docs" / "compatibility.md").read_text()
    for entry in matrix_entries(ROOT):
        recorded = results[entry.session_name]
        assert recorded.python == entry.python
        assert recorded.installed == dict(entry.pins)  # what ran is what is claimed
        assert f"| {recorded.python_full} |" in page
        assert recorded.date in page


def test_a_new_claim_without_a_result_fails_the_docs_check(repo_copy: Path) -> None:
    pyproject = repo_copy / "packages" / "tasker-contrib-fastapi" / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('fastapi = ["0.110.1",', 'fastapi = ["0.100.0", "0.110.1",'))
    # Even with the pages regenerated, the missing result fails the check.
    subprocess.run(
        [sys.executable, str(repo_copy / "scripts" / "generate_docs.py"), "--root", str(repo_copy)],
        capture_output=True,
        check=True,
    )
    result = _check(repo_copy)
    assert result.returncode == 1
    assert "no recorded result for `matrix(fastapi, fastapi=0.100.0" in result.stderr
    assert "uv run nox -t fastapi" in result.stderr
    assert (
        "| 0.100.0 | 0.1.8 | not run | - | - |" in (repo_copy / "docs/compatibility.md").read_text()
    )


def test_changed_bounds_make_the_lowest_result_stale(repo_copy: Path) -> None:
    pyproject = repo_copy / "packages" / "tasker-contrib-core" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"rich>=13.7"', '"rich>=13.0"'))
    result = _check(repo_copy)
    assert result.returncode == 1
    assert "bounds changed since `lowest(core)` ran" in result.stderr


def test_a_new_package_is_picked_up_and_its_readme_gets_a_table(repo_copy: Path) -> None:
    folder = repo_copy / "packages" / "tasker-contrib-flask"
    folder.mkdir()
    (folder / "README.md").write_text("# tasker-contrib-flask\n")
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "tasker-contrib-flask"\nversion = "0.1.0"\n'
        'dependencies = ["flask>=3.0"]\n\n[tool.tasker-contrib.compat]\npackage = "flask"\n'
        'python = ["3.12"]\nflask = ["3.1.0"]\ntasker-py = ["0.1.8"]\n'
    )
    assert _check(repo_copy).returncode == 1
    record_result(
        repo_copy,
        SessionResult(
            session="matrix(flask, flask=3.1.0, tasker-py=0.1.8, python=3.12)",
            package="flask",
            distribution="tasker-contrib-flask",
            python="3.12",
            python_full="3.12.1",
            requested={"flask": "3.1.0", "tasker-py": "0.1.8"},
            installed={"flask": "3.1.0", "tasker-py": "0.1.8"},
            outcome="failed",
            date="2026-12-03",
            duration_seconds=1.0,
            counts=Counts(passed=3, failed=1),
        ),
    )
    record_result(
        repo_copy,
        SessionResult(
            session="lowest(flask)",
            package="flask",
            distribution="tasker-contrib-flask",
            python="3.12",
            python_full="3.12.1",
            requested={"flask": "flask>=3.0"},
            installed={"flask": "3.0.0"},
            outcome="passed",
            date="2026-12-03",
            duration_seconds=1.0,
            counts=Counts(passed=4),
        ),
    )
    # Only the new package's file is written; the others' results stay untouched.
    assert sorted(p.name for p in (repo_copy / "compat/results").glob("*.json")) == [
        "tasker-contrib-core.json",
        "tasker-contrib-fastapi.json",
        "tasker-contrib-flask.json",
    ]
    subprocess.run(
        [sys.executable, str(repo_copy / "scripts" / "generate_docs.py"), "--root", str(repo_copy)],
        capture_output=True,
        check=True,
    )
    assert _check(repo_copy).returncode == 0
    readme = (folder / "README.md").read_text()
    assert "| 3.12.1 | 3.1.0 | 0.1.8 | **FAILED** | 3 passed, 1 failed | 2026-12-03 |" in readme
    assert "tasker-contrib-flask" in (repo_copy / "docs/compatibility.md").read_text()


def test_recording_replaces_only_that_sessions_record(tmp_path: Path) -> None:
    def result(session: str, outcome: str) -> SessionResult:
        return SessionResult(
            session=session,
            package="core",
            distribution="tasker-contrib-core",
            python="3.12",
            python_full="3.12.1",
            requested={},
            installed={},
            outcome=outcome,
            date="2026-12-03",
            duration_seconds=0.0,
        )

    record_result(tmp_path, result("a", "failed"))
    record_result(tmp_path, result("b", "passed"))
    path = record_result(tmp_path, result("a", "passed"))
    records = json.loads(path.read_text())["results"]
    assert [(r["session"], r["outcome"]) for r in records] == [("a", "passed"), ("b", "passed")]


def test_counts_come_from_the_junit_report(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite tests="10" failures="2" errors="1" skipped="3"/></testsuites>'
    )
    assert counts_from_junit(report) == Counts(passed=4, failed=2, errors=1, skipped=3)
    assert counts_from_junit(tmp_path / "missing.xml") == Counts()
