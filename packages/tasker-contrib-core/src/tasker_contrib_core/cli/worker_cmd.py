"""``tasker-contrib worker``: a process whose only job is to run the Tasker worker.

The recommended production shape: web processes submit tasks through the
orchestration client, and one or more of these processes execute the steps.
Nothing else runs here, so this command (unlike a web server or a Celery
worker hosting an embedded runtime) owns the process's signals:

* the first SIGTERM or SIGINT stops taking work, lets the step in flight
  finish within ``shutdown_timeout_seconds`` and exits 0 (1 when the bound
  ran out before everything stopped);
* a second signal exits at once, with status 128 + the signal number
  (143 for SIGTERM, 130 for SIGINT), without waiting for anything;
* if the runtime stops on its own (its pollers died), the command exits 1 so
  a supervisor (systemd, Kubernetes, compose) restarts it.

Before the runtime starts, its task templates are validated as a framework
host validates them (``template_validation``): in test and development an
error stops the command with the validator's findings (exit 1); in
production each error is logged and the worker runs the other templates.

Events are logged by default, one line each on stderr (step lifecycle and
fast domain events; failures with their error type, message and retryable
flag), filtered by the same ``event_bridge`` settings as the framework
packages; ``--no-events`` turns the lines off. ``--event-log PATH`` appends
every event the runtime reports (the same events) to PATH as JSON lines, so
another process (a log shipper, a test driving this worker) can see what the
worker's sinks saw.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

import click

from tasker_contrib_core.cli.context_keys import WORKER_HOST_KEY
from tasker_contrib_core.cli.settings_option import (
    fail,
    handlers_option,
    load_settings,
    settings_options,
)
from tasker_contrib_core.errors import TaskerContribError

#: Exit status when the runtime did not stop cleanly within its bound.
EXIT_UNCLEAN_STOP = 1

_HANDLED = (signal.SIGTERM, signal.SIGINT)


class SignalShutdown:
    """First signal: ask for a graceful stop. Second: leave immediately."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.signal_name: str | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for signum in _HANDLED:
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            # Second signal: the operator wants out now. Skip every cleanup,
            # including interpreter shutdown, which could wait on the engine.
            os._exit(128 + signum)
        self.signal_name = signal.Signals(signum).name
        self.requested.set()

    def wait(self, poll: float, still_running: Any) -> bool:
        """Block until a signal arrives (True) or ``still_running()`` turns False."""
        while not self.requested.wait(poll):
            if not still_running():
                return False
        return True


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Configuration warnings as plain lines (not Python's file:line warning format)."""
    for seen in dict.fromkeys(str(item.message) for item in caught):
        click.secho(f"warning: {seen}", fg="yellow", err=True)


def _summary_lines(runtime: Any, settings: Any, started_in: float) -> list[str]:
    status = runtime.status()
    details = status.details
    lines = [
        f"tasker-contrib worker running (pid {status.pid}, started in {started_in:.2f}s)",
        f"  runtime:          {status.kind}",
        f"  environment:      {settings.environment}",
        f"  worker id:        {status.worker_id or '-'}",
        f"  namespaces:       {', '.join(status.namespaces) or '(none)'}",
        f"  handler packages: {', '.join(settings.handler_packages) or '(none)'}",
    ]
    if "config_path" in details:
        lines.append(f"  config file:      {details['config_path']}")
        lines.append(
            f"  templates:        {details.get('template_dir')} "
            f"({details.get('template_count', 0)} file(s))"
        )
    else:
        templates = details.get("templates") or []
        lines.append("  config file:      (none: the local runtime reads no engine config)")
        lines.append(f"  templates:        {', '.join(templates) or '(none)'}")
    lines.append(
        f"  shutdown:         SIGTERM/SIGINT stop within "
        f"{settings.shutdown_timeout_seconds:g}s; a second signal exits at once"
    )
    return lines


def line_logging_to_stderr() -> None:
    """Unless the application configured structlog, write each line in one call to stderr.

    structlog's default logger prints the text and the newline separately to
    stdout, where the engine's Rust side writes too: two writers, and a line can
    end in the middle of another. One ``write`` per line, flushed, on stderr
    (the stream the engine's own logs and ours share) keeps lines whole.
    """
    import structlog

    if structlog.is_configured():
        return
    structlog.configure(logger_factory=structlog.WriteLoggerFactory(file=sys.stderr))


def importable_from_cwd() -> None:
    """Let ``--handlers app.handlers`` import from the project directory, as ``python -m``
    would; a console script does not put the working directory on ``sys.path``."""
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.insert(0, cwd)


@click.command("worker")
@settings_options
@handlers_option
@click.option(
    "--runtime",
    "runtime_kind",
    type=click.Choice(["local", "worker"]),
    default=None,
    help="Force a runtime (default: from settings; `auto` picks worker once a database "
    "URL is configured).",
)
@click.option(
    "--check-interval",
    type=click.FloatRange(min=0.05, max=3600),
    default=5.0,
    show_default=True,
    help="Seconds between health checks; the command exits 1 if the runtime dies.",
)
@click.option(
    "--event-log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="PATH",
    help="Append every event (step lifecycle, fast domain events) to PATH as JSON lines.",
)
@click.option(
    "--events/--no-events",
    "log_events",
    default=True,
    show_default=True,
    help="Log one line per event (step lifecycle, domain events) on stderr.",
)
def worker(  # noqa: PLR0917 (click passes every option positionally)
    environment: str | None,
    config_dir: Path | None,
    handler_packages: tuple[str, ...],
    runtime_kind: str | None,
    check_interval: float,
    event_log: Path | None,
    log_events: bool,
) -> None:
    """Run a dedicated Tasker worker process until SIGTERM or SIGINT."""
    from tasker_contrib_core.integration._template_gate import validate_templates_at_start
    from tasker_contrib_core.runtime import runtime_from_settings

    importable_from_cwd()
    settings = load_settings(environment, config_dir)
    updates: dict[str, Any] = {"worker_enabled": True}
    if handler_packages:
        updates["handler_packages"] = list(dict.fromkeys(handler_packages))
    if runtime_kind:
        updates["runtime"] = runtime_kind
    settings = settings.model_copy(update=updates)

    shutdown = SignalShutdown()
    shutdown.install()
    event_dispatcher: Any = None
    try:
        host = _framework_host(settings)
        runtime = runtime_from_settings(settings) if host is None else host.runtime
        # A framework's host logs events through its own sinks; the plain command logs here.
        event_dispatcher = _event_dispatcher(
            event_log, log_events and host is None, settings, runtime
        )
        started = time.monotonic()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if host is None:
                    # The host validates its templates itself; the bare runtime here.
                    validate_templates_at_start(settings, kind=runtime.kind)
                    runtime.start()
                else:
                    host.start()
            except TaskerContribError as exc:
                _show_warnings(caught)
                fail(str(exc))
        _show_warnings(caught)
        for line in _summary_lines(runtime, settings, time.monotonic() - started):
            click.echo(line)
        stop = runtime.stop if host is None else host.stop
        if not shutdown.wait(max(0.05, check_interval), lambda: runtime.status().running):
            status = runtime.status()
            stop(settings.shutdown_timeout_seconds)
            fail(f"the runtime stopped on its own: {status.last_error or 'no error recorded'}")
        click.echo(
            f"{shutdown.signal_name}: stopping (finishing in-flight work, at most "
            f"{settings.shutdown_timeout_seconds:g}s; send it again to exit at once)"
        )
        stop_started = time.monotonic()
        clean = stop(settings.shutdown_timeout_seconds)
        took = time.monotonic() - stop_started
        if not clean:
            click.secho(
                f"stopped with work still running after {took:.2f}s (shutdown_timeout_seconds)",
                fg="yellow",
                err=True,
            )
            raise SystemExit(EXIT_UNCLEAN_STOP)
        click.echo(f"stopped cleanly in {took:.2f}s")
    finally:
        shutdown.restore()
        if event_dispatcher is not None:
            event_dispatcher.stop()


def _framework_host(settings: Any) -> Any:
    """The host a mounting framework provides, else None.

    ``flask tasker worker`` and ``manage.py tasker_worker`` run the app's own
    host, so the app's sinks (its signals) and step callbacks see the events
    and its code finds the running runtime; the plain command runs a bare
    runtime. The framework puts ``factory(settings) -> TaskerHost`` (for
    example a :class:`~tasker_contrib_core.integration.WorkerHostFactory`) in
    ``ctx.meta[WORKER_HOST_KEY]`` or in a parent context's ``obj``.
    """
    from tasker_contrib_core.integration import WorkerHostFactory

    context = click.get_current_context(silent=True)
    if context is None:
        return None
    factory = context.meta.get(WORKER_HOST_KEY) or context.find_object(WorkerHostFactory)
    return factory(settings) if callable(factory) else None


def _event_dispatcher(path: Path | None, log_events: bool, settings: Any, runtime: Any) -> Any:
    """The event dispatcher of this process, attached to ``runtime`` (``None``: no sink).

    Log lines go through structlog (payloads left out, as the framework
    packages do: a result can be kilobytes), the JSON lines to ``path``.
    """
    from tasker_contrib_core.events import EventDispatcher, JsonLinesSink, StructlogSink

    sinks: list[Any] = []
    if log_events:
        line_logging_to_stderr()
        sinks.append(StructlogSink(include_payload=False))
    if path is not None:
        try:
            sinks.append(JsonLinesSink(path))
        except OSError as exc:
            fail(f"--event-log {path}: cannot open for appending: {exc.strerror or exc}")
    if not sinks:
        return None
    dispatcher = EventDispatcher.from_settings(settings, sinks)
    dispatcher.attach(runtime)
    return dispatcher


__all__ = [
    "EXIT_UNCLEAN_STOP",
    "SignalShutdown",
    "importable_from_cwd",
    "line_logging_to_stderr",
    "worker",
]
