"""``run_task``: a whole workflow in one call, on the local engine, ready to assert on.

A workflow test wants the real template, the real handlers and the real
orchestration rules (dependencies, decisions, batches, retries) without a
database, and it wants them fast and repeatable: the run uses a fake clock
unless told otherwise, so retries with minutes of backoff finish instantly,
and ``fail=`` makes chosen attempts fail without touching a handler.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.engine.clock import Clock, FakeClock
from tasker_contrib_core.engine.runner import LocalEngine
from tasker_contrib_core.errors import EngineRunError
from tasker_contrib_core.testing.faults import FailArg, fault_plan_for
from tasker_contrib_core.testing.render import describe_run
from tasker_contrib_core.testing.watchdog import Progress, run_with_deadline

if TYPE_CHECKING:
    from tasker_contrib_core.engine.listeners import Listener
    from tasker_contrib_core.engine.result import StepRun, TaskRunResult
    from tasker_contrib_core.events.event import TaskerEvent
    from tasker_contrib_core.templates.model import TaskTemplate


class TaskRun:
    """The outcome of :func:`run_task`: the engine's result plus test conveniences.

    ``raw`` is the engine's :class:`~tasker_contrib_core.engine.result.TaskRunResult`
    (``to_dict()`` for JSON); ``clock`` is the clock the run used, so a test can
    check the backoff it slept (``run.clock.sleeps`` on a fake clock).
    """

    def __init__(self, raw: TaskRunResult, clock: Clock) -> None:
        self.raw = raw
        self.clock = clock

    @property
    def status(self) -> str:
        """``complete`` or ``error`` (the engine's task states)."""
        return self.raw.status

    @property
    def ok(self) -> bool:
        """Whether the task completed."""
        return self.raw.ok

    @property
    def task_uuid(self) -> str:
        return self.raw.task_uuid

    @property
    def steps(self) -> dict[str, StepRun]:
        """Every created step (batch workers included) by name, in creation order."""
        return self.raw.steps

    @property
    def failed_steps(self) -> list[str]:
        """Names of the steps that ended in ``error``."""
        return self.raw.failed_steps

    @property
    def not_created(self) -> list[str]:
        """Template steps the run never created (unselected branches, ...)."""
        return self.raw.not_created

    @property
    def warnings(self) -> list[str]:
        """Where the template or a handler would behave differently on the real engine."""
        return self.raw.warnings

    @property
    def events(self) -> list[TaskerEvent]:
        """Every event of the run (lifecycle and domain), in emission order."""
        return self.raw.events

    @property
    def virtual_seconds(self) -> float:
        """Time the run spent on its clock (backoff waits, with a fake clock)."""
        return self.raw.virtual_seconds

    def step(self, name: str) -> StepRun:
        """The run of step ``name``; the error names the steps that did run."""
        return self.raw.step(name)

    def attempts(self, name: str) -> int:
        """How many attempts step ``name`` used."""
        return self.raw.attempts(name)

    def result(self, name: str) -> dict[str, Any] | None:
        """The result step ``name`` completed with (``None`` if it did not complete)."""
        return self.raw.result(name)

    def event_names(
        self, pattern: str | None = None, *, step: str | None = None, kind: str | None = None
    ) -> list[str]:
        """Event names in order, filtered by fnmatch ``pattern``, step name and kind."""
        return [
            event.name
            for event in self.raw.events
            if (pattern is None or fnmatchcase(event.name, pattern))
            and (step is None or fnmatchcase(event.step_name or "", step))
            and (kind is None or event.kind == kind)
        ]

    def summary(self) -> str:
        """One line per step: status, attempts and error; then warnings."""
        return describe_run(self.raw)

    def to_dict(self) -> dict[str, Any]:
        """The whole run as JSON-ready data."""
        return self.raw.to_dict()

    def __repr__(self) -> str:
        return (
            f"TaskRun({self.raw.namespace}/{self.raw.task_name}: {self.status}, "
            f"{len(self.steps)} steps)"
        )


def load_context(context: Mapping[str, Any] | str | PathLike[str] | None) -> dict[str, Any]:
    """The task context: a mapping as is, a path read as a JSON object."""
    if context is None:
        return {}
    if isinstance(context, Mapping):
        return dict(context)
    path = Path(context)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineRunError(f"task context file {path} could not be read as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EngineRunError(
            f"task context file {path} holds {type(data).__name__}; a task context is a JSON object"
        )
    return data


def run_task(
    template_or_path: TaskTemplate | str | PathLike[str],
    context: Mapping[str, Any] | str | PathLike[str] | None = None,
    *,
    handlers: Mapping[str, Any] | None = None,
    fail: FailArg = None,
    clock: Clock | None = None,
    handler_packages: Sequence[str] = (),
    fail_fast: bool = False,
    timeout: float | None = None,
    environment: str | None = None,
    listeners: Iterable[Listener] = (),
    max_workers: int = 1,
    validate_context: bool = False,
    step_timeout_default: float | None = None,
) -> TaskRun:
    """Run a task template once on the local engine and return a :class:`TaskRun`.

    * ``context``: the task input, a mapping or a JSON file path.
    * ``handlers``: ``{step name or callable: handler class | decorated
      function | instance}`` used instead of what the template names.
    * ``fail``: make attempts fail, e.g. ``{"charge_payment": [1, 2]}`` (see
      :mod:`tasker_contrib_core.testing.faults` for every spelling).
    * ``clock``: a :class:`FakeClock` by default, so backoff costs nothing.
    * ``handler_packages``: packages scanned for handler names, like the
      worker's ``handler_packages``.
    * ``fail_fast``: a handler exception propagates with its traceback instead
      of becoming a (retried) failure.
    * ``timeout``: seconds before :class:`TaskRunTimeoutError` (``None``: no
      limit; the pytest fixture sets one). With a limit the run executes on a
      helper thread.
    * ``environment``: apply the template's ``environments:`` overrides.
    * ``listeners``: callables receiving every event (an :class:`EventRecorder`).
    """
    __tracebackhide__ = True
    run_clock: Clock = clock if clock is not None else FakeClock()
    task_context = load_context(context)
    progress = Progress()
    engine = LocalEngine(
        handler_packages=handler_packages,
        handlers=handlers,
        clock=run_clock,
        faults=fault_plan_for(fail),
        max_workers=max_workers,
        listeners=(progress, *listeners),
        step_timeout_default=step_timeout_default,
        fail_fast=fail_fast,
        environment=environment,
        validate_context=validate_context,
    )
    template = engine.load(template_or_path)
    raw = run_with_deadline(
        lambda: engine.run(template, task_context),
        timeout=timeout,
        task=f"'{template.namespace_name}/{template.name}'",
        progress=progress,
    )
    return TaskRun(raw, run_clock)


__all__ = ["TaskRun", "load_context", "run_task"]
