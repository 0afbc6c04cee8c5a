"""Response models of the probe routes, so OpenAPI documents what they answer.

They mirror :meth:`tasker_contrib_core.integration.HealthReport.to_dict`: the
same body for 200 and 503, ``reasons`` empty when ready.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ProbeCheck(BaseModel):
    """One check of a probe: passed or not, why, and a stable code when it failed."""

    name: str = Field(description="`runtime`, `pollers`, `database`, `orchestration`, ...")
    ok: bool
    detail: str = Field(description="One sentence saying why (passwords masked).")
    code: str | None = Field(
        None, description="Machine-readable reason of a failure (`auth_failed`, `YAML_SYNTAX`)."
    )


class ProbeRuntime(BaseModel):
    """The runtime of the process that answered."""

    kind: str = Field(description="`local` or `worker`.")
    running: bool
    pid: int
    worker_id: str | None = None
    namespaces: list[str] = Field(default_factory=list)
    poller_alive: bool
    started_at: str | None = Field(None, description="ISO 8601, UTC.")
    last_error: str | None = None


class ProbeReport(BaseModel):
    """The body of `/health` and `/ready`, with 200 and with 503."""

    status: Literal["ok", "unavailable"]
    probe: Literal["liveness", "readiness"]
    reasons: list[str] = Field(description="One `check: detail` line per failed check.")
    checks: list[ProbeCheck]
    runtime: ProbeRuntime


__all__ = ["ProbeCheck", "ProbeReport", "ProbeRuntime"]
