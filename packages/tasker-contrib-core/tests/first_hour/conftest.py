"""A new user's project in a fresh directory, built with the real ``tasker-contrib`` CLI.

Every command runs as a subprocess with the engine and database variables
removed from the environment, from the project directory, as a user runs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
CLI = str(BIN / "tasker-contrib")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any Tasker or database setting, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TASKER_", "PG")) and key not in ("DATABASE_URL", "PYTHONPATH")
    }
    env["RUST_LOG"] = "warn"
    env.update(extra or {})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class NewProject:
    root: Path

    def cli(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args],
            cwd=self.root,
            env=clean_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        done = self.cli(*args, env=env)
        command = " ".join(args)
        assert done.returncode == 0, f"tasker-contrib {command}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def new_project(tmp_path: Path) -> NewProject:
    """``install --handlers-package myapp.handlers`` and one generated template (2 steps)."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "0.1.0"\n', encoding="utf-8"
    )
    project = NewProject(root)
    project.ok("install", "--handlers-package", "myapp.handlers")
    project.ok("generate", "task-template", "order", "--namespace", "shop", "--steps", "check,ship")
    return project
