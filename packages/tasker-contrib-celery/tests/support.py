"""Run real ``celery`` processes (worker, beat, inspect) and read what they did.

The harness (process groups, deadlines, lifecycle lines ``{event, pid, ppid,
...}``) is ``tasker_contrib_testsupport.servers``, shared by every framework
package: :class:`Proc` is its :class:`~tasker_contrib_testsupport.servers.Server`
running ``python -m celery -A celery_lifecycle_app <args>``.

Test directories are not packages (``--import-mode=importlib``): this file is
loaded by path from ``conftest.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

from tasker_contrib_testsupport.servers import (
    Entry,
    Server,
    ServerFailed,
    clean_env,
    events,
    read_entries,
)

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
APP_MODULE = "celery_lifecycle_app"

#: A process did not do what the test waited for; carries its output.
ProcFailed = ServerFailed


def proc_env(log: Path, broker: str, **extra: str | None) -> dict[str, str]:
    """A clean environment (no inherited ``CELERY_BROKER_URL``) using ``broker``."""
    return clean_env(
        log,
        pythonpath=[APPS],
        defaults={"TEST_BROKER_URL": broker},
        **{"CELERY_BROKER_URL": None, **extra},
    )


class Proc(Server):
    """``python -m celery -A celery_lifecycle_app <args>`` in its own session."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        super().__init__(
            ["-m", "celery", "-A", APP_MODULE, *args],
            env=env,
            cwd=cwd,
            log=log,
            output=cwd / f"celery-{args[0]}-{time.monotonic_ns()}.out",
        )


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


__all__ = [
    "APPS",
    "APP_MODULE",
    "Entry",
    "Proc",
    "ProcFailed",
    "events",
    "proc_env",
    "read_entries",
    "worker_args",
]
