"""The FastAPI tests' servers: testsupport's harness plus this package's test apps.

The harness itself (process groups, deadlines, lifecycle lines) lives in
``tasker_contrib_testsupport.servers``, shared by every framework package.
Test directories are not packages (``--import-mode=importlib``): this file is
loaded by path from ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

from tasker_contrib_testsupport.servers import (
    Entry,
    Server,
    ServerFailed,
    apps_env,
    by_pid,
    closed_port,
    events,
    free_port,
    gunicorn_args,
    read_entries,
    uvicorn_args,
)
from tasker_contrib_testsupport.servers import (
    gunicorn_server as gunicorn_server_for,
)

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"


def server_env(log: Path, **extra: str | None) -> dict[str, str]:
    """A clean environment serving the lifecycle test apps in ``tests/apps``."""
    return apps_env(log, APPS, **extra)


def gunicorn_server(workdir: Path, app: str, *extra: str, **env: str | None) -> Server:
    """gunicorn serving ``app`` of ``tests/apps`` from ``workdir``, on a free port."""
    return gunicorn_server_for(APPS, workdir, app, *extra, **env)


__all__ = [
    "APPS",
    "Entry",
    "Server",
    "ServerFailed",
    "by_pid",
    "closed_port",
    "events",
    "free_port",
    "gunicorn_args",
    "gunicorn_server",
    "read_entries",
    "server_env",
    "uvicorn_args",
]
