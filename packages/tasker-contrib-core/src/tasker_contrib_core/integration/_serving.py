"""Is this a serving process? The rules of ``docs/lifecycle`` written once.

An engine may only run in a process that serves: a web worker, a Celery
worker, a dedicated worker command. The same application module is also
imported, and the same setup hooks (``init_app``, ``AppConfig.ready()``,
Celery's app creation) also run, in processes that must never host one: a
reloader's parent (it only watches files and re-spawns), management commands
(``migrate``, ``shell``, ``check``, ``flask routes``), the gunicorn master
under ``--preload``, ``celery beat`` and ``celery inspect``. Starting there
either wastes a database connection pool or, before a fork, leaves the
serving children with a dead engine.

:func:`process_role` looks at ``argv`` and the environment and answers with a
:class:`ProcessRole` (``serving`` and the reason, for logs). It never gates on
``WERKZEUG_RUN_MAIN`` / ``RUN_MAIN`` alone: those are only set by a reloader,
so they decide only when a reloader is on (they are unset under gunicorn and
with ``--noreload``, where the process does serve).

A ``serving=True`` answer means "may host a runtime"; *when* to start it is
still the framework hook's job (a lifespan, ``post_fork``,
``worker_process_init``, the first request).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Django management commands that serve (the rest never host a runtime).
DJANGO_SERVING_COMMANDS = frozenset({"runserver", "tasker_worker", "runserver_plus"})

#: Celery sub-commands that run workers; ``beat``, ``inspect``, ``call``... do not.
CELERY_SERVING_COMMANDS = frozenset({"worker"})

#: Every Celery sub-command, to find it among the options in ``argv``.
CELERY_COMMANDS = frozenset(
    {
        "amqp", "beat", "call", "control", "events", "graph", "inspect", "list", "logtool",
        "migrate", "multi", "purge", "report", "result", "shell", "status", "upgrade", "worker",
    }
)  # fmt: skip

_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class ProcessRole:
    """The answer of :func:`process_role`: may this process host a runtime, and why."""

    serving: bool
    program: str
    command: str | None
    reason: str

    def __bool__(self) -> bool:
        return self.serving


def process_role(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    parent_argv: Sequence[str] | None = None,
) -> ProcessRole:
    """Decide whether the current process (or the one ``argv`` describes) serves.

    ``argv`` defaults to ``sys.argv``, ``environ`` to ``os.environ``.
    ``parent_argv`` is the parent process's command line; it defaults to
    ``/proc/<ppid>/cmdline`` where that exists and is only used to tell a
    gunicorn worker (parent: gunicorn) from the gunicorn master.
    """
    args = list(sys.argv if argv is None else argv)
    env = os.environ if environ is None else environ
    program = _program(args[0] if args else "")
    rest = args[1:]
    if program in ("manage.py", "django-admin", "django"):
        return _django(program, rest, env)
    if program == "flask":
        return _flask(rest, env)
    if program == "celery":
        return _celery(rest)
    if program == "gunicorn":
        parent = _parent_argv() if parent_argv is None else list(parent_argv)
        return _gunicorn(parent)
    if program == "uvicorn":
        return _uvicorn(rest)
    return ProcessRole(True, program, None, f"no rule excludes {program or 'this program'}")


def _django(program: str, rest: list[str], env: Mapping[str, str]) -> ProcessRole:
    command = next((arg for arg in rest if not arg.startswith("-")), None)
    if command is None or command not in DJANGO_SERVING_COMMANDS:
        return ProcessRole(
            False, program, command, f"management command {command or '(none)'} does not serve"
        )
    if command.startswith("runserver") and "--noreload" not in rest:
        if env.get("RUN_MAIN") == "true":
            return ProcessRole(True, program, command, "runserver's serving child (autoreload)")
        return ProcessRole(
            False, program, command, "runserver's autoreloader parent (it only watches files)"
        )
    return ProcessRole(True, program, command, f"{command} serves")


def _flask(rest: list[str], env: Mapping[str, str]) -> ProcessRole:
    command = _first_command(rest, value_options=("-A", "--app", "-e", "--env-file"))
    if command == "tasker":
        sub = _first_command(rest[rest.index("tasker") + 1 :], value_options=())
        serving = sub == "worker"
        return ProcessRole(
            serving,
            "flask",
            "tasker " + (sub or ""),
            "flask tasker " + ("worker serves" if serving else f"{sub or '(none)'} does not serve"),
        )
    if command != "run":
        return ProcessRole(False, "flask", command, f"flask {command or '(none)'} does not serve")
    if _flask_reloads(rest, env):
        if env.get("WERKZEUG_RUN_MAIN") == "true":
            return ProcessRole(True, "flask", "run", "flask run's serving child (reloader)")
        return ProcessRole(
            False, "flask", "run", "flask run's reloader parent (it only watches files)"
        )
    return ProcessRole(True, "flask", "run", "flask run without reloader serves")


def _flask_reloads(rest: list[str], env: Mapping[str, str]) -> bool:
    if "--no-reload" in rest:
        return False
    if "--reload" in rest or "--debug" in rest:
        return True
    if "--no-debug" in rest:
        return False
    reload_env = env.get("FLASK_RUN_RELOAD")
    if reload_env is not None:
        return reload_env.lower() in _TRUE
    return env.get("FLASK_DEBUG", "").lower() in _TRUE


def _celery(rest: list[str]) -> ProcessRole:
    command = next((arg for arg in rest if arg in CELERY_COMMANDS), None)
    if command in CELERY_SERVING_COMMANDS:
        return ProcessRole(True, "celery", command, "celery worker serves")
    return ProcessRole(
        False, "celery", command, f"celery {command or '(no command)'} does not run tasks"
    )


def _gunicorn(parent: list[str] | None) -> ProcessRole:
    if parent is None:
        return ProcessRole(
            True, "gunicorn", None, "cannot tell the gunicorn master from a worker here"
        )
    if _runs_gunicorn(parent):
        return ProcessRole(True, "gunicorn", None, "gunicorn worker (forked by the master)")
    return ProcessRole(False, "gunicorn", None, "gunicorn master (it forks the workers that serve)")


def _uvicorn(rest: list[str]) -> ProcessRole:
    supervised = "--reload" in rest or any(
        arg == "--workers" or arg.startswith("--workers=") for arg in rest
    )
    if supervised and multiprocessing.parent_process() is None:
        return ProcessRole(
            False, "uvicorn", None, "uvicorn's supervisor (its spawned children serve)"
        )
    return ProcessRole(True, "uvicorn", None, "uvicorn serving process")


def _runs_gunicorn(argv: list[str]) -> bool:
    """True for ``gunicorn ...``, ``python .../gunicorn ...`` and ``python -m gunicorn ...``."""
    if not argv:
        return False
    first = _program(argv[0])
    if first == "gunicorn":
        return True
    if not first.startswith("python"):
        return False
    for index, arg in enumerate(argv[1:], start=1):
        if arg == "-m":
            return argv[index + 1 : index + 2] == ["gunicorn"]
        if not arg.startswith("-"):
            return _program(arg) == "gunicorn"
    return False


def _first_command(rest: list[str], *, value_options: tuple[str, ...]) -> str | None:
    skip = False
    for arg in rest:
        if skip:
            skip = False
            continue
        if arg in value_options:
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def _program(arg0: str) -> str:
    path = Path(arg0)
    if path.name == "__main__.py":  # python -m flask / python -m celery
        return path.parent.name
    name = path.name
    for suffix in ("-script.py", ".exe"):
        name = name.removesuffix(suffix)
    return name


def _parent_argv() -> list[str] | None:
    try:
        raw = Path(f"/proc/{os.getppid()}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


__all__ = [
    "CELERY_COMMANDS",
    "CELERY_SERVING_COMMANDS",
    "DJANGO_SERVING_COMMANDS",
    "ProcessRole",
    "process_role",
]
