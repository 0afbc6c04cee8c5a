"""Hand one step to a running real worker and wait for its outcome (a development tool).

The realstack folder (``shared/realstack`` in tasker-contrib's repository, or
``$TASKER_REALSTACK_DIR``) holds ``inject_step.py``: it plays orchestration's
part for a single step, writing the rows the worker reads (task, step,
finished predecessors with their results) into a PostgreSQL that has
tasker-core's schema and sending the step's queue message. This module imports
that script and calls it in-process, and adds what a one-step injection lacks
for replaying real runs: finished *dynamic* predecessors (batch-worker
instances such as ``send_notification_batch_001``), linked as the run linked
them.

Nothing here orchestrates: one call advances exactly one step; nothing retries
it or enqueues its successors.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

#: Environment variable naming the realstack folder.
REALSTACK_DIR_ENV = "TASKER_REALSTACK_DIR"


class StepInjectionError(RuntimeError):
    """The realstack script is missing or refused the step (bad deps, no worker...)."""


def _load_inject_module(realstack_dir: Path) -> ModuleType:
    """Import ``inject_step.py`` as a module (its ``inject``/``wait`` do the work)."""
    spec = importlib.util.spec_from_file_location(
        "tasker_realstack_inject_step", realstack_dir / "inject_step.py"
    )
    if spec is None or spec.loader is None:
        raise StepInjectionError(f"cannot import {realstack_dir / 'inject_step.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode, saved = True, sys.dont_write_bytecode
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


@dataclass(frozen=True)
class StepOutcome:
    """What the worker did with one injected step (``inject_step.py``'s JSON, typed a little).

    ``results`` is the StepExecutionResult the worker wrote; ``result`` the handler's
    return value; ``error`` the worker's error record (``error_type``, ``message``,
    ``retryable``, ...) when the handler failed.
    """

    exit_code: int
    injected: Mapping[str, Any]
    outcome: Mapping[str, Any]

    @property
    def success(self) -> bool:
        return self.exit_code == 0

    @property
    def timed_out(self) -> bool:
        return self.exit_code == 2

    @property
    def state(self) -> str | None:
        return self.outcome.get("state")

    @property
    def results(self) -> Mapping[str, Any]:
        return self.outcome.get("results") or {}

    @property
    def result(self) -> Any:
        return self.outcome.get("result")

    @property
    def error(self) -> Mapping[str, Any] | None:
        return self.results.get("error")

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self.results.get("metadata") or {}

    @property
    def step_uuid(self) -> str:
        return str(self.injected["step_uuid"])

    @property
    def task_uuid(self) -> str:
        return str(self.injected["task_uuid"])


@dataclass(frozen=True)
class DynamicInstance:
    """A finished step created at run time (a batch worker): its result and its links,
    both by template step name (``parents`` -> instance -> ``children``)."""

    result: Any
    parents: tuple[str, ...]
    children: tuple[str, ...]


class _WithInstances:
    """A DB wrapper that adds finished dynamic steps to inject_step's transaction,
    just before the step message is sent (so the worker sees them as predecessors)."""

    _SEND = "SELECT json_build_object('msg_id'"

    def __init__(self, db: Any, module: ModuleType, instances: dict[str, DynamicInstance]) -> None:
        self._db = db
        self._module = module
        self._instances = instances

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def json(self, sql: str) -> Any:
        if sql.startswith("BEGIN;") and self._SEND in sql:
            head, _, tail = sql.partition(self._SEND)
            sql = head + self._instance_sql(head) + "\n" + self._SEND + tail
        return self._db.json(sql)

    def _instance_sql(self, script: str) -> str:
        found = re.search(r"INSERT INTO tasker\.tasks .*?VALUES \('([0-9a-f-]{36})'", script, re.S)
        if found is None:
            raise RuntimeError("inject_step's SQL changed: no task insert found")
        task = found.group(1)
        lit, jlit = self._module.lit, self._module.jlit

        def step_uuid(name: str) -> str:
            return (
                "(SELECT ws.workflow_step_uuid FROM tasker.workflow_steps ws"
                " JOIN tasker.named_steps ns ON ns.named_step_uuid = ws.named_step_uuid"
                f" WHERE ws.task_uuid = {lit(task)}"
                f" AND ns.name = {lit(name)} LIMIT 1)"
            )

        lines = []
        states = ["pending", "enqueued", "in_progress", "enqueued_for_orchestration", "complete"]
        for name, instance in self._instances.items():
            uid = str(self._module.uuid7())
            results = {
                "step_uuid": uid, "success": True, "status": "completed",
                "result": instance.result, "error": None, "orchestration_metadata": None,
                "metadata": {"execution_time_ms": 0, "retryable": False, "custom": {},
                             "context": {}, "worker_id": "tasker-contrib-tests"},
            }  # fmt: skip
            lines.append(
                "INSERT INTO tasker.named_steps (name, description, created_at, updated_at) VALUES "
                f"({lit(name)}, {lit(name)}, now(), now()) ON CONFLICT (name) DO NOTHING;"
            )
            lines.append(
                "INSERT INTO tasker.workflow_steps (workflow_step_uuid, task_uuid, named_step_uuid,"
                " retryable, max_attempts, in_process, processed, processed_at, attempts,"
                " last_attempted_at, inputs, results, created_at, updated_at)"
                f" SELECT {lit(uid)}, {lit(task)}, named_step_uuid, true, 3, false, true, now(), 1,"
                f" now(), NULL, {jlit(results)}, now(), now()"
                f" FROM tasker.named_steps WHERE name = {lit(name)};"
            )
            lines.append(
                "INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, to_state,"
                " from_state, metadata, sort_key, most_recent, created_at, updated_at) VALUES "
                + ", ".join(
                    f"({lit(uid)}, {lit(to)}, {lit(states[i - 1]) if i else 'NULL'}, "
                    f"{jlit({'injected_by': 'tasker-contrib-tests'})}, {i + 1}, "
                    f"{'true' if i == len(states) - 1 else 'false'}, now(), now())"
                    for i, to in enumerate(states)
                )
                + ";"
            )
            edges = [(step_uuid(parent), lit(uid)) for parent in instance.parents]
            edges += [(lit(uid), step_uuid(child)) for child in instance.children]
            for source, target in edges:
                lines.append(
                    "INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid, name,"
                    f" created_at, updated_at) SELECT {source}, {target}, 'provides', now(), now();"
                )
        return "\n".join(lines)


class StepInjector:
    """Inject steps of templates a running worker registered, in one database."""

    def __init__(
        self,
        realstack_dir: str | os.PathLike[str],
        database_url: str,
        psql_bindir: str | os.PathLike[str] | None = None,
    ) -> None:
        folder = Path(realstack_dir)
        if not (folder / "inject_step.py").is_file():
            raise StepInjectionError(
                f"{folder} has no inject_step.py; point {REALSTACK_DIR_ENV} (or --realstack-dir) "
                "at the realstack folder"
            )
        self.realstack_dir = folder
        self.database_url = database_url
        self.psql_bindir = Path(psql_bindir) if psql_bindir is not None else None
        self._module: ModuleType | None = None

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            self._module = _load_inject_module(self.realstack_dir)
        return self._module

    def inject(
        self,
        namespace: str,
        template: str,
        step: str,
        *,
        context: Mapping[str, Any] | None = None,
        deps: Mapping[str, Any] | None = None,
        inputs: Any = None,
        allow_missing_deps: bool = False,
        instances: Mapping[str, DynamicInstance] | None = None,
        wait: bool = True,
        timeout: float = 30.0,
    ) -> StepOutcome:
        """Hand the worker serving ``namespace`` one step of ``template`` and wait for it.

        ``deps``: ``{predecessor: its handler result}`` for every direct dependency
        (transitive ones without a value are inserted with NULL results).
        ``inputs``: the step's ``workflow_steps.inputs`` (default: the template's
        ``handler.initialization``, as orchestration stores it).
        ``instances``: finished dynamic steps (batch workers, ``send_notification_batch_001``)
        to add among the predecessors, which template-step injection cannot create.
        """
        module = self.module
        args = argparse.Namespace(
            template=f"{namespace}/{template}",
            step=step,
            context=json.dumps(dict(context or {})),
            deps=json.dumps(dict(deps)) if deps is not None else None,
            deps_from_task=None,
            allow_missing_deps=allow_missing_deps,
            inputs=json.dumps(inputs) if inputs is not None else None,
            queue=None,
            send="notify",
            initiator="tasker-contrib",
            priority=0,
            register_timeout=20.0,
            print_sql=False,
        )
        saved = os.environ.get("PG_BIN")
        if self.psql_bindir is not None:
            os.environ["PG_BIN"] = str(self.psql_bindir)
        try:
            db: Any = module.DB(self.database_url)
            if instances:
                db = _WithInstances(db, module, dict(instances))
            try:
                injected = module.inject(db, args)
                if not wait:
                    return StepOutcome(0, injected, {})
                outcome, code = module.wait(db, injected, timeout)
            except module.Fail as exc:
                raise StepInjectionError(f"inject_step refused {step!r}: {exc}") from exc
        finally:
            if saved is None:
                os.environ.pop("PG_BIN", None)
            else:
                os.environ["PG_BIN"] = saved
        return StepOutcome(code, injected, outcome)


__all__ = [
    "REALSTACK_DIR_ENV",
    "DynamicInstance",
    "StepInjectionError",
    "StepInjector",
    "StepOutcome",
]
