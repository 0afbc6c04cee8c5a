"""Typed models for the engine keys users change most, mirroring the TOML paths.

The attribute path *is* the TOML path: ``settings.common.database.pool.max_connections``
sets ``common.database.pool.max_connections`` and nothing else. ``None`` means
"not set here", so lower layers (built-in defaults, the user's TOML files) keep
their value. Every other engine key is reachable through ``TaskerSettings.overrides``.
Models forbid unknown keys so a typo is an error rather than a silently ignored value.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _EngineTable(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PoolConfig(_EngineTable):
    """``common.database.pool``: the engine's PostgreSQL connection pool."""

    max_connections: int | None = Field(None, description="Most connections the pool opens.")
    min_connections: int | None = Field(None, description="Idle connections kept open.")
    acquire_timeout_seconds: int | None = Field(
        None, description="How long a query waits for a free connection."
    )
    idle_timeout_seconds: int | None = Field(
        None, description="Idle time after which a connection is closed."
    )
    max_lifetime_seconds: int | None = Field(
        None, description="Age after which a connection is replaced."
    )


class DatabaseConfig(_EngineTable):
    """``common.database``: where task and step state lives."""

    url: str | None = Field(
        None,
        description="PostgreSQL URL (`postgresql://user:password@host:port/db`). "
        "Also read from `DATABASE_URL`.",
    )
    pool: PoolConfig = Field(default_factory=PoolConfig)


class QueuesConfig(_EngineTable):
    """``common.queues``: the messaging backend between orchestration and workers."""

    backend: Literal["pgmq", "rabbitmq"] | None = Field(
        None, description="`pgmq` (PostgreSQL queues) or `rabbitmq`."
    )


class BackoffConfig(_EngineTable):
    """``common.backoff``: the engine-wide retry backoff schedule."""

    default_backoff_seconds: list[int] | None = Field(
        None, description="Delay before each retry, in seconds, by attempt."
    )
    max_backoff_seconds: int | None = Field(None, description="Upper bound on any retry delay.")
    backoff_multiplier: float | None = Field(None, description="Growth factor between retries.")
    jitter_enabled: bool | None = Field(None, description="Randomise delays to spread retries.")


class CommonConfig(_EngineTable):
    """``[common]``: keys shared by orchestration and workers."""

    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    queues: QueuesConfig = Field(default_factory=QueuesConfig)
    backoff: BackoffConfig = Field(default_factory=BackoffConfig)


class FallbackPollerConfig(_EngineTable):
    """``worker.event_systems.worker.metadata.fallback_poller``."""

    polling_interval_ms: int | None = Field(
        None, description="How often the worker polls its queues when no notification arrives."
    )


class WorkerEventMetadataConfig(_EngineTable):
    fallback_poller: FallbackPollerConfig = Field(default_factory=FallbackPollerConfig)


class WorkerEventSystemConfig(_EngineTable):
    metadata: WorkerEventMetadataConfig = Field(default_factory=WorkerEventMetadataConfig)


class EventSystemsConfig(_EngineTable):
    worker: WorkerEventSystemConfig = Field(default_factory=WorkerEventSystemConfig)


class WebConfig(_EngineTable):
    """``worker.web``: the worker's own HTTP API (off by default when embedded)."""

    enabled: bool | None = Field(None, description="Serve the worker's HTTP API.")
    bind_address: str | None = Field(None, description="`host:port` for the HTTP API.")


class GrpcConfig(_EngineTable):
    """``worker.grpc``: the worker's gRPC API (off by default when embedded)."""

    enabled: bool | None = Field(None, description="Serve the worker's gRPC API.")
    bind_address: str | None = Field(None, description="`host:port` for the gRPC API.")


class OrchestrationClientConfig(_EngineTable):
    """``worker.orchestration_client``: how the worker reaches the orchestration API."""

    base_url: str | None = Field(None, description="Orchestration service URL.")
    transport: Literal["rest", "grpc"] | None = Field(None, description="`rest` or `grpc`.")
    timeout_ms: int | None = Field(None, description="Per-request timeout.")
    max_retries: int | None = Field(None, description="Retries for failed requests.")


class WorkerConfig(_EngineTable):
    """``[worker]``: keys of the worker process."""

    event_systems: EventSystemsConfig = Field(default_factory=EventSystemsConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    grpc: GrpcConfig = Field(default_factory=GrpcConfig)
    orchestration_client: OrchestrationClientConfig = Field(
        default_factory=OrchestrationClientConfig
    )
