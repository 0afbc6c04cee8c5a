"""The run loop: one task run, from creating its first steps to its final state.

It plays the orchestrator (creating steps, deciding readiness, retrying,
finalising the task) and the worker (building contexts, calling handlers) for
one task. The loop is single-threaded: it owns all run state, emits every
event and calls every listener. Handlers run inline by default
(deterministic order: ready steps by template position) or on a bounded
thread pool with ``max_workers > 1``. Retries never sleep inside a handler
thread; they sit on a timer heap on the engine's clock, so a
:class:`~.clock.FakeClock` makes them instant and exactly assertable.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from time import perf_counter
from typing import Any

from tasker_contrib_core._internal.tasker_core_import import load_tasker_core
from tasker_contrib_core.engine.backoff import backoff_delay_ms
from tasker_contrib_core.engine.clock import Clock, FakeClock
from tasker_contrib_core.engine.context import LOCAL_WORKER_ID, stored_metadata, task_block
from tasker_contrib_core.engine.event_log import EventLog, PendingEvent, build_event
from tasker_contrib_core.engine.execution import (
    CHECKPOINT_YIELD,
    SUCCESS,
    AttemptOutcome,
    failure,
    run_attempt,
)
from tasker_contrib_core.engine.faults import FaultPlan
from tasker_contrib_core.engine.instances import InstanceGraph, StepInstance
from tasker_contrib_core.engine.listeners import Listener, ListenerSet
from tasker_contrib_core.engine.outcomes import parse_batch_outcome, parse_decision_outcome
from tasker_contrib_core.engine.plan import Plan
from tasker_contrib_core.engine.publications import (
    EVENT_VERSION,
    PayloadValidators,
    condition_matches,
    event_payload,
)
from tasker_contrib_core.engine.result import (
    AttemptRecord,
    StepError,
    StepRun,
    TaskRunResult,
)
from tasker_contrib_core.errors import EngineRunError, HandlerFailedError
from tasker_contrib_core.events.event import (
    STEP_CHECKPOINT_YIELD,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_STARTED,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_STARTED,
    EventKind,
)
from tasker_contrib_core.states import StepState, TaskState
from tasker_contrib_core.templates.model import StepType

#: A step that checkpoint-yields more often than this is failed (the engine has no limit;
#: locally an endless yield loop would otherwise hang the run).
MAX_CHECKPOINT_YIELDS = 100_000

_EMPTY: Mapping[str, Any] = {}


class RunLoop:
    """State and loop of one task run (used once, by :class:`~.runner.LocalEngine`)."""

    def __init__(
        self,
        plan: Plan,
        context: Mapping[str, Any],
        *,
        task_uuid: str,
        correlation_id: str,
        clock: Clock,
        faults: FaultPlan,
        fail_fast: bool,
        max_workers: int,
        listeners: Iterable[Listener],
    ) -> None:
        template = plan.template
        self.plan = plan
        self.clock = clock
        self.faults = faults
        self._has_faults = bool(faults)
        self.fail_fast = fail_fast
        self.max_workers = max_workers
        self.listeners = ListenerSet(listeners)
        self._has_listeners = bool(self.listeners)
        self.task_uuid = task_uuid
        self.correlation_id = correlation_id
        self.namespace = template.namespace_name
        self.started = self.clock.now()
        self.task_block = task_block(
            task_uuid=task_uuid,
            correlation_id=correlation_id,
            context=context,
            task_name=template.name,
            namespace=template.namespace_name,
            task_version=template.version,
            requested_at=self.started.isoformat(),
        )
        self.result = TaskRunResult(
            task_uuid=task_uuid,
            correlation_id=correlation_id,
            task_name=template.name,
            namespace=template.namespace_name,
            version=template.version,
            context=context,
            warnings=list(plan.warnings),
        )
        #: Without listeners events are recorded lazily (see :mod:`.event_log`).
        self._log: EventLog | None = None
        if not self._has_listeners:
            self._log = EventLog(task_uuid, template.namespace_name, self.result.recorded_events)
            self.result.event_log = self._log
        self.timers: list[tuple[float, int, StepInstance]] = []
        self.blocked = False
        self.validators = PayloadValidators()
        self._warned: set[str] = set()
        self._iso_moment: datetime | None = None
        self._iso_text = ""
        self.graph = InstanceGraph(plan, self._new_step_run, self._warn)
        core = load_tasker_core()
        self._class_handler_errors = (core.PermanentError, core.RetryableError)

    # -- bookkeeping -------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.result.warnings.append(message)

    def _new_step_run(self, instance: StepInstance) -> StepRun:
        planned = instance.planned
        run = StepRun(
            instance.name,
            planned.definition.name,
            planned.type_value,
            instance.step_uuid,
            planned.callable_name,
            [dep.name for dep in instance.deps],
            inputs=instance.inputs,
        )
        run.event_log = self._log
        self.result.steps[instance.name] = run
        return run

    def _emit(
        self,
        name: str,
        kind: EventKind,
        instance: StepInstance | None,
        payload: Mapping[str, Any],
        *,
        timestamp: datetime,
        metadata: Mapping[str, Any] = _EMPTY,
        error: StepError | None = None,
    ) -> None:
        if instance is None:
            step_uuid = step_name = None
            run = None
        else:
            step_uuid, step_name, run = instance.step_uuid, instance.name, instance.run
        entry: PendingEvent = (
            name, kind, timestamp, step_uuid, step_name, payload, metadata, error, run
        )  # fmt: skip
        log = self._log
        if log is not None:
            # Nobody listens: record now, build the event when someone reads it.
            log.pending.append(entry)
            return
        event = build_event(self.task_uuid, self.namespace, entry)
        if run is not None:
            run.recorded_events.append(event)
        self.result.recorded_events.append(event)
        self.listeners.emit(event)

    @staticmethod
    def _first_error(result: TaskRunResult) -> StepError | None:
        """The error of the first step that failed for good (what blocked the task)."""
        for run in result.steps.values():
            if run.error is not None and run.status == StepState.ERROR:
                return run.error
        return None

    def _iso(self, moment: datetime) -> str:
        """ISO text of ``moment``, cached: a fake clock repeats the same instant a lot."""
        if moment is not self._iso_moment:
            self._iso_moment = moment
            self._iso_text = moment.isoformat()
        return self._iso_text

    # -- one attempt -------------------------------------------------------

    def _begin(self, instance: StepInstance) -> tuple[int, dict[str, Any], datetime]:
        """Claim the step for an attempt and build its task sequence step."""
        continuation = instance.continuation
        if not continuation:
            instance.attempts += 1
        attempt = instance.attempts
        now = self.clock.now()
        run = instance.run
        assert run is not None
        if not instance.dispatched:
            instance.dispatched = True
            run.started_at = now
            if len(run.dependencies) != len(instance.deps):  # late edges were added
                run.dependencies = [dep.name for dep in instance.deps]
        instance.state = run.status = StepState.IN_PROGRESS
        run.attempts = attempt
        planned = instance.planned
        # The worker reads the step row before its claim bumps ``attempts``, so a
        # handler sees the number of *previous* attempts. Keys as in WorkflowStepWithName.
        tss = {
            "task": self.task_block,
            "workflow_step": {
                "workflow_step_uuid": instance.step_uuid,
                "task_uuid": self.task_uuid,
                "name": instance.name,
                "template_step_name": planned.definition.name,
                "retryable": planned.retryable,
                "max_attempts": planned.max_attempts,
                "attempts": attempt - 1,
                "in_process": True,
                "processed": False,
                "inputs": instance.inputs,
                "results": None,
                "checkpoint": instance.checkpoint if continuation else instance.checkpoint_record,
            },
            "dependency_results": instance.dependency_results(),
            "step_definition": planned.block,
        }
        self._emit(
            STEP_STARTED,
            "lifecycle",
            instance,
            {"attempt": attempt, "continuation": True} if continuation else {"attempt": attempt},
            timestamp=now,
        )
        return attempt, tss, now

    def _attempt(self, instance: StepInstance, attempt: int, tss: dict[str, Any]) -> AttemptOutcome:
        """Run the attempt (on the loop thread or a pool thread)."""
        planned = instance.planned
        if self._has_faults:
            fault = self.faults.find(instance.name, planned.definition.name, attempt)
            if fault is not None:
                return failure(
                    fault.error_type,
                    fault.failure_message,
                    retryable=fault.is_retryable,
                    error_code=fault.error_code,
                    metadata={"injected_fault": True},
                    injected=True,
                )
        return run_attempt(
            planned.handler,
            tss,
            task_uuid=self.task_uuid,
            step_uuid=instance.step_uuid,
            correlation_id=self.correlation_id,
            timeout=planned.timeout,
            fail_fast=self.fail_fast,
            step_name=instance.name,
            results_are_engine_built=True,
        )

    def _finish(
        self,
        instance: StepInstance,
        attempt: int,
        tss: dict[str, Any],
        outcome: AttemptOutcome,
        started_at: datetime,
    ) -> None:
        run = instance.run
        assert run is not None
        run.duration_ms += outcome.duration_ms
        if outcome.kind == CHECKPOINT_YIELD:
            self._checkpoint(instance, attempt, outcome, started_at)
            return
        instance.continuation = False
        if outcome.kind == SUCCESS:
            self._succeeded(instance, attempt, tss, outcome, started_at)
        else:
            self._failed(instance, attempt, tss, outcome, started_at)

    def _succeeded(
        self,
        instance: StepInstance,
        attempt: int,
        tss: dict[str, Any],
        outcome: AttemptOutcome,
        started_at: datetime,
    ) -> None:
        now = self.clock.now()
        run = instance.run
        assert run is not None
        result = outcome.result if outcome.result is not None else {}
        run.history.append(AttemptRecord(attempt, SUCCESS, started_at, outcome.duration_ms))
        run.result = result
        run.error = None
        run.status = StepState.COMPLETE
        run.finished_at = now
        # The stored result, as the orchestrator hands it to dependents (StepExecutionResult).
        instance.entry = {
            "step_uuid": instance.step_uuid,
            "success": True,
            "result": result,
            "metadata": stored_metadata(outcome.metadata, completed_at=self._iso(now)),
            "status": "completed",
            "error": None,
            "orchestration_metadata": None,
        }
        self._emit(
            STEP_COMPLETED,
            "lifecycle",
            instance,
            {"attempt": attempt, "duration_ms": outcome.duration_ms, "result": result},
            timestamp=now,
        )
        planned = instance.planned
        if planned.has_events:
            self._publish(instance, attempt, tss, outcome, now, succeeded=True, will_retry=False)
        self.graph.completed(instance)
        step_type = planned.definition.type
        if step_type is StepType.DECISION:
            decision = parse_decision_outcome(result)
            if isinstance(decision, str):
                self._warn(f"decision step '{instance.name}': {decision}; nothing was created")
            else:
                self.graph.apply_decision(instance, decision)
        elif step_type is StepType.BATCHABLE:
            batch = parse_batch_outcome(result)
            if isinstance(batch, str):
                self._warn(f"batchable step '{instance.name}': {batch}; no workers were created")
            else:
                self.graph.apply_batch(instance, batch)

    def _failed(
        self,
        instance: StepInstance,
        attempt: int,
        tss: dict[str, Any],
        outcome: AttemptOutcome,
        started_at: datetime,
    ) -> None:
        now = self.clock.now()
        run = instance.run
        error = outcome.error
        assert run is not None
        assert error is not None
        policy = instance.planned.definition.retry
        will_retry = (
            error.retryable and policy.retryable and instance.attempts < policy.max_attempts
        )
        delay_ms = (
            backoff_delay_ms(
                policy.backoff, instance.attempts, policy.backoff_base_ms, policy.max_backoff_ms
            )
            if will_retry
            else None
        )
        run.history.append(
            AttemptRecord(
                attempt,
                "injected_fault" if outcome.injected else "failure",
                started_at,
                outcome.duration_ms,
                error,
            )
        )
        run.error = error
        if will_retry:
            instance.state = run.status = StepState.WAITING_FOR_RETRY
            due = self.clock.monotonic() + (delay_ms or 0) / 1000.0
            heapq.heappush(self.timers, (due, instance.seq, instance))
        else:
            instance.state = run.status = StepState.ERROR
            run.finished_at = now
            self.blocked = True
        self._emit(
            STEP_FAILED,
            "lifecycle",
            instance,
            {
                "attempt": attempt,
                "duration_ms": outcome.duration_ms,
                "error": error.to_dict(),
                "will_retry": will_retry,
                "retry_in_ms": delay_ms,
            },
            timestamp=now,
            error=error,
        )
        if instance.planned.has_events:
            self._publish(
                instance, attempt, tss, outcome, now, succeeded=False, will_retry=will_retry
            )
        if outcome.raised is not None and issubclass(outcome.raised, self._class_handler_errors):
            self._warn(
                f"step '{instance.name}': its handler raised {outcome.raised.__name__} out of "
                "call(); the tasker-py 0.1.8 worker turns any exception escaping a class-based "
                f"handler into a retryable failure (error_type '{outcome.raised.__name__}'). "
                "To fail without retries return self.failure(..., retryable=False) or use the "
                "decorator API, which classifies PermanentError itself"
            )
        if self.fail_fast and not outcome.injected and "traceback" in error.metadata:
            raise HandlerFailedError(
                instance.name, error.error_type, error.message, str(error.metadata["traceback"])
            )

    def _checkpoint(
        self, instance: StepInstance, attempt: int, outcome: AttemptOutcome, started_at: datetime
    ) -> None:
        now = self.clock.now()
        run = instance.run
        assert run is not None
        data = outcome.result or {}
        yielded = {
            "step_uuid": instance.step_uuid,
            "cursor": data.get("cursor"),
            "items_processed": data.get("items_processed", 0),
            "accumulated_results": data.get("accumulated_results"),
        }
        previous = instance.checkpoint_record
        history = list(previous["history"]) if previous else []
        history.append({"cursor": yielded["cursor"], "timestamp": now.isoformat()})
        instance.checkpoint = yielded
        instance.checkpoint_record = {
            "cursor": yielded["cursor"],
            "items_processed": yielded["items_processed"],
            "timestamp": now.isoformat(),
            "accumulated_results": yielded["accumulated_results"],
            "history": history,
        }
        instance.continuation = True
        run.checkpoint_yields += 1
        run.history.append(
            AttemptRecord(attempt, CHECKPOINT_YIELD, started_at, outcome.duration_ms)
        )
        self._emit(
            STEP_CHECKPOINT_YIELD,
            "lifecycle",
            instance,
            {
                "attempt": attempt,
                "cursor": yielded["cursor"],
                "items_processed": yielded["items_processed"],
            },
            timestamp=now,
        )
        if run.checkpoint_yields > MAX_CHECKPOINT_YIELDS:
            instance.continuation = False
            self._failed(
                instance,
                attempt,
                {},
                failure(
                    "checkpoint_limit_exceeded",
                    f"step '{instance.name}' yielded more than {MAX_CHECKPOINT_YIELDS} "
                    "checkpoints; the local engine stops it to avoid an endless loop",
                    retryable=False,
                ),
                started_at,
            )
            return
        self.graph.push_ready(instance)

    def _publish(
        self,
        instance: StepInstance,
        attempt: int,
        tss: dict[str, Any],
        outcome: AttemptOutcome,
        now: datetime,
        *,
        succeeded: bool,
        will_retry: bool,
    ) -> None:
        business = outcome.result if succeeded else None
        execution_result = {
            "step_uuid": instance.step_uuid,
            "success": succeeded,
            "status": "completed" if succeeded else "error",
            "result": business,
            "error": outcome.error.to_dict() if outcome.error else None,
            "execution_time_ms": int(outcome.duration_ms),
        }
        for declaration in instance.planned.definition.publishes_events:
            if not condition_matches(declaration.condition, succeeded, will_retry):
                continue
            problem = self.validators.problem(declaration, business)
            if problem is not None:
                why = (
                    "a failed attempt has no result, so the payload is null"
                    if business is None
                    else "the step's result is the payload"
                )
                self._warn(
                    f"step '{instance.name}': event '{declaration.name}' was not published "
                    f"because its payload does not match the declared schema ({problem}; "
                    f"{why}); the worker skips such events too"
                )
                continue
            self._emit(
                declaration.name,
                "domain",
                instance,
                event_payload(tss, execution_result, business),
                timestamp=now,
                metadata={
                    "event_version": EVENT_VERSION,
                    "delivery_mode": declaration.delivery_mode.value,
                    "condition": declaration.condition.value,
                    "correlation_id": self.correlation_id,
                    "attempt": attempt,
                    "fired_by": LOCAL_WORKER_ID,
                    "source": "local_engine",
                },
            )

    # -- scheduling ----------------------------------------------------------

    def _release_due_timers(self) -> None:
        now = self.clock.monotonic() + 1e-9
        timers = self.timers
        while timers and timers[0][0] <= now:
            instance = heapq.heappop(timers)[2]
            self.graph.push_ready(instance)

    def _wait_for_next_timer(self) -> None:
        delay = self.timers[0][0] - self.clock.monotonic()
        if delay > 0:
            self.clock.sleep(delay)

    def _step_inline(self, instance: StepInstance) -> None:
        # A method of its own so the attempt's locals die before the next step is
        # prepared: a dependent can then take over this step's maps instead of copying.
        attempt, tss, started_at = self._begin(instance)
        outcome = self._attempt(instance, attempt, tss)
        self._finish(instance, attempt, tss, outcome, started_at)

    def _loop_inline(self) -> None:
        graph = self.graph
        while not self.blocked:
            if self.timers:
                self._release_due_timers()
            instance = graph.pop_ready()
            if instance is not None:
                self._step_inline(instance)
            elif self.timers:
                self._wait_for_next_timer()
            else:
                return

    def _loop_pool(self) -> None:
        graph = self.graph
        in_flight: dict[Future[AttemptOutcome], tuple[StepInstance, int, dict[str, Any], datetime]]
        in_flight = {}
        real_time = not isinstance(self.clock, FakeClock)
        pool = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="tasker-local")
        try:
            while True:
                if not self.blocked:
                    if self.timers:
                        self._release_due_timers()
                    while len(in_flight) < self.max_workers:
                        instance = graph.pop_ready()
                        if instance is None:
                            break
                        attempt, tss, started_at = self._begin(instance)
                        future = pool.submit(self._attempt, instance, attempt, tss)
                        in_flight[future] = (instance, attempt, tss, started_at)
                if in_flight:
                    timeout = None
                    if real_time and self.timers and not self.blocked:
                        timeout = max(0.0, self.timers[0][0] - self.clock.monotonic())
                    done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: in_flight[f][0].seq):
                        instance, attempt, tss, started_at = in_flight.pop(future)
                        self._finish(instance, attempt, tss, future.result(), started_at)
                elif self.timers and not self.blocked:
                    self._wait_for_next_timer()
                elif not graph.has_ready() or self.blocked:
                    return
        finally:
            pool.shutdown(wait=not in_flight, cancel_futures=True)

    # -- the run -------------------------------------------------------------

    def execute(self) -> TaskRunResult:
        started = perf_counter()
        virtual_start = self.clock.monotonic()
        result = self.result
        result.started_at = self.started
        self.graph.create_initial()
        self._emit(
            TASK_STARTED,
            "lifecycle",
            None,
            {
                "task_name": result.task_name,
                "version": result.version,
                "steps": len(self.graph.instances),
            },
            timestamp=self.started,
        )
        try:
            if self.max_workers > 1:
                self._loop_pool()
            else:
                self._loop_inline()
            if not self.blocked:
                stuck = [
                    n for n, i in self.graph.instances.items() if i.state != StepState.COMPLETE
                ]
                if stuck:  # pragma: no cover - would be an engine bug
                    raise EngineRunError(f"internal error: steps {stuck} never became ready")
            result.not_created = self.graph.not_created()
        finally:
            # Break the instance graph's cycles even when fail_fast propagates an error.
            self.graph.dispose()
            self.timers.clear()
        result.status = TaskState.ERROR if self.blocked else TaskState.COMPLETE
        result.finished_at = self.clock.now()
        result.duration_ms = (perf_counter() - started) * 1000.0
        result.virtual_seconds = self.clock.monotonic() - virtual_start
        self._emit(
            TASK_FAILED if self.blocked else TASK_COMPLETED,
            "lifecycle",
            None,
            {
                "status": result.status,
                "failed_steps": result.failed_steps,
                "duration_ms": result.duration_ms,
            },
            timestamp=result.finished_at,
            error=self._first_error(result) if self.blocked else None,
        )
        for problem in self.listeners.problems:
            self._warn(problem)
        return result


__all__ = ["MAX_CHECKPOINT_YIELDS", "RunLoop"]
