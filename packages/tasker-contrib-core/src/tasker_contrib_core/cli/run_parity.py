"""``tasker-contrib run ... --parity``: replay a local run's steps on the real worker.

A development tool. After the local engine ran the template, this starts the
real worker in-process (``WorkerRuntime``) on a copy of the template under a
fresh namespace, hands it each executed step with the same context, inputs
and dependency results (one step at a time, through the realstack folder's
``inject_step.py``), and reports every step whose result, error
classification or published domain events differ
(:mod:`tasker_contrib_core.testing.parity`).

Needs ``DATABASE_URL`` pointing at a PostgreSQL with tasker-core's schema
(``shared/realstack/setup_db.sh`` makes one) and the realstack folder
(``--realstack-dir`` or ``$TASKER_REALSTACK_DIR``). No orchestration runs:
only first attempts are compared.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click

from tasker_contrib_core.errors import TaskerContribError


class _WorkerEvents:
    """The in-process worker seen as a parity host: its namespace and the events it emitted."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.seen: list[dict[str, Any]] = []

    def record(self, event: Any) -> None:
        self.seen.append(event.to_dict())

    def wait_for_events(
        self, predicate: Callable[[Mapping[str, Any]], bool], *, count: int, timeout: float
    ) -> list[dict[str, Any]]:
        import time

        deadline = time.monotonic() + timeout
        while True:
            matched = [event for event in list(self.seen) if predicate(event)]
            if len(matched) >= count or time.monotonic() >= deadline:
                return matched
            time.sleep(0.05)


class _Injection:
    """Adapts :class:`StepInjector` to ``replay_run``'s ``stack.inject(host, ...)``."""

    def __init__(self, injector: Any) -> None:
        self.injector = injector

    def inject(self, host: _WorkerEvents, template: str, step: str, **options: Any) -> Any:
        return self.injector.inject(host.namespace, template, step, **options)


def _namespaced_copy(template_path: Path, namespace: str, directory: Path) -> Path:
    import yaml

    document = yaml.safe_load(template_path.read_text(encoding="utf-8"))
    document["namespace_name"] = namespace
    target = directory / template_path.name
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


def replay_on_worker(
    template_path: Path,
    result: Any,
    *,
    packages: tuple[str, ...],
    realstack_dir: Path | None,
) -> int:
    """Replay ``result``'s executed steps on the real worker; print the report; exit status."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import runtime_from_settings
    from tasker_contrib_core.testing.parity import (
        format_report,
        replay_run,
        template_dependencies,
    )
    from tasker_contrib_core.testing.step_injection import REALSTACK_DIR_ENV, StepInjector

    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise TaskerContribError(
            "--parity needs DATABASE_URL: a PostgreSQL with tasker-core's schema "
            "(shared/realstack/setup_db.sh PORT prints one)"
        )
    folder = realstack_dir or (
        Path(os.environ[REALSTACK_DIR_ENV]) if os.environ.get(REALSTACK_DIR_ENV) else None
    )
    if folder is None:
        raise TaskerContribError(
            f"--parity needs the realstack folder (inject_step.py): --realstack-dir or "
            f"{REALSTACK_DIR_ENV}"
        )
    injector = StepInjector(folder, database_url)
    namespace = f"parity_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="tasker-parity-") as scratch:
        _namespaced_copy(template_path, namespace, Path(scratch))
        settings = TaskerSettings(
            runtime="worker",
            handler_packages=list(packages),
            template_paths=[Path(scratch)],
        ).model_copy(update={"template_paths": [Path(scratch)]})
        runtime = runtime_from_settings(settings)
        host = _WorkerEvents(namespace)
        unsubscribe = runtime.subscribe(host.record)
        runtime.start()
        try:
            compared = replay_run(
                _Injection(injector),
                host,
                result,
                result.task_name,
                template_dependencies(template_path),
            )
        finally:
            runtime.stop(settings.shutdown_timeout_seconds)
            unsubscribe()
    click.echo(f"parity with the real worker (namespace {namespace}):")
    click.echo(format_report(compared))
    different = [item.step.name for item in compared if item.differences]
    explained = sum(1 for item in compared if item.explained and not item.differences)
    click.echo(
        f"{len(compared)} step(s) replayed: {len(compared) - len(different) - explained} "
        f"identical, {explained} with known differences, {len(different)} different"
    )
    return 1 if different else 0


__all__ = ["replay_on_worker"]
