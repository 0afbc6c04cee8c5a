"""The real engine bootstraps with what we render (in a subprocess: a panic must not
take pytest down), against a throwaway PostgreSQL cluster on 127.0.0.1."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.config.engine_facts import ENVIRONMENTS
from tasker_contrib_testsupport.worker_probe import probe_worker

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_worker_boots_on_builtin_defaults(
    environment: str, postgres_url: str, tmp_path: Path
) -> None:
    settings = TaskerSettings(
        _environ={},
        environment=environment,
        config_dir=tmp_path / "absent",
        common={"database": {"url": postgres_url}},
    )
    path = settings.render(tmp_path / "worker.toml")
    result = probe_worker(path, timeout=90)
    assert result.ok, result.describe()


def test_worker_boots_with_user_config_dir_and_overrides(postgres_url: str, tmp_path: Path) -> None:
    root = tmp_path / "config" / "tasker"
    (root / "base").mkdir(parents=True)
    (root / "environments" / "production").mkdir(parents=True)
    (root / "base" / "common.toml").write_text(
        "[common.database.pool]\nmax_connections = 4\nmin_connections = 1\n"
        "[common.database.pool._docs.max_connections]\ndescription = 'dropped when merged'\n"
    )
    (root / "environments" / "production" / "worker.toml").write_text(
        '[worker]\nworker_id = "${TASKER_WORKER_ID:-contrib-prod-1}"\n'
        "[worker.event_systems.worker.metadata.fallback_poller]\npolling_interval_ms = 250\n"
    )
    # A postgres:// URL is normalised before the engine can see (and abort on) it.
    scheme_fixed = "postgres://" + postgres_url.split("://", 1)[1]
    settings = TaskerSettings(
        _environ={"DATABASE_URL": scheme_fixed},
        environment="production",
        config_dir=root,
        worker={"orchestration_client": {"timeout_ms": 5000}},
        overrides={"common.database.pool.acquire_timeout_seconds": 3},
    )
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        path = settings.render(tmp_path / "worker.toml")
    rows = {row.path: row.layer for row in settings.explain()}
    assert rows["common.database.pool.max_connections"] == "base TOML"
    assert (
        rows["worker.event_systems.worker.metadata.fallback_poller.polling_interval_ms"]
        == "environment TOML"
    )
    assert rows["common.database.pool.acquire_timeout_seconds"] == "override"
    assert "postgresql://" in path.read_text()
    result = probe_worker(path, timeout=90)
    assert result.ok, result.describe()
