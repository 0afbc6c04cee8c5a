"""The matrix finds claimed Pythons wherever they are installed, and says when one is not."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from interpreters import find_python

CURRENT = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_the_running_python_is_found() -> None:
    found = find_python(CURRENT)
    assert found is not None
    assert found.is_file()


def test_a_version_nobody_installed_is_none() -> None:
    assert find_python("3.99") is None


def test_a_pyenv_root_off_path_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "versions" / f"{CURRENT}.99" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / f"python{CURRENT}").symlink_to(sys.executable)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", "/nonexistent")  # neither pythonX.Y nor pyenv nor uv on PATH
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert find_python(CURRENT) == bin_dir / f"python{CURRENT}"


def test_a_candidate_reporting_another_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = "3.98"
    bin_dir = tmp_path / "versions" / f"{other}.0" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / f"python{other}").symlink_to(sys.executable)  # answers CURRENT, not 3.98
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", os.defpath)
    assert find_python(other) is None
