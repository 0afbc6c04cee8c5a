"""The Django tests' servers: testsupport's harness plus this package's test project.

The harness itself (process groups, deadlines, lifecycle lines) lives in
``tasker_contrib_testsupport.servers``, shared by every framework package; this
file adds ``manage.py`` runs and a connection counter.
Test directories are not packages (``--import-mode=importlib``): this file is
loaded by path from ``conftest.py``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from tasker_contrib_testsupport.servers import (
    Entry,
    Server,
    ServerFailed,
    by_pid,
    clean_env,
    closed_port,
    events,
    free_port,
    gunicorn_args,
    read_entries,
    uvicorn_args,
)

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
MANAGE = str(PROJECT / "manage.py")


def server_env(log: Path, **extra: str | None) -> dict[str, str]:
    """A clean environment running the test project in ``tests/project``.

    ``RUN_MAIN`` (runserver's reloader marker) never leaks in from our shell;
    ``DJANGO_SETTINGS_MODULE`` always names the test project unless ``extra``
    says otherwise.
    """
    return clean_env(
        log,
        pythonpath=[PROJECT],
        defaults={
            "DJANGO_SETTINGS_MODULE": "testproject.settings",
            "TASKER_TEMPLATE_PATH": str(PROJECT / "templates"),
            "TASKER_SHUTDOWN_TIMEOUT_SECONDS": "5",
            "TASKER_START_TIMEOUT_SECONDS": "30",
        },
        **{"RUN_MAIN": None, **extra},
    )


def manage(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 60.0) -> Any:
    """Run ``manage.py ARGS`` to completion (bounded); the CompletedProcess."""
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class ConnectionCounter:
    """A TCP listener on 127.0.0.1 that counts the connections made to it.

    Pointing ``DATABASE_URL`` at it turns "the engine never tried to reach its
    database" into a number a test can assert (it answers nothing and closes).
    """

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"postgresql://tasker:secret@127.0.0.1:{self.port}/tasker_test"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


__all__ = [
    "MANAGE",
    "PROJECT",
    "ConnectionCounter",
    "Entry",
    "Server",
    "ServerFailed",
    "by_pid",
    "closed_port",
    "events",
    "free_port",
    "gunicorn_args",
    "manage",
    "read_entries",
    "server_env",
    "uvicorn_args",
]
