"""The engine facts are consistent, and the ones the settings layer relies on most are
pinned by evidence from the real worker, so an engine upgrade that changes them fails here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.config import engine_facts
from tasker_contrib_testsupport.postgres import PostgresCluster
from tasker_contrib_testsupport.worker_probe import probe_worker

# -- pure data ---------------------------------------------------------------


def test_required_leaves_cover_both_contexts() -> None:
    common = {p for p in engine_facts.REQUIRED_WORKER_LEAVES if p.startswith("common.")}
    worker = {p for p in engine_facts.REQUIRED_WORKER_LEAVES if p.startswith("worker.")}
    assert common | worker == engine_facts.REQUIRED_WORKER_LEAVES
    assert len(common) == 39
    assert len(worker) == 49
    assert "common.database.url" in common
    assert "worker.event_systems.worker.timing.health_check_interval_seconds" in worker


def test_required_tables_and_optional_leaves_do_not_overlap_required_leaves() -> None:
    for table in engine_facts.REQUIRED_WORKER_TABLES:
        assert not engine_facts.required_leaves_under(table)
    for table in engine_facts.OPTIONAL_TABLE_REQUIRED_LEAVES:
        assert not engine_facts.required_leaves_under(table), table


def test_required_leaves_under_lists_a_table() -> None:
    pool = engine_facts.required_leaves_under("common.database.pool")
    assert pool == [
        "common.database.pool.acquire_timeout_seconds",
        "common.database.pool.idle_timeout_seconds",
        "common.database.pool.max_connections",
        "common.database.pool.max_lifetime_seconds",
        "common.database.pool.min_connections",
    ]


def test_ranges_are_well_formed() -> None:
    for path, (low, high) in engine_facts.NUMERIC_RANGES.items():
        assert path.startswith(("common.", "worker.")), path
        assert low is not None or high is not None, path
        if low is not None and high is not None:
            assert low <= high, path
    assert engine_facts.NUMERIC_RANGES["common.database.pool.max_connections"] == (1, 1000)
    assert "common.database.url" not in engine_facts.NUMERIC_RANGES


def test_enums_and_environments() -> None:
    assert engine_facts.ENVIRONMENTS == ("test", "development", "production")
    assert engine_facts.ENUM_VALUES["common.queues.backend"] == {"pgmq", "rabbitmq"}
    assert "Hybrid" in engine_facts.ENUM_VALUES["worker.event_systems.worker.deployment_mode"]
    assert "worker.worker_type" not in engine_facts.ENUM_VALUES


def test_placeholder_allowlist_is_exactly_the_engines() -> None:
    expected = {
        "DATABASE_URL",
        "PGMQ_DATABASE_URL",
        "TASKER_ENV",
        "TASKER_CONFIG_PATH",
        "TASKER_WEB_BIND_ADDRESS",
        "TASKER_ORCHESTRATION_GRPC_BIND_ADDRESS",
        "TASKER_WORKER_GRPC_BIND_ADDRESS",
        "TASKER_TEMPLATE_PATH",
        "RABBITMQ_URL",
        "TASKER_MESSAGING_BACKEND",
        "REDIS_URL",
        "MEMCACHED_URL",
        "TASKER_INSTANCE_ID",
        "TASKER_INSTANCE_PORT",
        "TASKER_WORKER_ID",
        "TASKER_JWT_PUBLIC_KEY",
        "TASKER_JWT_PUBLIC_KEY_PATH",
    }
    assert expected == engine_facts.PLACEHOLDER_ALLOWLIST
    assert engine_facts.is_allowed_placeholder("DATABASE_URL")
    assert not engine_facts.is_allowed_placeholder("HOME")


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("postgresql://tasker:secret@127.0.0.1:5432/tasker_test", True),
        ("postgresql://localhost/tasker", True),
        ("postgresql://db.internal:6543/app-db?sslmode=require", True),
        ("postgresql://u:p%40ss@host/db", True),
        ("postgres://tasker:secret@localhost/db", False),
        ("postgresql://tasker@localhost/db", False),
        ("postgresql://localhost", False),
        ("postgresql://[::1]:5432/db", False),
        ("postgresql://localhost/db.name", False),
        ("postgresql://localhost/db\n", False),
        ("mysql://localhost/db", False),
    ],
)
def test_database_url_pattern(url: str, accepted: bool) -> None:
    assert engine_facts.placeholder_value_ok("DATABASE_URL", url) is accepted


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("TASKER_ENV", "test", True),
        ("TASKER_ENV", "staging", False),
        ("PGMQ_DATABASE_URL", "", True),
        ("TASKER_WEB_BIND_ADDRESS", "127.0.0.1:8081", True),
        ("TASKER_WEB_BIND_ADDRESS", "127.0.0.1", False),
        ("RABBITMQ_URL", "amqp://guest:guest@localhost:5672/%2F", True),
        ("TASKER_WORKER_ID", "worker-1", True),
        ("TASKER_WORKER_ID", "worker_1", False),
        (
            "TASKER_JWT_PUBLIC_KEY",
            "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n",
            True,
        ),
        ("NOT_ALLOWED", "anything", False),
    ],
)
def test_placeholder_value_patterns(name: str, value: str, accepted: bool) -> None:
    assert engine_facts.placeholder_value_ok(name, value) is accepted


# -- evidence from the real worker ---------------------------------------------


@pytest.mark.engine
@pytest.mark.parametrize(
    "leaf",
    [
        "common.database.pool.max_connections",
        "common.queues.pgmq.poll_interval_ms",
        "worker.event_systems.worker.timing.health_check_interval_seconds",
    ],
)
def test_worker_refuses_to_start_without_a_required_leaf(
    leaf: str, postgres_url: str, engine_config: Callable[..., Path], kit: Any
) -> None:
    assert leaf in engine_facts.REQUIRED_WORKER_LEAVES
    path = engine_config("test", postgres_url, edit=lambda t: kit.delete_path(t, leaf))
    result = probe_worker(path, timeout=90)
    assert not result.bootstrapped, result.describe()
    assert not result.aborted, result.describe()
    assert f"missing field `{leaf.rsplit('.', 1)[1]}`" in result.output, result.describe()


@pytest.mark.engine
def test_worker_refuses_to_start_without_a_required_table(
    postgres_url: str, engine_config: Callable[..., Path], kit: Any
) -> None:
    (table,) = engine_facts.REQUIRED_WORKER_TABLES
    path = engine_config("test", postgres_url, edit=lambda t: kit.delete_path(t, table))
    result = probe_worker(path, timeout=90)
    assert not result.bootstrapped, result.describe()
    assert f"missing field `{table.rsplit('.', 1)[1]}`" in result.output, result.describe()


@pytest.mark.engine
def test_a_leaf_with_an_engine_default_may_be_omitted(
    postgres_url: str, engine_config: Callable[..., Path], kit: Any
) -> None:
    # The control case: slow_acquire_threshold_ms has a serde default, so it is
    # not in REQUIRED_WORKER_LEAVES and the worker starts without it.
    leaf = "common.database.pool.slow_acquire_threshold_ms"
    assert leaf not in engine_facts.REQUIRED_WORKER_LEAVES
    path = engine_config("test", postgres_url, edit=lambda t: kit.delete_path(t, leaf))
    result = probe_worker(path, timeout=90)
    assert result.ok, result.describe()


@pytest.mark.engine
def test_out_of_range_value_fails_validation(
    postgres_url: str, engine_config: Callable[..., Path], kit: Any
) -> None:
    leaf = "common.database.pool.max_connections"
    low, _ = engine_facts.NUMERIC_RANGES[leaf]
    assert isinstance(low, int)
    path = engine_config("test", postgres_url, edit=lambda t: kit.set_path(t, leaf, low - 1))
    result = probe_worker(path, timeout=90)
    assert not result.bootstrapped, result.describe()
    assert not result.aborted, result.describe()
    assert "Configuration validation failed" in result.output, result.describe()


def _postgres_scheme(url: str) -> str:
    return "postgres://" + url.split("://", 1)[1]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("case", "aborts"),
    [
        ("env DATABASE_URL with postgres:// scheme", True),
        ("env DATABASE_URL with user but no password", True),
        ("set variable outside the allow-list", True),
        ("literal postgres:// URL in the file", False),
        ("unset DATABASE_URL with a :- default", False),
    ],
)
def test_dangerous_inputs(
    case: str,
    aborts: bool,
    postgres_url: str,
    postgres_cluster: PostgresCluster,
    engine_config: Callable[..., Path],
) -> None:
    """Pin which inputs kill the process (SIGABRT), so the settings layer's guards stay needed."""
    no_password = postgres_url.replace(f":{postgres_cluster.password}@", "@")
    cases: dict[str, tuple[str | None, dict[str, str | None], str | None]] = {
        "env DATABASE_URL with postgres:// scheme": (
            "${DATABASE_URL}",
            {"DATABASE_URL": _postgres_scheme(postgres_url)},
            None,
        ),
        "env DATABASE_URL with user but no password": (
            "${DATABASE_URL}",
            {"DATABASE_URL": no_password},
            None,
        ),
        "set variable outside the allow-list": (
            "${NOT_ALLOWED}",
            {"NOT_ALLOWED": postgres_url},
            None,
        ),
        "literal postgres:// URL in the file": (None, {}, _postgres_scheme(postgres_url)),
        "unset DATABASE_URL with a :- default": (
            "${DATABASE_URL:-" + postgres_url + "}",
            {"DATABASE_URL": None},
            None,
        ),
    }
    placeholder, env, literal = cases[case]
    path = engine_config("test", placeholder or literal)
    result = probe_worker(path, extra_env=env, timeout=90)
    if aborts:
        assert result.aborted, result.describe()
        assert result.payload is None
        assert "Environment variable validation failed" in result.output, result.describe()
    else:
        assert result.ok, result.describe()
