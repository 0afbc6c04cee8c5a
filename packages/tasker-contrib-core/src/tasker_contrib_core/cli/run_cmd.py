"""``tasker-contrib run``: run a task template end to end on the embedded local engine.

With a terminal it shows a live table of steps (pending, running, retrying,
complete, failed; batch workers counted per template) and then a summary; with
output piped it prints one line per step outcome instead, and ``--json``
prints only the run result. Exit codes: 0 the task completed, 1 it failed or
the template/context/handlers are invalid, 2 usage error.

``--parity`` (a development tool) then replays each executed step on the real
worker and reports differences; see :mod:`tasker_contrib_core.cli.run_parity`.
With it, the exit code is 1 when any step differs for an unexplained reason.

The engine (and with it ``tasker_core``) is imported only when a run starts,
so ``tasker-contrib run --help`` stays fast and quiet.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tasker_contrib_core.cli.settings_option import provided_settings
from tasker_contrib_core.errors import TaskerContribError

if TYPE_CHECKING:
    from tasker_contrib_core.engine import TaskerEvent, TaskRunResult
    from tasker_contrib_core.engine.faults import Fault
    from tasker_contrib_core.templates.model import TaskTemplate

#: Display label and colour for each progress state.
STATUS_STYLES = {
    "pending": "dim",
    "running": "cyan",
    "retrying": "yellow",
    "complete": "green",
    "failed": "bold red",
    "not created": "dim italic",
}


def _split(values: Sequence[str]) -> tuple[str, ...]:
    """``--handlers a --handlers b,c`` -> ``("a", "b", "c")``."""
    parts = (part.strip() for value in values for part in value.split(","))
    return tuple(dict.fromkeys(part for part in parts if part))


def _default_handler_packages() -> tuple[str, ...]:
    """``handler_packages`` from the integration settings (env vars), if they load."""
    try:
        from tasker_contrib_core.config import TaskerSettings

        # A mounting framework's settings (``flask tasker run``) come first.
        return tuple((provided_settings() or TaskerSettings()).handler_packages)
    except Exception:  # any settings problem: run with none rather than fail here
        return ()


def read_context(raw: str) -> dict[str, Any]:
    """Parse ``--context``: inline JSON, ``@path/to/file.json`` or ``@-`` for stdin."""
    if raw.startswith("@"):
        source = raw[1:]
        where = "standard input" if source == "-" else f"context file {source}"
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise TaskerContribError(f"cannot read {where}: {exc.strerror or exc}") from None
    else:
        where, text = "--context", raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaskerContribError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise TaskerContribError(
            f"{where} is nested too deeply to read (the engine accepts at most 128 levels); "
            "flatten the context"
        ) from None
    if not isinstance(data, dict):
        raise TaskerContribError(
            f"{where} must hold a JSON object (the task context), not {type(data).__name__}"
        )
    return data


def _parse_faults(specs: Sequence[str]) -> list[Fault]:
    from tasker_contrib_core.engine.faults import parse_fault

    faults = []
    for spec in specs:
        try:
            faults.append(parse_fault(spec))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--fail") from None
    return faults


class Progress:
    """Step states for the live view, fed by engine events (thread-safe to render)."""

    def __init__(self, template: TaskTemplate) -> None:
        self._lock = threading.Lock()
        self.order = [step.name for step in template.steps]
        self.types = {step.name: step.type.value for step in template.steps}
        self.workers = sorted(
            (name for name, kind in self.types.items() if kind == "batch_worker"),
            key=len,
            reverse=True,
        )
        self.status: dict[str, str] = dict.fromkeys(self.order, "pending")
        self.attempts: dict[str, int] = {}
        self.batch: dict[str, dict[str, str]] = {name: {} for name in self.workers}

    def template_of(self, step: str) -> str:
        if step in self.status:
            return step
        for worker in self.workers:
            if step.startswith(f"{worker}_"):
                return worker
        return step

    def on_event(self, event: TaskerEvent) -> None:
        if event.kind != "lifecycle" or event.step_name is None:
            return
        state = {
            "step.execution.started": "running",
            "step.execution.completed": "complete",
            "step.checkpoint_yield.sent": "running",
        }.get(event.name)
        if event.name == "step.execution.failed":
            state = "retrying" if event.payload.get("will_retry") else "failed"
        if state is None:
            return
        with self._lock:
            step = event.step_name
            template = self.template_of(step)
            if template in self.batch:
                self.batch[template][step] = state
            else:
                self.status[template] = state
                attempt = event.payload.get("attempt")
                if isinstance(attempt, int):
                    self.attempts[template] = attempt

    def finish(self, result: TaskRunResult) -> None:
        with self._lock:
            for name in result.not_created:
                self.status[name] = "not created"

    def _batch_cell(self, template: str) -> Text:
        states = list(self.batch[template].values())
        if not states:
            return Text("no workers yet", style="dim")
        done = states.count("complete")
        failed = states.count("failed")
        running = len(states) - done - failed
        text = Text(f"{done}/{len(states)} complete", style="green" if done == len(states) else "")
        if running:
            text.append(f", {running} running", style="cyan")
        if failed:
            text.append(f", {failed} failed", style="bold red")
        return text

    def render(self) -> RenderableType:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        table.add_column("step")
        table.add_column("type", style="dim")
        table.add_column("status")
        table.add_column("attempt", justify="right")
        with self._lock:
            for name in self.order:
                if name in self.batch:
                    table.add_row(name, "batch_worker", self._batch_cell(name), "")
                    continue
                status = self.status[name]
                attempt = self.attempts.get(name)
                table.add_row(
                    name,
                    self.types[name],
                    Text(status, style=STATUS_STYLES.get(status, "")),
                    str(attempt) if attempt else "",
                )
        return table


def _line_for(event: TaskerEvent) -> str | None:
    """One plain line per step outcome, for output that is not a terminal."""
    payload = event.payload
    if event.name == "step.execution.completed":
        return f"complete  {event.step_name} (attempt {payload.get('attempt')})"
    if event.name == "step.execution.failed":
        error = payload.get("error") or {}
        what = f"{error.get('error_type')}: {error.get('message')}"
        if payload.get("will_retry"):
            return f"retrying  {event.step_name} in {payload.get('retry_in_ms')} ms ({what})"
        return f"failed    {event.step_name} ({what})"
    if event.name == "step.checkpoint_yield.sent":
        return f"yielded   {event.step_name} at cursor {payload.get('cursor')!r}"
    return None


def _clip(text: str, width: int = 52) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _short(value: Any) -> str:
    return _clip(json.dumps(value, default=str, separators=(",", ":")))


def summary_table(result: TaskRunResult) -> Table:
    """The final per-step table."""
    colour = "green" if result.ok else "red"
    table = Table(
        title=f"{result.namespace}/{result.task_name}:{result.version} "
        f"[{colour}]{result.status}[/{colour}]",
        title_justify="left",
    )
    table.add_column("step", no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("status", no_wrap=True, min_width=11)
    table.add_column("attempts", justify="right", no_wrap=True, min_width=8)
    table.add_column("ms", justify="right", no_wrap=True, min_width=6)
    table.add_column("result / error", overflow="ellipsis", no_wrap=True, max_width=56)
    for run in result.steps.values():
        if run.error is not None and run.status != "complete":
            detail = Text(_clip(f"{run.error.error_type}: {run.error.message}"), style="red")
        else:
            detail = Text(_short(run.result) if run.result is not None else "")
        style = {"complete": "green", "error": "bold red"}.get(run.status, "yellow")
        table.add_row(
            run.name,
            Text(run.status, style=style),
            str(run.attempts),
            f"{run.duration_ms:.1f}",
            detail,
        )
    for name in result.not_created:
        table.add_row(name, Text("not created", style="dim italic"), "0", "", "")
    return table


def _print_summary(console: Console, result: TaskRunResult) -> None:
    console.print(summary_table(result))
    timing = f"{result.duration_ms:.1f} ms"
    retried = any(run.attempts > 1 for run in result.steps.values())
    if result.virtual_seconds and retried:
        # Only retries wait on the clock; without one the figure is just the run's own time.
        timing += f", {result.virtual_seconds:g} s of backoff on the clock"
    console.print(f"task {result.task_uuid} {result.status} in {timing}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


@click.command("run")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--context",
    "-c",
    "context_arg",
    default="{}",
    show_default=True,
    metavar="JSON|@FILE",
    help="Task context: inline JSON, @path/to/file.json, or @- for standard input.",
)
@click.option(
    "--handlers",
    "handler_packages",
    multiple=True,
    metavar="PKG",
    help="Package to scan for handlers, as the worker's handler_packages "
    "(repeat or comma-separate; default: TASKER_HANDLER_PACKAGES settings).",
)
@click.option(
    "--env", "environment", metavar="ENV", help="Apply the template's environment overrides."
)
@click.option("--fast", is_flag=True, help="Use a fake clock: retries do not actually wait.")
@click.option("--json", "as_json", is_flag=True, help="Print only the run result as JSON.")
@click.option(
    "--fail",
    "fail_specs",
    multiple=True,
    metavar="STEP:ATTEMPTS:ERROR_TYPE",
    help="Inject a failure, e.g. charge_payment:1,2:retryable_error (repeatable).",
)
@click.option(
    "--workers",
    "max_workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Run up to this many independent steps at once.",
)
@click.option(
    "--no-validate",
    is_flag=True,
    help="Do not check the context against the template's input_schema first.",
)
@click.option(
    "--parity",
    is_flag=True,
    help="Then replay each executed step on the real worker and report differences "
    "(needs DATABASE_URL with tasker-core's schema and the realstack folder).",
)
@click.option(
    "--realstack-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding inject_step.py for --parity (default: $TASKER_REALSTACK_DIR).",
)
def run(
    *,
    template: Path,
    context_arg: str,
    handler_packages: tuple[str, ...],
    environment: str | None,
    fast: bool,
    as_json: bool,
    fail_specs: tuple[str, ...],
    max_workers: int,
    no_validate: bool,
    parity: bool,
    realstack_dir: Path | None,
) -> None:
    """Run TEMPLATE once, in-process, with your real handlers (no database needed)."""
    faults = _parse_faults(fail_specs)
    packages = _split(handler_packages) or _default_handler_packages()
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.insert(0, cwd)  # like `python -m`: local handler packages import
    stdout = Console(soft_wrap=True)
    if not stdout.is_terminal:
        stdout = Console(soft_wrap=True, width=120)  # piped output: room for the summary
    stderr = Console(stderr=True, soft_wrap=True)
    try:
        result = _run(
            template,
            read_context(context_arg),
            packages=packages,
            environment=environment,
            fast=fast,
            faults=faults,
            max_workers=max_workers,
            validate=not no_validate,
            console=None if as_json else stdout,
        )
    except TaskerContribError as exc:
        stderr.print(f"[red]Error:[/red] {exc}", highlight=False)
        raise SystemExit(1) from None
    if as_json:
        try:
            click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        except ValueError:
            stderr.print(
                "[red]Error:[/red] the run result holds NaN or Infinity (a step returned it), "
                "which JSON cannot represent; return null or a finite number instead",
                highlight=False,
            )
            raise SystemExit(1) from None
    else:
        _print_summary(stdout, result)
    if parity:
        from tasker_contrib_core.cli.run_parity import replay_on_worker

        try:
            raise SystemExit(
                replay_on_worker(template, result, packages=packages, realstack_dir=realstack_dir)
            )
        except TaskerContribError as exc:
            stderr.print(f"[red]Error:[/red] {exc}", highlight=False)
            raise SystemExit(1) from None
    raise SystemExit(0 if result.ok else 1)


def _run(
    template_path: Path,
    context: dict[str, Any],
    *,
    packages: tuple[str, ...],
    environment: str | None,
    fast: bool,
    faults: list[Fault],
    max_workers: int,
    validate: bool,
    console: Console | None,
) -> TaskRunResult:
    from tasker_contrib_core.engine import FakeClock, LocalEngine, RealClock

    engine = LocalEngine(
        handler_packages=packages,
        clock=FakeClock() if fast else RealClock(),
        faults=faults,
        max_workers=max_workers,
        environment=environment,
        validate_context=validate,
    )
    template = engine.load(template_path)
    engine.compile(template)  # resolve handlers before anything is shown
    if console is None:
        # JSON mode: stdout carries the JSON document only; what handlers print goes
        # to stderr so `run --json | jq` keeps working.
        with contextlib.redirect_stdout(sys.stderr):
            return engine.run(template, context)
    if not console.is_terminal:
        printing = LinePrinter(console)
        engine.listeners = (printing,)
        return engine.run(template, context)
    progress = Progress(template)
    engine.listeners = (progress.on_event,)
    with Live(get_renderable=progress.render, console=console, refresh_per_second=10) as live:
        result = engine.run(template, context)
        progress.finish(result)
        live.refresh()
    return result


class LinePrinter:
    """Listener printing one line per step outcome (non-terminal output)."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, event: TaskerEvent) -> None:
        line = _line_for(event)
        if line is not None:
            self.console.print(line, highlight=False)


__all__ = ["Progress", "read_context", "run", "summary_table"]
