"""Liveness and readiness answers for a runtime, shared by every framework package.

A health endpoint is only useful when its answer means something an operator
can act on, and when every framework gives the same answer for the same
state. So the decisions live here, and the FastAPI router, the Flask
blueprint and the Django views only turn a :class:`HealthReport` into a
response (``report.http_status``: 200 when ``ok``, 503 with ``reasons``
otherwise; ``report.to_dict()`` is the body).

* **Liveness**: should this process be restarted? Only when its runtime was
  meant to run here and no longer does (it died, or the process is a fork of
  the one that started it). A process that only submits tasks
  (``runtime = "worker"`` with ``worker_enabled = false``) is always live.
* **Readiness**: can it do its job right now? The runtime runs, the threads
  that deliver work and events are alive, and in worker mode the database
  holds what the worker needs (core's database check: a real login, the
  tasker schema and pgmq; a healthy verdict is reused for
  ``database_cache_seconds`` so probes do not open a connection each time).
  A submit-only process is ready when the orchestration API answers. Task
  templates that failed start-up validation (``template_validation =
  "report"``) keep readiness at 503 until fixed.

Every network check is bounded by ``timeout`` and runs on a daemon thread, so
a probe can never hang the endpoint that asked.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tasker_contrib_core._internal.bounded_call import call_bounded

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.runtime.base import Runtime, RuntimeStatus

#: Default bound, in seconds, of each network check of a readiness probe.
DEFAULT_PROBE_TIMEOUT = 2.0

ProbeKind = Literal["liveness", "readiness"]


@dataclass(frozen=True)
class HealthCheck:
    """One named check: passed or not, and a sentence saying why."""

    name: str
    ok: bool
    detail: str
    #: A stable, machine-readable reason for a failed check (``auth_failed``,
    #: ``schema_missing``, ``YAML_SYNTAX``...), or None.
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "code": self.code}


@dataclass(frozen=True)
class HealthReport:
    """The answer to one probe; ``ok`` only when every check passed."""

    probe: ProbeKind
    checks: tuple[HealthCheck, ...]
    runtime: RuntimeStatus

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def http_status(self) -> int:
        """200 when ``ok``, else 503: what every framework's probe endpoint answers."""
        return 200 if self.ok else 503

    @property
    def reasons(self) -> list[str]:
        """One line per failed check, for the 503 body and the logs."""
        return [f"{check.name}: {check.detail}" for check in self.checks if not check.ok]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready body; runtime details (paths, config files) are left out."""
        status = self.runtime
        return {
            "status": "ok" if self.ok else "unavailable",
            "probe": self.probe,
            "reasons": self.reasons,
            "checks": [check.to_dict() for check in self.checks],
            "runtime": {
                "kind": status.kind,
                "running": status.running,
                "pid": status.pid,
                "worker_id": status.worker_id,
                "namespaces": list(status.namespaces),
                "poller_alive": status.poller_alive,
                "started_at": status.started_at.isoformat() if status.started_at else None,
                "last_error": status.last_error,
            },
        }


class RuntimeHealth:
    """Answers liveness and readiness probes for one runtime.

    Build one per app when the runtime starts and keep it: it caches the
    resolved database address, and a healthy database verdict for
    :attr:`database_cache_seconds`, between probes.
    """

    #: How long a healthy database verdict is reused before the next probe logs in
    #: again. A failing verdict is never reused: the next probe checks afresh.
    database_cache_seconds: float = 5.0

    def __init__(
        self,
        runtime: Runtime,
        settings: TaskerSettings | None = None,
        *,
        timeout: float = DEFAULT_PROBE_TIMEOUT,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.runtime = runtime
        self.settings: TaskerSettings | None = (
            settings if settings is not None else getattr(runtime, "settings", None)
        )
        self.timeout = timeout
        self._database_url: str | None = None
        self._healthy_database: tuple[float, HealthCheck] | None = None
        #: Set by the host after start-up template validation (``templates`` check).
        self.template_check: HealthCheck | None = None

    @property
    def submit_only(self) -> bool:
        """True for a worker-mode process that does not run a worker (it only submits)."""
        settings = self.settings
        return (
            self.runtime.kind == "worker" and settings is not None and not settings.worker_enabled
        )

    def liveness(self) -> HealthReport:
        status = self.runtime.status()
        return HealthReport("liveness", (self._runtime_check(status),), status)

    def readiness(self) -> HealthReport:
        """Runs the network checks: call it off the event loop in async apps."""
        status = self.runtime.status()
        checks = [self._runtime_check(status)]
        if self.submit_only:
            checks.append(self._orchestration_check())
        elif status.running:
            checks.append(
                HealthCheck("pollers", True, "work and event threads alive")
                if status.poller_alive
                else HealthCheck(
                    "pollers",
                    False,
                    "the threads that deliver steps and events stopped; the runtime "
                    "no longer receives work",
                )
            )
            if self.runtime.kind == "worker":
                checks.append(self._database_check())
        if self.template_check is not None:
            checks.append(self.template_check)
        return HealthReport("readiness", tuple(checks), status)

    # -- checks -------------------------------------------------------------------

    def _runtime_check(self, status: RuntimeStatus) -> HealthCheck:
        if self.submit_only:
            return HealthCheck(
                "runtime", True, "no worker in this process (worker_enabled = false); submit only"
            )
        if status.running:
            return HealthCheck(
                "runtime", True, f"{status.kind} runtime running in pid {status.pid}"
            )
        why = status.last_error or "it was never started here, or it stopped"
        return HealthCheck("runtime", False, f"{status.kind} runtime not running: {why}")

    def _database_check(self) -> HealthCheck:
        """Core's database check (login, database, tasker schema, pgmq), bounded."""
        cached = self._healthy_database
        if cached is not None and time.monotonic() - cached[0] < self.database_cache_seconds:
            return cached[1]
        try:
            url = self._resolved_database_url()
        except Exception as exc:
            return HealthCheck(
                "database", False, f"cannot tell which database to check: {exc}", code="config"
            )
        from tasker_contrib_core.runtime.database_check import check_database

        outcome = call_bounded(
            lambda: check_database(url, timeout=self.timeout),
            self.timeout,
            name="tasker-contrib-health-db",
        )
        verdict = outcome.value
        if outcome.error is not None:
            error = outcome.error
            return HealthCheck("database", False, f"{type(error).__name__}: {error}", code="error")
        if outcome.timed_out or verdict is None:
            from tasker_contrib_core.config.masking import mask_url

            return HealthCheck(
                "database",
                False,
                f"{mask_url(url)}: no answer within {self.timeout:g}s (login and schema check)",
                code="timeout",
            )
        if verdict.problem == "driver_missing":
            return self._database_reachable(url, verdict.message)
        if not verdict.ok:
            return HealthCheck("database", False, verdict.message, code=verdict.problem)
        check = HealthCheck("database", True, verdict.message)
        self._healthy_database = (time.monotonic(), check)
        return check

    def _database_reachable(self, url: str, why: str) -> HealthCheck:
        """Without psycopg only the TCP address can be checked; say what was not."""
        from tasker_contrib_core.runtime.preflight import check_database_reachable

        outcome = call_bounded(
            lambda: check_database_reachable(url, timeout=self.timeout),
            self.timeout + 0.5,
            name="tasker-contrib-health-db",
        )
        if outcome.error is not None:
            return HealthCheck("database", False, str(outcome.error), code="unreachable")
        if outcome.timed_out or outcome.value is None:
            return HealthCheck(
                "database", False, f"no answer within {self.timeout:g}s", code="timeout"
            )
        result = outcome.value
        where = f"{result.address.host}:{result.address.port}"
        return HealthCheck("database", True, f"{where} answers (schema not checked: {why})")

    def _orchestration_check(self) -> HealthCheck:
        from tasker_contrib_core.errors import ConfigError

        try:
            client = self.runtime.client
        except ConfigError as exc:
            return HealthCheck("orchestration", False, str(exc), code="config")
        health: Callable[[], Any] = client.health
        outcome = call_bounded(health, self.timeout, name="tasker-contrib-health-api")
        if outcome.timed_out:
            return HealthCheck(
                "orchestration",
                False,
                f"the orchestration API did not answer within {self.timeout:g}s",
            )
        if outcome.error is not None:
            error = outcome.error
            return HealthCheck("orchestration", False, f"{type(error).__name__}: {error}")
        answer = getattr(outcome.value, "status", "unknown")
        return HealthCheck("orchestration", True, f"orchestration API status: {answer}")

    def _resolved_database_url(self) -> str:
        if self._database_url is None:
            self._database_url = database_url_of(self.settings)
        return self._database_url


def database_url_of(settings: TaskerSettings | None) -> str:
    """The database URL the engine uses for ``settings``, placeholders resolved."""
    if settings is None:
        raise ValueError("the runtime has no settings to read common.database.url from")
    from tasker_contrib_core.config.placeholders import substitute

    raw = settings.effective_config().value("common.database.url")
    # The worker runtime writes the normalised variables it needs into
    # os.environ when it starts; those win over the settings' own snapshot.
    url, _ = substitute(str(raw), {**settings.environ, **os.environ})
    return url


__all__ = [
    "DEFAULT_PROBE_TIMEOUT",
    "HealthCheck",
    "HealthReport",
    "RuntimeHealth",
    "database_url_of",
]
