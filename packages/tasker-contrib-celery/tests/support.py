"""Run real ``celery`` processes (worker, beat, inspect) and read what they did.

Every process runs in its own session with a clean environment, writes its
output to a file, and reports its lifecycle as JSON lines
(``TASKER_CONTRIB_LIFECYCLE_LOG``: ``{event, pid, ppid, ...}``). :class:`Proc`
kills the whole group on exit whatever the test did, and every wait has a hard
deadline that fails with the process's output.

Test directories are not packages (``--import-mode=importlib``): this file is
loaded by path from ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
APP_MODULE = "celery_lifecycle_app"

_DROPPED = ("DATABASE_URL", "PGMQ_DATABASE_URL", "RUST_LOG", "PYTHONWARNINGS", "CELERY_BROKER_URL")

Entry = dict[str, Any]


def proc_env(log: Path, broker: str, **extra: str | None) -> dict[str, str]:
    """Our environment minus engine/Tasker variables, plus the test app's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _DROPPED and not key.startswith("TASKER_")
    }
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(
                [str(APPS), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "RUST_LOG": "error",
            "TASKER_ENV": "test",
            "TASKER_CONTRIB_LIFECYCLE_LOG": str(log),
            "TEST_BROKER_URL": broker,
        }
    )
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def read_entries(log: Path) -> list[Entry]:
    entries: list[Entry] = []
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return entries
    for line in lines:
        with contextlib.suppress(json.JSONDecodeError):
            entries.append(json.loads(line))
    return entries


def events(entries: list[Entry], name: str) -> list[Entry]:
    return [entry for entry in entries if entry["event"] == name]


class ProcFailed(AssertionError):
    """A process did not do what the test waited for; carries its output."""


class Proc:
    """``python -m celery -A celery_lifecycle_app <args>`` in its own session."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.args = ["-m", "celery", "-A", APP_MODULE, *args]
        self.env = env
        self.cwd = cwd
        self.log = log
        self.output_path = cwd / f"celery-{args[0]}-{time.monotonic_ns()}.out"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Proc:
        with self.output_path.open("wb") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, *self.args],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def send(self, sig: signal.Signals) -> float:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)
        return time.monotonic()

    def wait_exit(self, timeout: float) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ProcFailed(f"did not exit within {timeout:.1f}s\n{self.describe()}") from None

    def output(self) -> str:
        try:
            return self.output_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def entries(self) -> list[Entry]:
        return read_entries(self.log)

    def describe(self) -> str:
        entries = "\n".join(json.dumps(entry) for entry in self.entries())
        tail = "\n".join(self.output().splitlines()[-60:])
        code = None if self.proc is None else self.proc.poll()
        return f"exit={code}\n--- lifecycle ---\n{entries}\n--- output tail ---\n{tail}"

    def wait_for(
        self,
        predicate: Callable[[list[Entry]], bool],
        *,
        timeout: float,
        what: str,
        allow_exit: bool = False,
    ) -> list[Entry]:
        deadline = time.monotonic() + timeout
        while True:
            entries = self.entries()
            if predicate(entries):
                return entries
            assert self.proc is not None
            if self.proc.poll() is not None and not allow_exit:
                raise ProcFailed(f"exited while waiting for {what}\n{self.describe()}")
            if time.monotonic() > deadline:
                raise ProcFailed(
                    f"timed out after {timeout:.0f}s waiting for {what}\n{self.describe()}"
                )
            time.sleep(0.05)


def worker_args(pool: str, concurrency: int | None = None, *extra: str) -> list[str]:
    """Arguments of a quiet, fast-starting worker."""
    args = [
        "worker",
        "-P",
        pool,
        "-l",
        "info",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"lifecycle-{pool}@%h",
    ]
    if concurrency is not None:
        args += ["-c", str(concurrency)]
    return [*args, *extra]
