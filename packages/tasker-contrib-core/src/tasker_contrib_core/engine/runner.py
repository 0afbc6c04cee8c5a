"""The embedded local engine: run task templates in-process with real handlers.

:class:`LocalEngine` holds the run options, loads and compiles templates
(checking the DAG and resolving every handler once per template) and checks
the task context; each run is then carried out by a
:class:`~tasker_contrib_core.engine.loop.RunLoop`. Semantics follow
tasker-core 0.1.8; the differences are listed in ``docs/local-engine.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

from tasker_contrib_core.engine.clock import Clock, RealClock
from tasker_contrib_core.engine.faults import Fault, FaultPlan
from tasker_contrib_core.engine.ids import new_uuid
from tasker_contrib_core.engine.json_limits import json_problem
from tasker_contrib_core.engine.listeners import Listener
from tasker_contrib_core.engine.loop import MAX_CHECKPOINT_YIELDS, RunLoop
from tasker_contrib_core.engine.plan import Plan, compile_plan
from tasker_contrib_core.engine.result import TaskRunResult
from tasker_contrib_core.errors import EngineRunError
from tasker_contrib_core.handlers import HandlerOverride, ResolvedHandler, resolve_handler
from tasker_contrib_core.templates.model import StepDefinition, TaskTemplate

TemplateSource = TaskTemplate | str | PathLike[str]
FaultsArg = Iterable[Fault | str] | FaultPlan | None


class LocalEngine:
    """Runs task templates in-process. Reusable: compiled templates are cached.

    * ``handler_packages``: packages scanned for handlers, as ``Worker.start``
      scans them.
    * ``handlers``: ``{callable or step name: handler class | decorated function
      | instance}`` overrides, consulted before any other resolution (step name
      first, then callable).
    * ``clock``: :class:`RealClock` (default) or :class:`FakeClock` for tests.
    * ``faults``: :class:`Fault` objects or ``"STEP:ATTEMPTS:ERROR_TYPE"`` strings.
    * ``max_workers``: above 1, independent steps run on a thread pool.
    * ``listeners``: callables receiving every :class:`TaskerEvent`.
    * ``step_timeout_default``: seconds, for steps without ``timeout_seconds``.
    * ``fail_fast``: re-raise the first handler exception instead of recording it.
    * ``environment``: apply the template's ``environments`` overrides for it.
    * ``validate_context``: check the task context against ``input_schema``
      first (the orchestrator does not; off by default).
    """

    def __init__(
        self,
        *,
        handler_packages: Sequence[str] = (),
        handlers: Mapping[str, HandlerOverride] | None = None,
        clock: Clock | None = None,
        faults: FaultsArg = None,
        max_workers: int = 1,
        listeners: Iterable[Listener] = (),
        step_timeout_default: float | None = None,
        fail_fast: bool = False,
        environment: str | None = None,
        validate_context: bool = False,
    ) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        if step_timeout_default is not None and step_timeout_default <= 0:
            raise ValueError(f"step_timeout_default must be positive, got {step_timeout_default}")
        self.handler_packages = tuple(handler_packages)
        self.handlers = dict(handlers) if handlers else None
        self.clock: Clock = clock if clock is not None else RealClock()
        self.faults = FaultPlan.of(faults)
        self.max_workers = max_workers
        self.listeners = tuple(listeners)
        self.step_timeout_default = step_timeout_default
        self.fail_fast = fail_fast
        self.environment = environment
        self.validate_context = validate_context
        self._plans: dict[int, tuple[TaskTemplate, Plan]] = {}
        self._loaded: dict[tuple[str, int], TaskTemplate] = {}
        self._resolved: dict[str, ResolvedHandler] = {}

    def load(self, template: TemplateSource) -> TaskTemplate:
        """Return a :class:`TaskTemplate` for a model or a path, with the environment applied.

        A file is parsed again only when it changed, so running the same path
        many times reuses one compiled plan.
        """
        if isinstance(template, TaskTemplate):
            if self.environment is not None and template.environment != self.environment:
                from tasker_contrib_core.templates.overrides import apply_environment

                return apply_environment(template, self.environment)
            return template
        from tasker_contrib_core.templates.loader import load_template

        path = Path(template)
        try:
            key = (str(path.resolve()), path.stat().st_mtime_ns)
        except OSError:
            return load_template(path, environment=self.environment)  # raises a clear error
        loaded = self._loaded.get(key)
        if loaded is None:
            loaded = load_template(path, environment=self.environment)
            _remember(self._loaded, key, loaded)
        return loaded

    def _resolve(self, step: StepDefinition) -> ResolvedHandler:
        callable_name = step.handler.callable
        if self.handlers is not None and step.name in self.handlers:
            return resolve_handler(
                callable_name,
                overrides={callable_name: self.handlers[step.name]},
                step=step.name,
            )
        cached = self._resolved.get(callable_name)
        if cached is None:
            cached = resolve_handler(
                callable_name, self.handler_packages, overrides=self.handlers, step=step.name
            )
            self._resolved[callable_name] = cached
        return cached

    def compile(self, template: TaskTemplate) -> Plan:
        """Check the template and resolve its handlers (cached per template object)."""
        cached = self._plans.get(id(template))
        if cached is not None and cached[0] is template:
            return cached[1]
        plan = compile_plan(template, self._resolve, step_timeout_default=self.step_timeout_default)
        self._plans[id(template)] = (template, plan)
        return plan

    def _check_faults(self, template: TaskTemplate) -> None:
        """Refuse a fault that names no step of ``template`` (a typo would test nothing)."""
        names = template.step_names
        for fault in self.faults.faults:
            if not any(fnmatchcase(name, fault.step) for name in names):
                raise EngineRunError(
                    f"fault for step '{fault.step}' matches no step of {template.identifier}; "
                    f"its steps are: {', '.join(names)}. Use one of these names (or an "
                    "fnmatch pattern such as 'process_*')"
                )

    def _check_context(self, template: TaskTemplate, context: Any) -> dict[str, Any]:
        if not isinstance(context, Mapping):
            raise EngineRunError(
                f"the task context must be a JSON object (a mapping), got {type(context).__name__}"
            )
        problem = json_problem(context)
        if problem is not None:
            raise EngineRunError(f"the task context cannot be sent to the engine: {problem}")
        try:
            normalised = to_jsonable_python(dict(context))
        except Exception as exc:
            raise EngineRunError(
                f"the task context is not JSON-serialisable ({exc}); the orchestrator only "
                "accepts JSON"
            ) from exc
        if self.validate_context and template.input_schema:
            import jsonschema

            validator_class = jsonschema.validators.validator_for(template.input_schema)
            errors = sorted(
                validator_class(template.input_schema).iter_errors(normalised),
                key=lambda error: list(error.path),
            )
            if errors:
                lines = "\n".join(
                    f"  - {'/'.join(str(p) for p in error.path) or '(root)'}: {error.message}"
                    for error in errors[:10]
                )
                where = template.identifier
                if template.source_path is not None:
                    where += f" ({template.source_path})"
                raise EngineRunError(
                    f"the task context does not match the input_schema of {where}:\n{lines}"
                )
        return dict(normalised)

    def run(
        self,
        template: TemplateSource,
        context: Mapping[str, Any] | None = None,
        *,
        task_uuid: str | None = None,
        correlation_id: str | None = None,
    ) -> TaskRunResult:
        """Run ``template`` once with ``context`` as the task input; returns the result."""
        loaded = self.load(template)
        plan = self.compile(loaded)
        self._check_faults(loaded)
        checked = self._check_context(loaded, {} if context is None else context)
        loop = RunLoop(
            plan,
            checked,
            task_uuid=task_uuid or new_uuid(),
            correlation_id=correlation_id or new_uuid(),
            clock=self.clock,
            faults=self.faults,
            fail_fast=self.fail_fast,
            max_workers=self.max_workers,
            listeners=self.listeners,
        )
        return loop.execute()


#: How many templates (and compiled plans) one engine keeps.
CACHE_SIZE = 64


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Insert into a small cache, dropping the oldest entry when it is full."""
    if len(cache) >= CACHE_SIZE:
        del cache[next(iter(cache))]
    cache[key] = value


def run_template(
    template: TemplateSource,
    context: Mapping[str, Any] | None = None,
    *,
    handler_packages: Sequence[str] = (),
    handlers: Mapping[str, HandlerOverride] | None = None,
    clock: Clock | None = None,
    faults: FaultsArg = None,
    max_workers: int = 1,
    listeners: Iterable[Listener] = (),
    step_timeout_default: float | None = None,
    fail_fast: bool = False,
    environment: str | None = None,
    validate_context: bool = False,
) -> TaskRunResult:
    """Run a task template once on a fresh :class:`LocalEngine` (see its parameters)."""
    engine = LocalEngine(
        handler_packages=handler_packages,
        handlers=handlers,
        clock=clock,
        faults=faults,
        max_workers=max_workers,
        listeners=listeners,
        step_timeout_default=step_timeout_default,
        fail_fast=fail_fast,
        environment=environment,
        validate_context=validate_context,
    )
    return engine.run(template, context)


__all__ = ["MAX_CHECKPOINT_YIELDS", "LocalEngine", "TemplateSource", "run_template"]
