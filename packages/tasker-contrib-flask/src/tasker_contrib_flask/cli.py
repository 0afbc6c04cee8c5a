"""``flask tasker ...``: core's commands, run against the app's own settings.

``flask tasker install|generate|validate|graph|run|config|worker|doctor`` are
the very click commands of ``tasker-contrib``, mounted in Flask's CLI (an
``AppGroup``). Before any of them runs, the group loads the app (as every
``flask`` command does), pushes its app context and hands the commands:

* the app's ``TaskerSettings`` (``app.config["TASKER"]`` / ``TASKER_*``) in
  ``ctx.obj``, so ``config show``, ``validate``, ``run`` and ``worker`` use
  what the app uses (flags such as ``--env`` still win);
* for ``worker``, the app's host: the runtime runs with the app's signals
  sink, so blinker receivers see its events there too;
* for ``install`` / ``generate``, a layout that puts handlers and
  subscribers in the app's package (``myapp.handlers``) unless the
  project pins one in ``pyproject.toml``.

Subcommands are imported when invoked, so ``flask --help`` stays cheap.
``flask tasker worker`` is the one place where this package handles
SIGTERM/SIGINT: the process exists only to run the worker.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from tasker_contrib_core.cli import COMMANDS, LAYOUT_KEY, WORKER_HOST_KEY, command
from tasker_contrib_core.integration import TaskerHost

from tasker_contrib_flask.extension import EXTENSION_KEY, host_of


class TaskerCommands(AppGroup):
    """An ``AppGroup`` whose commands are core's, loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return command(cmd_name)
        return super().get_command(ctx, cmd_name)


@with_appcontext
def _prepare() -> None:
    """Hand the app's settings, host and layout to the subcommand."""
    ctx = click.get_current_context()
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    host = host_of(app)
    ctx.obj = host.settings
    ctx.meta[WORKER_HOST_KEY] = lambda settings: worker_host(app, settings)
    layout = app_layout(app, Path.cwd())
    if layout is not None:
        ctx.meta.setdefault(LAYOUT_KEY, layout)


tasker_cli = TaskerCommands(
    "tasker",
    callback=_prepare,
    help="Tasker workflows of this app: config, templates, local runs, the worker.",
)


def worker_host(app: Any, settings: Any) -> TaskerHost:
    """The host ``flask tasker worker`` runs: the app's, with the command's settings.

    Flags (``--handlers``, ``--runtime``, ``--env``) may change the settings;
    then a new host with the app's sinks replaces the idle one in
    ``app.extensions`` (nothing started in this process yet), so code in the
    worker finds the running runtime there.
    """
    host = host_of(app)
    if host.settings == settings:
        return host
    replacement = TaskerHost(
        settings,
        framework="flask",
        sinks=host.sinks,
        log_events=host.log_events,
        health_timeout=host.health_timeout,
    )
    app.extensions[EXTENSION_KEY] = replacement
    return replacement


def app_layout(app: Any, target: Path) -> Any:
    """Generated files in the app's package, or None (core's defaults or pyproject's).

    ``myapp/__init__.py`` with ``create_app`` -> handlers in ``myapp.handlers``,
    subscribers in ``myapp.subscribers``. A single-module app (``app.py``) has
    no package to put them in: core's layout applies.
    """
    if _pins_layout(target / "pyproject.toml"):
        return None
    top = app.import_name.partition(".")[0]
    module = sys.modules.get(top)
    package_dir = getattr(module, "__path__", None)
    if not package_dir:
        return None
    try:
        source_root = Path(next(iter(package_dir))).resolve().parent.relative_to(target.resolve())
    except ValueError:  # the package lives outside the project directory
        return None
    from tasker_contrib_core.scaffold import ScaffoldLayout

    return ScaffoldLayout(
        handlers_package=f"{top}.handlers", source_root=source_root.as_posix() or "."
    )


def _pins_layout(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("tool", {}).get("tasker-contrib", {}).get("scaffold"))


__all__ = ["TaskerCommands", "app_layout", "tasker_cli", "worker_host"]
