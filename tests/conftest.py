"""Tests of the repository's release and compatibility tooling (scripts/, workflows)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The tracked files of the repository (plus uncommitted edits) in a throwaway folder."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    copy = tmp_path / "repo"
    for relative in listed:
        source = ROOT / relative
        if source.is_file():
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy
