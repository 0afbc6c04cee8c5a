"""What the Tasker engine (tasker-py 0.1.8) demands of its configuration file, as data.

The engine publishes no schema: the authority is its Rust configuration structs
and loader. This module restates the parts our settings layer needs to check a
merged configuration *before* handing it to the engine, because several
mistakes abort the whole process (a Rust panic no ``except`` can catch) and the
rest only surface as a terse deserialisation error at bootstrap.

Sources, all in the upstream repository ``tasker-systems/tasker-core`` at tag
``python-v0.1.8`` (commit ``7ebb8da0``, 2026-03-18, the release of tasker-py
0.1.8):

* ``crates/tasker-shared/src/config/tasker.rs``: the structs the single merged
  TOML file is deserialised into, their ``serde`` defaults and their
  ``validator`` range/length rules (checked right after loading).
* ``crates/tasker-shared/src/config/config_loader.rs``: how the file is read,
  the ``${VAR}`` substitution and its allow-list.
* ``crates/tasker-shared/src/event_system/deployment.rs``: deployment modes.
* ``crates/tasker-shared/src/system_context.rs``: messaging backend selection.
* ``crates/tasker-shared/src/cache/provider.rs``: cache backend selection.
* ``crates/tasker-worker/src/worker/core.rs`` and ``bootstrap.rs``: the worker
  refuses to start without a ``[worker]`` table; web/gRPC are optional.

Behaviour verified against the installed wheel by bootstrapping the real
worker in a subprocess (see ``tests/engine_config`` in this package):

* Placeholders are substituted in the *raw text* of the file before TOML
  parsing, comments included. A placeholder whose variable is **set** but not
  allow-listed, or whose value fails the variable's pattern, panics and the
  process dies with SIGABRT (exit status -6 / 134). A placeholder whose
  variable is **unset** and has no ``:-default`` is left verbatim (the
  bootstrap then fails normally, e.g. "relative URL without a base"). An
  unset variable with a ``:-default`` takes the default, even for names that
  are not allow-listed, because the allow-list is only consulted for values
  read from the environment.
* The URL pattern applies only to values substituted from ``DATABASE_URL`` /
  ``PGMQ_DATABASE_URL``. A literal ``postgres://`` URL written in the file is
  accepted by the database driver; the same URL arriving through
  ``${DATABASE_URL}`` aborts the process. Likewise
  ``postgresql://user@host/db`` (a user without a password) aborts only when
  substituted.
* Unknown keys are ignored (no ``deny_unknown_fields``); a missing required
  key fails the bootstrap with ``missing field `<name>```; an out-of-range
  value fails it with a validation error. Neither aborts the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "ENUM_VALUES",
    "ENVIRONMENTS",
    "LENGTH_RANGES",
    "NUMERIC_RANGES",
    "OPTIONAL_TABLE_REQUIRED_LEAVES",
    "PLACEHOLDER_ALLOWLIST",
    "PLACEHOLDER_VALUE_PATTERNS",
    "REQUIRED_WORKER_LEAVES",
    "REQUIRED_WORKER_TABLES",
    "is_allowed_placeholder",
    "placeholder_value_ok",
    "required_leaves_under",
]

#: Environment names the engine knows. ``TASKER_ENV`` must be one of these
#: (config_loader.rs allow-list pattern) and upstream ships one
#: ``config/tasker/environments/<name>/`` folder per entry.
ENVIRONMENTS: tuple[str, ...] = ("test", "development", "production")

# ---------------------------------------------------------------------------
# Required leaves
# ---------------------------------------------------------------------------
# Derived from tasker.rs: every field reachable from ``CommonConfig`` and
# ``WorkerConfig`` through non-``Option`` struct fields, that is itself neither
# an ``Option`` nor marked ``#[serde(default)]`` (the ``#[builder(default)]``
# attributes there only affect Rust-side builders, not deserialisation).
# 39 leaves under ``common`` and 49 under ``worker``.

_REQUIRED_COMMON: frozenset[str] = frozenset(
    {
        "common.system.default_dependent_system",
        "common.database.url",
        "common.database.pool.max_connections",
        "common.database.pool.min_connections",
        "common.database.pool.acquire_timeout_seconds",
        "common.database.pool.idle_timeout_seconds",
        "common.database.pool.max_lifetime_seconds",
        "common.queues.backend",
        "common.queues.orchestration_namespace",
        "common.queues.worker_namespace",
        "common.queues.default_visibility_timeout_seconds",
        "common.queues.naming_pattern",
        "common.queues.orchestration_queues.task_requests",
        "common.queues.orchestration_queues.task_finalizations",
        "common.queues.orchestration_queues.step_results",
        "common.queues.pgmq.poll_interval_ms",
        "common.circuit_breakers.global_settings.metrics_collection_interval_seconds",
        "common.circuit_breakers.global_settings.min_state_transition_interval_seconds",
        "common.circuit_breakers.default_config.failure_threshold",
        "common.circuit_breakers.default_config.timeout_seconds",
        "common.circuit_breakers.default_config.success_threshold",
        "common.circuit_breakers.component_configs.task_readiness.failure_threshold",
        "common.circuit_breakers.component_configs.task_readiness.success_threshold",
        # ``messaging`` also accepts its old name ``pgmq`` (serde alias).
        "common.circuit_breakers.component_configs.messaging.failure_threshold",
        "common.circuit_breakers.component_configs.messaging.success_threshold",
        "common.circuit_breakers.component_configs.cache.failure_threshold",
        "common.circuit_breakers.component_configs.cache.success_threshold",
        "common.mpsc_channels.event_publisher.event_queue_buffer_size",
        "common.mpsc_channels.ffi.ruby_event_buffer_size",
        "common.mpsc_channels.overflow_policy.log_warning_threshold",
        "common.mpsc_channels.overflow_policy.metrics.saturation_check_interval_seconds",
        "common.execution.step_enqueue_batch_size",
        "common.execution.environment",
        "common.backoff.default_backoff_seconds",
        "common.backoff.max_backoff_seconds",
        "common.backoff.backoff_multiplier",
        "common.backoff.jitter_enabled",
        "common.backoff.jitter_max_percentage",
        "common.task_templates.search_paths",
    }
)

_EVENT_SYSTEM = "worker.event_systems.worker"
_CHANNELS = "worker.mpsc_channels"

_REQUIRED_WORKER: frozenset[str] = frozenset(
    {
        "worker.worker_id",
        "worker.worker_type",
        f"{_EVENT_SYSTEM}.system_id",
        f"{_EVENT_SYSTEM}.deployment_mode",
        f"{_EVENT_SYSTEM}.timing.health_check_interval_seconds",
        f"{_EVENT_SYSTEM}.timing.fallback_polling_interval_seconds",
        f"{_EVENT_SYSTEM}.timing.visibility_timeout_seconds",
        f"{_EVENT_SYSTEM}.timing.processing_timeout_seconds",
        f"{_EVENT_SYSTEM}.timing.claim_timeout_seconds",
        f"{_EVENT_SYSTEM}.processing.max_concurrent_operations",
        f"{_EVENT_SYSTEM}.processing.batch_size",
        f"{_EVENT_SYSTEM}.processing.max_retries",
        f"{_EVENT_SYSTEM}.health.enabled",
        f"{_EVENT_SYSTEM}.health.performance_monitoring_enabled",
        f"{_EVENT_SYSTEM}.health.max_consecutive_errors",
        f"{_EVENT_SYSTEM}.health.error_rate_threshold_per_minute",
        f"{_EVENT_SYSTEM}.metadata.in_process_events.ffi_integration_enabled",
        f"{_EVENT_SYSTEM}.metadata.in_process_events.deduplication_cache_size",
        f"{_EVENT_SYSTEM}.metadata.listener.retry_interval_seconds",
        f"{_EVENT_SYSTEM}.metadata.listener.max_retry_attempts",
        f"{_EVENT_SYSTEM}.metadata.listener.event_timeout_seconds",
        f"{_EVENT_SYSTEM}.metadata.listener.batch_processing",
        f"{_EVENT_SYSTEM}.metadata.listener.connection_timeout_seconds",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.enabled",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.polling_interval_ms",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.batch_size",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.age_threshold_seconds",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.max_age_hours",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.visibility_timeout_seconds",
        f"{_EVENT_SYSTEM}.metadata.fallback_poller.supported_namespaces",
        f"{_CHANNELS}.command_processor.command_buffer_size",
        f"{_CHANNELS}.event_systems.event_channel_buffer_size",
        f"{_CHANNELS}.event_subscribers.completion_buffer_size",
        f"{_CHANNELS}.event_subscribers.result_buffer_size",
        f"{_CHANNELS}.event_listeners.pgmq_event_buffer_size",
        f"{_CHANNELS}.domain_events.command_buffer_size",
        f"{_CHANNELS}.domain_events.shutdown_drain_timeout_ms",
        f"{_CHANNELS}.domain_events.log_dropped_events",
        f"{_CHANNELS}.handler_dispatch.dispatch_buffer_size",
        f"{_CHANNELS}.handler_dispatch.completion_buffer_size",
        f"{_CHANNELS}.handler_dispatch.max_concurrent_handlers",
        f"{_CHANNELS}.handler_dispatch.handler_timeout_ms",
        f"{_CHANNELS}.handler_dispatch.load_shedding.enabled",
        f"{_CHANNELS}.handler_dispatch.load_shedding.capacity_threshold_percent",
        f"{_CHANNELS}.handler_dispatch.load_shedding.warning_threshold_percent",
        "worker.circuit_breakers.ffi_completion_send.failure_threshold",
        "worker.circuit_breakers.ffi_completion_send.recovery_timeout_seconds",
        "worker.circuit_breakers.ffi_completion_send.success_threshold",
        "worker.circuit_breakers.ffi_completion_send.slow_send_threshold_ms",
    }
)

#: Dotted paths of the leaves a worker-context file must contain. Missing any
#: one of them makes ``bootstrap_worker()`` raise ``RuntimeError`` with
#: "missing field `<last segment>`".
REQUIRED_WORKER_LEAVES: frozenset[str] = _REQUIRED_COMMON | _REQUIRED_WORKER

#: Tables that must be present although every key inside them has a default:
#: ``WorkerInProcessEventChannels`` carries a container-level serde default, but
#: the field holding it in ``WorkerMpscChannelsConfig`` does not, so an empty
#: ``[worker.mpsc_channels.in_process_events]`` table is enough and no table
#: at all is an error.
REQUIRED_WORKER_TABLES: frozenset[str] = frozenset({f"{_CHANNELS}.in_process_events"})

#: Optional tables (``Option<...>`` or serde-defaulted in tasker.rs) mapped to
#: the leaves that become required once the table is present at all. Writing
#: ``[worker.web]`` with only ``enabled = false`` fails, for example, because
#: ``bind_address``, ``request_timeout_ms`` and ``database_pools`` are then
#: required too.
OPTIONAL_TABLE_REQUIRED_LEAVES: dict[str, frozenset[str]] = {
    "common.queues.rabbitmq": frozenset({"url", "prefetch_count", "heartbeat_seconds"}),
    "common.queues.pgmq.queue_depth_thresholds": frozenset(
        {"critical_threshold", "overflow_threshold"}
    ),
    "common.circuit_breakers.component_configs.web": frozenset(
        {"failure_threshold", "success_threshold"}
    ),
    "common.pgmq_database": frozenset(
        {
            "url",
            "enabled",
            "pool.max_connections",
            "pool.min_connections",
            "pool.acquire_timeout_seconds",
            "pool.idle_timeout_seconds",
            "pool.max_lifetime_seconds",
        }
    ),
    "common.cache": frozenset(
        {
            "enabled",
            "backend",
            "default_ttl_seconds",
            "template_ttl_seconds",
            "analytics_ttl_seconds",
        }
    ),
    "common.cache.redis": frozenset(
        {"url", "max_connections", "connection_timeout_seconds", "database"}
    ),
    "common.cache.moka": frozenset({"max_capacity"}),
    "common.cache.memcached": frozenset({"url", "connection_timeout_seconds"}),
    "worker.orchestration_client": frozenset({"base_url", "timeout_ms", "max_retries"}),
    "worker.web": frozenset(
        {
            "enabled",
            "bind_address",
            "request_timeout_ms",
            "database_pools.web_api_pool_size",
            "database_pools.web_api_max_connections",
            "database_pools.web_api_connection_timeout_seconds",
            "database_pools.web_api_idle_timeout_seconds",
            "database_pools.max_total_connections_hint",
        }
    ),
    "worker.web.auth": frozenset(
        {
            "enabled",
            "jwt_issuer",
            "jwt_audience",
            "jwt_token_expiry_hours",
            "jwt_private_key",
            "jwt_public_key",
            "api_key",
            "api_key_header",
        }
    ),
    "worker.grpc": frozenset(
        {
            "enabled",
            "bind_address",
            "tls_enabled",
            "keepalive_interval_seconds",
            "keepalive_timeout_seconds",
            "max_concurrent_streams",
            "max_frame_size",
            "enable_reflection",
            "enable_health_service",
        }
    ),
}

# ---------------------------------------------------------------------------
# Value rules
# ---------------------------------------------------------------------------

#: The rules below are data; :mod:`tasker_contrib_core.config.engine_schema` turns
#: them into the one JSON Schema that enforces them.
#:
#: Inclusive bounds enforced by ``#[validate(range(...))]`` in tasker.rs
#: (``None`` = unbounded). A lower bound of 0 without a validator rule comes
#: from the field's unsigned type. Violations fail the bootstrap with
#: "Configuration validation failed". Keys of optional tables apply only when
#: the table is present. Note that upstream's ``_docs`` tables sometimes state
#: narrower ranges than the validators; the validators are what is enforced.
NUMERIC_RANGES: dict[str, tuple[int | float | None, int | float | None]] = {
    # common.database.pool and its twin for a separate PGMQ database
    "common.database.pool.max_connections": (1, 1000),
    "common.database.pool.min_connections": (0, 100),
    "common.database.pool.acquire_timeout_seconds": (1, 300),
    "common.database.pool.idle_timeout_seconds": (1, 3600),
    "common.database.pool.max_lifetime_seconds": (60, 86400),
    "common.database.pool.slow_acquire_threshold_ms": (10, 60000),
    "common.pgmq_database.pool.max_connections": (1, 1000),
    "common.pgmq_database.pool.min_connections": (0, 100),
    "common.pgmq_database.pool.acquire_timeout_seconds": (1, 300),
    "common.pgmq_database.pool.idle_timeout_seconds": (1, 3600),
    "common.pgmq_database.pool.max_lifetime_seconds": (60, 86400),
    "common.pgmq_database.pool.slow_acquire_threshold_ms": (10, 60000),
    # common.queues
    "common.queues.default_visibility_timeout_seconds": (1, 3600),
    "common.queues.pgmq.poll_interval_ms": (10, 10000),
    "common.queues.pgmq.queue_depth_thresholds.critical_threshold": (1, None),
    "common.queues.pgmq.queue_depth_thresholds.overflow_threshold": (1, None),
    "common.queues.rabbitmq.prefetch_count": (1, 65535),
    "common.queues.rabbitmq.heartbeat_seconds": (0, 3600),
    # common.circuit_breakers
    "common.circuit_breakers.global_settings.metrics_collection_interval_seconds": (1, 3600),
    "common.circuit_breakers.global_settings.min_state_transition_interval_seconds": (0.1, 60.0),
    "common.circuit_breakers.default_config.failure_threshold": (1, 100),
    "common.circuit_breakers.default_config.timeout_seconds": (1, 300),
    "common.circuit_breakers.default_config.success_threshold": (1, 100),
    "common.circuit_breakers.component_configs.task_readiness.failure_threshold": (1, 100),
    "common.circuit_breakers.component_configs.task_readiness.success_threshold": (1, 100),
    "common.circuit_breakers.component_configs.messaging.failure_threshold": (1, 100),
    "common.circuit_breakers.component_configs.messaging.success_threshold": (1, 100),
    "common.circuit_breakers.component_configs.web.failure_threshold": (1, 100),
    "common.circuit_breakers.component_configs.web.success_threshold": (1, 100),
    "common.circuit_breakers.component_configs.cache.failure_threshold": (1, 100),
    "common.circuit_breakers.component_configs.cache.success_threshold": (1, 100),
    # common.mpsc_channels
    "common.mpsc_channels.event_publisher.event_queue_buffer_size": (100, 1000000),
    "common.mpsc_channels.ffi.ruby_event_buffer_size": (100, 100000),
    "common.mpsc_channels.overflow_policy.log_warning_threshold": (0.0, 1.0),
    "common.mpsc_channels.overflow_policy.metrics.saturation_check_interval_seconds": (1, 3600),
    # common.execution and common.backoff
    "common.execution.step_enqueue_batch_size": (1, 1000),
    "common.backoff.max_backoff_seconds": (1, 3600),
    "common.backoff.backoff_multiplier": (1.0, 10.0),
    "common.backoff.jitter_max_percentage": (0.0, 1.0),
    # common.cache (optional)
    "common.cache.default_ttl_seconds": (1, 86400),
    "common.cache.template_ttl_seconds": (1, 86400),
    "common.cache.analytics_ttl_seconds": (1, 86400),
    "common.cache.redis.max_connections": (1, 100),
    "common.cache.redis.connection_timeout_seconds": (1, 60),
    "common.cache.redis.database": (0, 15),
    "common.cache.moka.max_capacity": (1, 1000000),
    "common.cache.memcached.connection_timeout_seconds": (1, 60),
    # worker.event_systems.worker
    f"{_EVENT_SYSTEM}.timing.health_check_interval_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.timing.fallback_polling_interval_seconds": (1, 300),
    f"{_EVENT_SYSTEM}.timing.visibility_timeout_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.timing.processing_timeout_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.timing.claim_timeout_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.processing.max_concurrent_operations": (1, 10000),
    f"{_EVENT_SYSTEM}.processing.batch_size": (1, 1000),
    f"{_EVENT_SYSTEM}.processing.max_retries": (0, 100),
    f"{_EVENT_SYSTEM}.health.max_consecutive_errors": (1, 1000),
    f"{_EVENT_SYSTEM}.health.error_rate_threshold_per_minute": (1, 10000),
    f"{_EVENT_SYSTEM}.metadata.in_process_events.deduplication_cache_size": (100, 100000),
    f"{_EVENT_SYSTEM}.metadata.listener.retry_interval_seconds": (1, 300),
    f"{_EVENT_SYSTEM}.metadata.listener.max_retry_attempts": (0, 100),
    f"{_EVENT_SYSTEM}.metadata.listener.event_timeout_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.metadata.listener.connection_timeout_seconds": (1, 300),
    f"{_EVENT_SYSTEM}.metadata.fallback_poller.polling_interval_ms": (10, 60000),
    f"{_EVENT_SYSTEM}.metadata.fallback_poller.batch_size": (1, 1000),
    f"{_EVENT_SYSTEM}.metadata.fallback_poller.age_threshold_seconds": (1, 3600),
    f"{_EVENT_SYSTEM}.metadata.fallback_poller.max_age_hours": (1, 168),
    f"{_EVENT_SYSTEM}.metadata.fallback_poller.visibility_timeout_seconds": (1, 3600),
    # worker.mpsc_channels
    f"{_CHANNELS}.command_processor.command_buffer_size": (10, 1000000),
    f"{_CHANNELS}.event_systems.event_channel_buffer_size": (10, 1000000),
    f"{_CHANNELS}.event_subscribers.completion_buffer_size": (10, 1000000),
    f"{_CHANNELS}.event_subscribers.result_buffer_size": (10, 1000000),
    f"{_CHANNELS}.in_process_events.broadcast_buffer_size": (100, 1000000),
    f"{_CHANNELS}.in_process_events.dispatch_timeout_ms": (100, 60000),
    f"{_CHANNELS}.event_listeners.pgmq_event_buffer_size": (10, 1000000),
    f"{_CHANNELS}.domain_events.command_buffer_size": (10, 1000000),
    f"{_CHANNELS}.domain_events.shutdown_drain_timeout_ms": (100, 60000),
    f"{_CHANNELS}.handler_dispatch.dispatch_buffer_size": (10, 1000000),
    f"{_CHANNELS}.handler_dispatch.completion_buffer_size": (10, 1000000),
    f"{_CHANNELS}.handler_dispatch.max_concurrent_handlers": (1, 10000),
    f"{_CHANNELS}.handler_dispatch.handler_timeout_ms": (1000, 3600000),
    f"{_CHANNELS}.handler_dispatch.load_shedding.capacity_threshold_percent": (0.0, 100.0),
    f"{_CHANNELS}.handler_dispatch.load_shedding.warning_threshold_percent": (0.0, 100.0),
    # worker.circuit_breakers
    "worker.circuit_breakers.ffi_completion_send.failure_threshold": (1, 100),
    "worker.circuit_breakers.ffi_completion_send.recovery_timeout_seconds": (1, 300),
    "worker.circuit_breakers.ffi_completion_send.success_threshold": (1, 100),
    "worker.circuit_breakers.ffi_completion_send.slow_send_threshold_ms": (10, 10000),
    # worker.orchestration_client, worker.web, worker.grpc (optional)
    "worker.orchestration_client.timeout_ms": (100, 300000),
    "worker.orchestration_client.max_retries": (0, 10),
    "worker.web.request_timeout_ms": (100, 300000),
    "worker.web.database_pools.web_api_pool_size": (1, 1000),
    "worker.web.database_pools.web_api_max_connections": (1, 1000),
    "worker.web.database_pools.web_api_connection_timeout_seconds": (1, 300),
    "worker.web.database_pools.web_api_idle_timeout_seconds": (1, 3600),
    "worker.web.database_pools.max_total_connections_hint": (1, 10000),
    "worker.web.auth.jwt_token_expiry_hours": (1, 168),
    "worker.grpc.keepalive_interval_seconds": (1, 3600),
    "worker.grpc.keepalive_timeout_seconds": (1, 300),
    "worker.grpc.max_concurrent_streams": (1, 10000),
    "worker.grpc.max_frame_size": (16384, 16777215),
}

#: Inclusive length bounds from ``#[validate(length(...))]`` in tasker.rs, for
#: strings (characters) and arrays (items). Most say "must not be empty".
#: ``common.database.url`` has no such rule; an empty URL fails later, when
#: the pool is created.
LENGTH_RANGES: dict[str, tuple[int, int | None]] = {
    "common.system.default_dependent_system": (1, None),
    "common.queues.backend": (1, None),
    "common.queues.orchestration_namespace": (1, None),
    "common.queues.worker_namespace": (1, None),
    "common.queues.naming_pattern": (1, None),
    "common.queues.orchestration_queues.task_requests": (1, None),
    "common.queues.orchestration_queues.task_finalizations": (1, None),
    "common.queues.orchestration_queues.step_results": (1, None),
    "common.queues.rabbitmq.url": (1, None),
    "common.execution.environment": (1, None),
    "common.backoff.default_backoff_seconds": (1, 20),
    "common.task_templates.search_paths": (1, None),
    "common.cache.backend": (1, None),
    "common.cache.redis.url": (1, None),
    "common.cache.memcached.url": (1, None),
    "worker.worker_id": (1, None),
    "worker.worker_type": (1, None),
    f"{_EVENT_SYSTEM}.system_id": (1, None),
    "worker.orchestration_client.base_url": (1, None),
    "worker.web.bind_address": (1, None),
    "worker.web.auth.jwt_issuer": (1, None),
    "worker.web.auth.jwt_audience": (1, None),
    "worker.web.auth.api_key_header": (1, None),
    "worker.grpc.bind_address": (1, None),
}

#: Keys whose value must come from a closed set.
#:
#: Not listed because the engine accepts any non-empty string:
#: ``worker.worker_type`` (a free label, upstream uses "general") and
#: ``common.execution.environment`` (upstream documents test | development |
#: production, but only ``TASKER_ENV`` is checked against that list).
ENUM_VALUES: dict[str, frozenset[str]] = {
    # system_context.rs: any other value fails the bootstrap with
    # "Unknown messaging backend"; "rabbitmq" also needs [common.queues.rabbitmq].
    "common.queues.backend": frozenset({"pgmq", "rabbitmq"}),
    # deployment.rs, serde PascalCase variants; anything else fails to deserialise.
    f"{_EVENT_SYSTEM}.deployment_mode": frozenset(
        {"Hybrid", "PollingOnly", "EventDrivenOnly", "Disabled"}
    ),
    # tasker.rs ClientTransport, serde lowercase.
    "worker.orchestration_client.transport": frozenset({"rest", "grpc"}),
    # tasker.rs ClientAuthMethod, an internally tagged enum keyed by "type".
    "worker.orchestration_client.auth.type": frozenset({"bearer", "api_key"}),
    # cache/provider.rs: an unknown backend does not fail, it silently
    # disables the cache (with a warning), which we treat as a mistake.
    "common.cache.backend": frozenset(
        {"redis", "dragonfly", "memcached", "moka", "memory", "in-memory"}
    ),
    # tasker.rs doc comment; security_service.rs only switches on "jwks".
    "worker.web.auth.jwt_verification_method": frozenset({"public_key", "jwks"}),
}

# ---------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------

#: Value patterns the loader applies to each allow-listed variable when its
#: value comes from the environment (config_loader.rs). A value that does not
#: match aborts the process. Written as Rust ``regex`` syntax, which for these
#: patterns means the same in Python's ``re`` except that ``$`` must be read as
#: "end of text" (see :func:`placeholder_value_ok`).
_HOST_PORT = r"^([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[a-zA-Z0-9._-]+):[0-9]{1,5}$"
_PG_URL_BODY = (
    r"postgresql://([a-zA-Z0-9_-]+:[^@]+@)?[a-zA-Z0-9._-]+(:[0-9]+)?/[a-zA-Z0-9_-]+(\?.*)?"
)
_ID = r"^[a-zA-Z0-9][a-zA-Z0-9\-]{0,63}$"

#: The engine's pattern for ``DATABASE_URL``: scheme ``postgresql`` only,
#: optional ``user:password@`` (a user without a password does not match), a
#: host of letters, digits, ``.``, ``_`` or ``-`` (no IPv6, no socket path), an
#: optional port, a database name of letters, digits, ``_`` or ``-``, and an
#: optional query string.
_DATABASE_URL_PATTERN = f"^{_PG_URL_BODY}$"

PLACEHOLDER_VALUE_PATTERNS: dict[str, str] = {
    "DATABASE_URL": _DATABASE_URL_PATTERN,
    # Empty is allowed: PGMQ then shares the main database.
    "PGMQ_DATABASE_URL": f"^({_PG_URL_BODY})?$",
    "TASKER_ENV": r"^(test|development|production)$",
    "TASKER_CONFIG_PATH": r"^[/\\]?[a-zA-Z0-9._/-]+\.toml$",
    "TASKER_WEB_BIND_ADDRESS": _HOST_PORT,
    "TASKER_ORCHESTRATION_GRPC_BIND_ADDRESS": _HOST_PORT,
    "TASKER_WORKER_GRPC_BIND_ADDRESS": _HOST_PORT,
    "TASKER_TEMPLATE_PATH": r"^[/\\]?[a-zA-Z0-9._/-]+$",
    "RABBITMQ_URL": (
        r"^amqp://([a-zA-Z0-9_-]+:[^@]+@)?[a-zA-Z0-9._-]+(:[0-9]+)?(/[a-zA-Z0-9_%.-]*)?$"
    ),
    "TASKER_MESSAGING_BACKEND": r"^(pgmq|rabbitmq)$",
    "REDIS_URL": r"^redis://([a-zA-Z0-9_-]+:[^@]+@)?[a-zA-Z0-9._-]+(:[0-9]+)?(/[0-9]+)?$",
    "MEMCACHED_URL": r"^(tcp://[a-zA-Z0-9._-]+(:[0-9]+)?|unix:///.+)$",
    "TASKER_INSTANCE_ID": _ID,
    "TASKER_INSTANCE_PORT": r"^[0-9]{1,5}$",
    "TASKER_WORKER_ID": _ID,
    "TASKER_JWT_PUBLIC_KEY": r"(?s)^-----BEGIN [A-Z ]+KEY-----.*-----END [A-Z ]+KEY-----\s*$",
    "TASKER_JWT_PUBLIC_KEY_PATH": r"^[/\\]?[a-zA-Z0-9._/ \\-]+\.pem$",
}

#: The only variable names a ``${VAR}`` placeholder may use when the variable
#: is set; any other set variable aborts the process.
PLACEHOLDER_ALLOWLIST: frozenset[str] = frozenset(PLACEHOLDER_VALUE_PATTERNS)


def _compile(pattern: str) -> re.Pattern[str]:
    # Rust's ``$`` (without multi-line mode) only matches at the very end of
    # the text; Python's also matches before a final newline. ``\Z`` is the
    # faithful translation.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


_COMPILED: dict[str, re.Pattern[str]] = {
    name: _compile(pattern) for name, pattern in PLACEHOLDER_VALUE_PATTERNS.items()
}


def is_allowed_placeholder(name: str) -> bool:
    """True when ``${name}`` may be substituted without aborting the engine."""
    return name in PLACEHOLDER_ALLOWLIST


def placeholder_value_ok(name: str, value: str) -> bool:
    """True when the engine would accept ``value`` for the allow-listed ``name``.

    Unknown names return False: the engine would abort on them.
    """
    compiled = _COMPILED.get(name)
    return compiled is not None and compiled.search(value) is not None


def required_leaves_under(prefix: str, leaves: Iterable[str] = REQUIRED_WORKER_LEAVES) -> list[str]:
    """Required leaves inside the table ``prefix`` (e.g. ``"common.database"``), sorted.

    Handy for explaining which keys a layer lost when it replaced a whole table.
    """
    head = prefix.rstrip(".") + "."
    return sorted(leaf for leaf in leaves if leaf.startswith(head))
