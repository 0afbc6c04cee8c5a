"""Run real servers (uvicorn, gunicorn, flask, runserver, celery) in child processes.

Every framework package's lifecycle tests need the same care: each server
runs in its own session (process group) with a clean environment, writes its
output to a file (a full pipe can never block it), and reports its lifecycle
as JSON lines (``TASKER_CONTRIB_LIFECYCLE_LOG``, written by the integration
kit's host). :class:`Server` always kills the whole group on exit, whatever
the test did, and every wait has a hard deadline that fails with the server's
output and lifecycle lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

#: Variables of the developer's shell that would change what is tested.
#: ``DJANGO_SETTINGS_MODULE`` is also set by the Django tests' conftest in the
#: test process itself: a Celery worker started later in the same run would
#: otherwise try to load the Django test project.
DROPPED_VARIABLES = (
    "DATABASE_URL",
    "PGMQ_DATABASE_URL",
    "RUST_LOG",
    "PYTHONWARNINGS",
    "WEB_CONCURRENCY",
    "DJANGO_SETTINGS_MODULE",
)

#: The environment variable the lifecycle JSON lines go to.
LIFECYCLE_LOG_ENV = "TASKER_CONTRIB_LIFECYCLE_LOG"

Entry = dict[str, Any]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A port nothing listens on (bound and released: refused for a while)."""
    return free_port()


def clean_env(
    log: Path,
    *,
    pythonpath: list[Path] | None = None,
    defaults: Mapping[str, str] | None = None,
    **extra: str | None,
) -> dict[str, str]:
    """Our environment minus engine/Tasker variables, plus ``defaults`` and ``extra``.

    ``log`` becomes ``TASKER_CONTRIB_LIFECYCLE_LOG``; ``pythonpath`` entries go
    before any inherited ``PYTHONPATH``; an ``extra`` value of ``None`` removes
    the variable.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in DROPPED_VARIABLES and not key.startswith("TASKER_")
    }
    paths = [str(path) for path in pythonpath or ()]
    inherited = os.environ.get("PYTHONPATH")
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "RUST_LOG": "error",
            "TASKER_ENV": "test",
            LIFECYCLE_LOG_ENV: str(log),
        }
    )
    if paths or inherited:
        env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [inherited])])
    env.update(defaults or {})
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def apps_env(log: Path, apps: Path, **extra: str | None) -> dict[str, str]:
    """A clean environment serving a package's lifecycle test apps in ``apps``.

    The FastAPI and Flask tests share one layout: the apps importable from
    ``apps``, their task templates in ``apps/templates`` and their handlers in
    the ``lifecycle_handlers`` package, with short start and stop deadlines.
    """
    return clean_env(
        log,
        pythonpath=[apps],
        defaults={
            "TASKER_TEMPLATE_PATH": str(apps / "templates"),
            "TASKER_HANDLER_PACKAGES": "lifecycle_handlers",
            "TASKER_SHUTDOWN_TIMEOUT_SECONDS": "5",
            "TASKER_START_TIMEOUT_SECONDS": "30",
        },
        **extra,
    )


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


class ServerFailed(AssertionError):
    """A server did not do what the test waited for; carries its output."""


class Server:
    """A server child process in its own session, killed on exit no matter what.

    ``program`` is the executable ``args`` are given to: this Python by default
    (``args`` then start with ``-m module``), or a server binary such as uWSGI.
    """

    def __init__(
        self,
        args: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        log: Path,
        output: Path,
        port: int | None = None,
        program: str = sys.executable,
    ) -> None:
        self.program = program
        self.args = args
        self.env = env
        self.cwd = cwd
        self.log = log
        self.output_path = output
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    # -- process -------------------------------------------------------------------

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()

    def start(self) -> None:
        with self.output_path.open("wb") as sink:
            self.proc = subprocess.Popen(
                [self.program, *self.args],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()

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
        """Signal the server's main process; returns when it was sent (monotonic)."""
        assert self.proc is not None
        os.kill(self.proc.pid, sig)
        return time.monotonic()

    def wait_exit(self, timeout: float) -> int:
        """The exit code; fails (with the output) when it does not exit in time."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ServerFailed(
                f"server did not exit within {timeout:.1f}s\n{self.describe()}"
            ) from None

    # -- observation ------------------------------------------------------------------

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
        """Poll the lifecycle log until ``predicate(entries)``; fail on timeout or early exit."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.entries()
            if predicate(entries):
                return entries
            assert self.proc is not None
            if self.proc.poll() is not None and not allow_exit:
                raise ServerFailed(f"server exited while waiting for {what}\n{self.describe()}")
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"timed out after {timeout:.0f}s waiting for {what}\n{self.describe()}"
                )
            time.sleep(0.05)

    def get(self, path: str, *, timeout: float = 10.0) -> tuple[int, Any]:
        """GET ``path`` on the server: (status, decoded JSON body or text)."""
        return self.request("GET", path, timeout=timeout)

    def request(
        self, method: str, path: str, *, body: Any = None, timeout: float = 10.0
    ) -> tuple[int, Any]:
        assert self.port is not None
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"content-type": "application/json", "connection": "close"},
        )
        # A single uvicorn process binds its socket only after the lifespan
        # started, so "runtime.started" can precede the port accepting: retry
        # refused connections for a while.
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    status, raw = response.status, response.read()
                break
            except urllib.error.HTTPError as error:
                status, raw = error.code, error.read()
                break
            except urllib.error.URLError as error:
                refused = isinstance(error.reason, ConnectionRefusedError)
                if not refused or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            return status, json.loads(raw)
        except json.JSONDecodeError:
            return status, raw.decode(errors="replace")


def uvicorn_args(app: str, port: int, *extra: str) -> list[str]:
    return [
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "info",
        *extra,
    ]


def gunicorn_args(app: str, port: int, *extra: str) -> list[str]:
    return [
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "info",
        *extra,
    ]


def gunicorn_server(apps: Path, workdir: Path, app: str, *extra: str, **env: str | None) -> Server:
    """gunicorn serving ``app`` of a package's lifecycle test apps (see :func:`apps_env`)
    on a free port, its lifecycle log and output in ``workdir``; ``env`` as for
    :func:`apps_env`. Not started: use it as a context manager."""
    log = workdir / "lifecycle.jsonl"
    port = free_port()
    return Server(
        gunicorn_args(app, port, *extra),
        env=apps_env(log, apps, **env),
        cwd=workdir,
        log=log,
        output=workdir / "out.txt",
        port=port,
    )


def by_pid(entries: list[Entry], pid: int) -> list[str]:
    """The event names one process recorded, in order."""
    return [entry["event"] for entry in entries if entry["pid"] == pid]


@dataclass(frozen=True)
class ScriptExit:
    """How a script that is meant to end by itself ended (see :func:`run_script_to_exit`)."""

    code: int
    entries: list[Entry]
    #: Wall-clock time (``time.time()``) the exit was seen, comparable with ``entry["time"]``.
    exited_at: float
    #: The script's lifecycle lines and output tail, for assertion messages.
    description: str

    @property
    def lag(self) -> float:
        """Seconds from the script's last lifecycle line to its exit.

        A script that returns while threads it started are still running exits
        only once interpreter shutdown stops waiting for them: a large lag is a
        non-daemon thread left behind.
        """
        return self.exited_at - float(self.entries[-1]["time"])


def run_script_to_exit(
    script: Path, *, env: dict[str, str], cwd: Path, log: Path, timeout: float
) -> ScriptExit:
    """Run ``python script`` in its own session until it exits (at most ``timeout`` s)."""
    with Server([str(script)], env=env, cwd=cwd, log=log, output=cwd / "out.txt") as server:
        code = server.wait_exit(timeout=timeout)
        exited_at = time.time()
    return ScriptExit(code, server.entries(), exited_at, server.describe())


__all__ = [
    "DROPPED_VARIABLES",
    "LIFECYCLE_LOG_ENV",
    "Entry",
    "ScriptExit",
    "Server",
    "ServerFailed",
    "apps_env",
    "by_pid",
    "clean_env",
    "closed_port",
    "events",
    "free_port",
    "gunicorn_args",
    "gunicorn_server",
    "read_entries",
    "run_script_to_exit",
    "uvicorn_args",
]
