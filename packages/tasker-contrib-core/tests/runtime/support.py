"""Helpers shared by the runtime and ``tasker-contrib worker`` tests.

Everything that may start the real engine runs in a child process with a hard
timeout (the engine can freeze or abort its process, and keeps global state),
started in its own session so a timeout kills the whole process group.
Children get a clean environment: engine variables from the developer's shell
would silently change what is tested.

Test directories are not packages (``--import-mode=importlib``), so this file
is loaded by path with :func:`load`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from tasker_contrib_testsupport.subprocesses import (
    last_marked_json,
    run_fresh_python,
    run_python_bounded,
)
from tasker_contrib_testsupport.test_modules import load_test_module

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios.py"
RESULT_MARKER = "SCENARIO_RESULT "

_ENGINE_VARIABLES = frozenset(
    {"DATABASE_URL", "PGMQ_DATABASE_URL", "RUST_LOG", "WORKSPACE_PATH", "RABBITMQ_URL"}
)

PROBE_NAMESPACE = "runtime_probe"
PROBE_PACKAGE = "runtime_probe_handlers"

_PROBE_TEMPLATE = """\
name: probe_task
namespace_name: runtime_probe
version: "1.0.0"
description: One step, used to check that templates and handlers reach the worker.
steps:
  - name: greet
    handler:
      callable: runtime_probe_handlers.greet
    publishes_events:
      - name: probe.greeted
        description: The greeting was made.
        schema: {type: object}
        condition: success
        delivery_mode: fast
"""

_SLOW_TEMPLATE = """\
name: slow_probe
namespace_name: runtime_probe
version: "1.0.0"
description: One step that takes PROBE_SLOW_SECONDS (default 60), to test bounded stops.
steps:
  - name: linger
    handler:
      callable: runtime_probe_handlers.linger
"""

_PROBE_HANDLERS = """\
import os
import signal
import time

from tasker_core import StepHandler


class Greet(StepHandler):
    handler_name = "runtime_probe_handlers.greet"

    def call(self, context):
        return self.success({"hello": context.get_input_or("name", "world")})


class Linger(StepHandler):
    handler_name = "runtime_probe_handlers.linger"

    def call(self, context):
        print("LINGER STARTED", flush=True)
        time.sleep(float(os.environ.get("PROBE_SLOW_SECONDS", "60")))
        return self.success({})
"""


def load(name: str) -> ModuleType:
    """Import ``tests/runtime/<name>.py`` by path, once."""
    return load_test_module(HERE, name, prefix="tasker_contrib_runtime_tests")


@dataclass(frozen=True)
class ProbeProject:
    """A scratch project: one template directory and one handler package."""

    root: Path
    templates: Path
    handlers_root: Path  # goes on PYTHONPATH


def write_probe_project(root: Path) -> ProbeProject:
    templates = root / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "probe.yaml").write_text(_PROBE_TEMPLATE, encoding="utf-8")
    (templates / "slow.yaml").write_text(_SLOW_TEMPLATE, encoding="utf-8")
    package = root / "handlers" / PROBE_PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(_PROBE_HANDLERS, encoding="utf-8")
    return ProbeProject(root, templates, root / "handlers")


def clean_env(extra: dict[str, str | None] | None = None) -> dict[str, str]:
    """Our environment without engine variables, unbuffered, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _ENGINE_VARIABLES and not key.startswith("TASKER_")
    }
    env["PYTHONUNBUFFERED"] = "1"
    env["RUST_LOG"] = "error"
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@dataclass(frozen=True)
class Outcome:
    """What a child process did."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    payload: dict[str, Any] | None = None

    def describe(self) -> str:
        tail = "\n".join((self.stderr + "\n" + self.stdout).strip().splitlines()[-30:])
        return (
            f"exit={self.returncode} timed_out={self.timed_out} seconds={self.seconds:.2f}\n"
            f"payload={json.dumps(self.payload, default=str)}\n--- output tail ---\n{tail}"
        )


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def run_python(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> Outcome:
    """Run ``python ARGS`` to completion, killing its process group after ``timeout``."""
    finished = run_python_bounded(args, cwd=cwd, env=env, timeout=timeout)
    return Outcome(
        finished.returncode,
        finished.stdout,
        finished.stderr,
        finished.seconds,
        finished.timed_out,
        last_marked_json(finished.stdout, RESULT_MARKER),
    )


def run_scenario(
    name: str,
    arguments: dict[str, Any],
    *,
    cwd: Path,
    timeout: float = 60.0,
    env: dict[str, str | None] | None = None,
) -> Outcome:
    """Run one function of ``scenarios.py`` in a fresh interpreter."""
    return run_python(
        [str(SCENARIOS), name, json.dumps(arguments)],
        cwd=cwd,
        env=clean_env(env),
        timeout=timeout,
    )


def fresh_interpreter(code: str, *, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter with a clean engine environment."""
    return run_fresh_python(code, env=clean_env({"RUST_LOG": None}), timeout=timeout)


class Spawned:
    """A long-running child (the worker command) driven by signals.

    Two reader threads drain stdout and stderr line by line, so the child never
    blocks on a full pipe and the test can wait for a given line.
    """

    def __init__(self, command: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(
                target=self._drain, args=(self.proc.stdout, self.stdout_lines), daemon=True
            ),
            threading.Thread(
                target=self._drain, args=(self.proc.stderr, self.stderr_lines), daemon=True
            ),
        ]
        for reader in self._readers:
            reader.start()

    def _drain(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_line(self, needle: str, timeout: float) -> bool:
        """Wait until a stdout line contains ``needle`` (False on timeout or exit)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if any(needle in line for line in self.stdout_lines):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (
                    self.proc.poll() is not None and not self._readers[0].is_alive()
                ):
                    return False
                self._changed.wait(min(remaining, 0.1))

    def signal(self, signum: int) -> float:
        self.proc.send_signal(signum)
        return time.monotonic()

    def wait(self, timeout: float) -> tuple[int | None, str, str]:
        """Exit status (None on timeout, then the group is killed), stdout, stderr."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            self.proc.wait(timeout=10)
            code = None
        else:
            code = self.proc.returncode
        for reader in self._readers:
            reader.join(5)
        return code, "\n".join(self.stdout_lines), "\n".join(self.stderr_lines)

    def kill(self) -> None:
        if self.proc.poll() is None:
            _kill_group(self.proc)
            self.proc.wait(timeout=10)
