"""Start and stop the real Tasker worker in a child process and report what happened.

Why a child process: the engine aborts the whole process on some bad inputs
(a Rust panic on a rejected ``${VAR}`` substitution), holds the GIL while it
waits on an unreachable database, prints its logs to the process's stdout, and
keeps global state that cannot be reset. None of that may leak into the pytest
process, so every real bootstrap in our tests happens here.

Two halves:

* ``python -m tasker_contrib_testsupport.worker_probe`` runs *inside* the child:
  it reads ``TASKER_CONFIG_PATH`` and friends from its environment, bootstraps
  the worker, checks it reports running, stops it, and prints exactly one line
  ``TASKER_PROBE {json}`` on stdout.
* :func:`probe_worker` runs in the caller: it prepares a clean environment and
  a scratch working directory, runs the child with a hard timeout and parses
  the result into a :class:`ProbeResult`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_contrib_testsupport.subprocesses import last_marked_json, run_python_bounded

__all__ = ["MARKER", "ProbeResult", "main", "probe_worker"]

#: Prefix of the single result line the child prints on stdout.
MARKER = "TASKER_PROBE "

#: Environment variables the engine reads on its own; inherited values from the
#: developer's shell would silently change what a probe tests, so they are
#: removed unless the caller passes them explicitly in ``extra_env``.
_ENGINE_ENV_PREFIXES = ("TASKER_",)
_ENGINE_ENV_NAMES = frozenset(
    {
        "DATABASE_URL",
        "PGMQ_DATABASE_URL",
        "RABBITMQ_URL",
        "REDIS_URL",
        "MEMCACHED_URL",
        "WORKSPACE_PATH",
        "RUST_LOG",
    }
)

#: Default engine log filter in the child: warnings and errors only, so the
#: captured output stays small but still explains a failure.
DEFAULT_RUST_LOG = "warn"

# Exit statuses of a process killed by SIGABRT: what a Rust panic with
# panic=abort (or an abort inside the extension) looks like from outside.
_ABORT_CODES = frozenset({-signal.SIGABRT, 128 + signal.SIGABRT})


@dataclass(frozen=True)
class ProbeResult:
    """What one probe run produced.

    ``payload`` is the parsed JSON the child printed, or ``None`` when the
    child died before printing it (a panic/abort, a timeout, an import error).
    """

    returncode: int | None
    payload: dict[str, Any] | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    command: list[str] = field(default_factory=list)

    @property
    def bootstrapped(self) -> bool:
        return bool(self.payload and self.payload.get("bootstrapped"))

    @property
    def running(self) -> bool:
        return bool(self.payload and self.payload.get("running"))

    @property
    def stopped(self) -> bool:
        return bool(self.payload and self.payload.get("stopped"))

    @property
    def ok(self) -> bool:
        """Bootstrapped, reported running, stopped cleanly and exited 0."""
        return self.returncode == 0 and self.bootstrapped and self.running and self.stopped

    @property
    def aborted(self) -> bool:
        """The child was killed by SIGABRT (an uncatchable engine panic)."""
        return self.returncode in _ABORT_CODES

    @property
    def error(self) -> str | None:
        if self.payload is not None:
            value = self.payload.get("error")
            return str(value) if value is not None else None
        if self.timed_out:
            return "probe timed out"
        return f"probe exited with code {self.returncode} without a result line"

    @property
    def output(self) -> str:
        """stderr followed by stdout, as one string to search for messages."""
        return f"{self.stderr}\n{self.stdout}"

    def output_tail(self, lines: int = 40) -> str:
        """The last lines of the child's output, for assertion messages."""
        combined = [line for line in self.output.splitlines() if line.strip()]
        return "\n".join(combined[-lines:])

    def describe(self, lines: int = 40) -> str:
        """One readable block explaining the outcome; use it as an assert message."""
        return (
            f"exit={self.returncode} timed_out={self.timed_out} seconds={self.seconds:.1f}\n"
            f"payload={json.dumps(self.payload, sort_keys=True)}\n"
            f"--- output tail ---\n{self.output_tail(lines)}"
        )


def _child_env(
    config_path: Path,
    template_dir: Path,
    extra_env: Mapping[str, str | None] | None,
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _ENGINE_ENV_NAMES and not key.startswith(_ENGINE_ENV_PREFIXES)
    }
    env["RUST_LOG"] = DEFAULT_RUST_LOG
    env["TASKER_CONFIG_PATH"] = str(config_path)
    env["TASKER_TEMPLATE_PATH"] = str(template_dir)
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in (extra_env or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def probe_worker(
    config_path: str | os.PathLike[str],
    *,
    template_dir: str | os.PathLike[str] | None = None,
    extra_env: Mapping[str, str | None] | None = None,
    timeout: float = 60.0,
) -> ProbeResult:
    """Bootstrap the real worker with ``config_path`` in a child process.

    The child runs in a fresh temporary directory (the engine loads a ``.env``
    from its working directory or any parent, and looks for ``config/tasks``
    there), with engine-related variables from our own environment removed and
    ``RUST_LOG`` set quiet. ``template_dir`` defaults to an empty directory so
    template discovery cannot wander into the repository. ``extra_env`` is
    applied last; a value of ``None`` removes the variable.

    The child is killed (with its process group) after ``timeout`` seconds.
    """
    config = Path(config_path).resolve()
    with tempfile.TemporaryDirectory(prefix="tasker-probe-") as scratch:
        scratch_path = Path(scratch)
        templates = Path(template_dir).resolve() if template_dir else scratch_path / "templates"
        templates.mkdir(parents=True, exist_ok=True)
        env = _child_env(config, templates, extra_env)
        args = ["-m", "tasker_contrib_testsupport.worker_probe"]
        finished = run_python_bounded(args, cwd=scratch, env=env, timeout=timeout)
    return ProbeResult(
        returncode=finished.returncode,
        payload=last_marked_json(finished.stdout, MARKER),
        stdout=finished.stdout,
        stderr=finished.stderr,
        seconds=finished.seconds,
        timed_out=finished.timed_out,
        command=[sys.executable, *args],
    )


# ---------------------------------------------------------------------------
# Child side
# ---------------------------------------------------------------------------


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(MARKER + json.dumps(payload, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def main() -> int:
    """Bootstrap, check, stop; print one ``TASKER_PROBE`` line; exit 0 on full success."""
    # Must be set before the extension module is first imported, or it logs at info.
    os.environ.setdefault("RUST_LOG", DEFAULT_RUST_LOG)
    payload: dict[str, Any] = {
        "bootstrapped": False,
        "running": False,
        "stopped": False,
        "worker_id": None,
        "status": None,
        "seconds": None,
        "stop_seconds": None,
        "error": None,
        "config_path": os.environ.get("TASKER_CONFIG_PATH"),
    }
    if not payload["config_path"]:
        payload["error"] = "TASKER_CONFIG_PATH is not set"
        _emit(payload)
        return 2
    try:
        import tasker_core
    except Exception as exc:  # the probe must always report, whatever failed
        payload["error"] = f"import tasker_core failed: {type(exc).__name__}: {exc}"
        _emit(payload)
        return 3

    started = time.monotonic()
    try:
        result = tasker_core.bootstrap_worker()
    except BaseException as exc:  # includes pyo3's PanicException (a BaseException)
        payload["seconds"] = round(time.monotonic() - started, 3)
        payload["error"] = f"bootstrap failed: {type(exc).__name__}: {exc}"
        _emit(payload)
        return 1
    payload["seconds"] = round(time.monotonic() - started, 3)
    payload["bootstrapped"] = bool(result.success)
    payload["worker_id"] = result.worker_id or None
    payload["bootstrap_status"] = result.status

    try:
        payload["running"] = bool(tasker_core.is_worker_running())
        status = tasker_core.get_worker_status()
        payload["status"] = status.model_dump()
    except BaseException as exc:
        payload["error"] = f"status check failed: {type(exc).__name__}: {exc}"

    stop_started = time.monotonic()
    try:
        tasker_core.stop_worker()
        payload["stopped"] = not tasker_core.is_worker_running()
    except BaseException as exc:
        if payload["error"] is None:
            payload["error"] = f"stop failed: {type(exc).__name__}: {exc}"
    payload["stop_seconds"] = round(time.monotonic() - stop_started, 3)

    _emit(payload)
    full_success = payload["bootstrapped"] and payload["running"] and payload["stopped"]
    return 0 if full_success else 1


if __name__ == "__main__":
    sys.exit(main())
