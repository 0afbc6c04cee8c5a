"""Helpers for the dangerous-inputs suite: a fresh project, the real CLI, and checks.

Every test feeds one bad (or once-bad) input through the ``tasker-contrib``
console script in a subprocess and through the Python API, and checks what a
user would: the exit code, that the process did not abort (no SIGABRT, exit
134), no traceback, a message naming the file/key/step and saying what to do,
a bounded time, and that nothing in the project was written or lost.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.config import TaskerSettings

if TYPE_CHECKING:
    from tasker_contrib_testsupport.realstack import RealStack

CONSOLE_SCRIPT = Path(sys.executable).with_name("tasker-contrib")

#: Longest any refusal may take: a hang guard, not a speed measurement.
BOUND_SECONDS = 30.0

#: Variables that would leak the developer's own setup into a test.
_SCRUBBED_PREFIXES = ("TASKER_", "DATABASE_URL", "PGMQ_DATABASE_URL", "RUST_LOG")


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def refused(self, *names: str, advice: str, code: int = 1) -> None:
        """Exit ``code``, no abort, no traceback, every name and the fix in the output."""
        shown = self.output
        assert self.returncode not in (134, -6), f"the process aborted:\n{shown}"
        assert self.returncode == code, shown
        assert "Traceback" not in shown, shown
        for name in names:
            assert name in shown, f"{name!r} not in:\n{shown}"
        assert advice in shown, f"{advice!r} not in:\n{shown}"
        assert self.seconds < BOUND_SECONDS

    def accepted(self) -> None:
        assert self.returncode == 0, self.output
        assert "Traceback" not in self.output
        assert self.seconds < BOUND_SECONDS


class Project:
    """A fresh directory with ``config/tasker`` where a user runs the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_dir = root / "config" / "tasker"
        self.config_dir.mkdir(parents=True)

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
        env.update({"COLUMNS": "400", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"})
        env.update(extra or {})
        return env

    def settings(self, env: Mapping[str, str] | None = None, **values: object) -> TaskerSettings:
        """The Python API's view of this project (environment given explicitly)."""
        values.setdefault("config_dir", self.config_dir)
        values.setdefault("template_paths", [self.root / "config" / "tasks"])
        return TaskerSettings(_environ=dict(env or {}), **values)  # type: ignore[arg-type]

    def cli(self, *args: str, env: Mapping[str, str] | None = None) -> CliResult:
        started = time.monotonic()
        completed = subprocess.run(
            [str(CONSOLE_SCRIPT), *args],
            cwd=self.root,
            env=self.environ(env),
            capture_output=True,
            text=True,
            timeout=BOUND_SECONDS,
            check=False,
        )
        return CliResult(
            completed.returncode, completed.stdout, completed.stderr, time.monotonic() - started
        )

    def unchanged(self) -> Callable[[], None]:
        """Snapshot now; the returned check asserts nothing was written, changed or lost."""
        before = self.snapshot()

        def check() -> None:
            assert self.snapshot() == before, "the command wrote, changed or removed files"

        return check

    def snapshot(self) -> dict[str, str]:
        """Every file under the project with a hash of its content."""
        return {
            str(path.relative_to(self.root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def project(tmp_path: Path) -> Project:
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} missing: is the workspace installed?"
    return Project(tmp_path / "project")


@pytest.fixture
def postgres_url(real_stack: RealStack) -> str:
    """The real stack's database (upstream's schema: the worker runtime refuses to start
    without it) through a role of its own whose password appears nowhere else in the URL,
    so a leaked password is told apart from the user and database names."""
    return real_stack.role_url("masking_probe", "zq7-masking-secret")
