"""The built-in engine defaults: complete, within the engine's rules, headless, and
accepted by the real worker in every environment."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.config import engine_facts
from tasker_contrib_testsupport.worker_probe import probe_worker

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ENVIRONMENTS = engine_facts.ENVIRONMENTS


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_file_parses_and_holds_only_worker_context_tables(environment: str, kit: Any) -> None:
    for path in kit.default_files(environment):
        assert path.is_file(), path
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(table) <= {"common", "worker"}, path


def test_no_file_contains_a_placeholder(kit: Any) -> None:
    # The engine substitutes ${...} in the raw text, comments included, and
    # aborts on a set variable it does not allow: the defaults must not risk it.
    for path in sorted(Path(kit.defaults_dir).rglob("*.toml")):
        assert "${" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_merged_defaults_contain_every_required_leaf(environment: str, kit: Any) -> None:
    table = kit.load_defaults(environment)
    present = {path for path, _ in kit.iter_leaves(table)}
    missing = sorted(engine_facts.REQUIRED_WORKER_LEAVES - present)
    assert not missing
    for required_table in engine_facts.REQUIRED_WORKER_TABLES:
        assert isinstance(kit.get_path(table, required_table), dict)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_optional_tables_we_ship_are_complete(environment: str, kit: Any) -> None:
    table = kit.load_defaults(environment)
    for optional, leaves in engine_facts.OPTIONAL_TABLE_REQUIRED_LEAVES.items():
        try:
            kit.get_path(table, optional)
        except KeyError:
            continue
        for leaf in leaves:
            kit.get_path(table, f"{optional}.{leaf}")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_merged_defaults_respect_engine_rules(environment: str, kit: Any) -> None:
    leaves = dict(kit.iter_leaves(kit.load_defaults(environment)))
    problems = []
    for path, (low, high) in engine_facts.NUMERIC_RANGES.items():
        if path in leaves:
            value = leaves[path]
            if (low is not None and value < low) or (high is not None and value > high):
                problems.append(f"{path}={value} outside {low}..{high}")
    for path, (shortest, longest) in engine_facts.LENGTH_RANGES.items():
        if path in leaves:
            size = len(leaves[path])
            if size < shortest or (longest is not None and size > longest):
                problems.append(f"{path} has length {size}")
    for path, allowed in engine_facts.ENUM_VALUES.items():
        if path in leaves and leaves[path] not in allowed:
            problems.append(f"{path}={leaves[path]!r} not in {sorted(allowed)}")
    pool = "common.database.pool"
    if leaves[f"{pool}.min_connections"] > leaves[f"{pool}.max_connections"]:
        problems.append("min_connections > max_connections")
    assert engine_facts.placeholder_value_ok("DATABASE_URL", leaves["common.database.url"])
    assert not problems


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_defaults_are_headless_and_local(environment: str, kit: Any) -> None:
    table = kit.load_defaults(environment)
    worker = table["worker"]
    assert worker["web"]["enabled"] is False
    assert worker["grpc"]["enabled"] is False
    assert worker["web"]["bind_address"].startswith("127.0.0.1:")
    assert worker["grpc"]["bind_address"].startswith("127.0.0.1:")
    assert worker["orchestration_client"]["base_url"] == "http://localhost:8080"
    assert table["common"]["queues"]["backend"] == "pgmq"
    assert table["common"]["execution"]["environment"] == environment
    assert table["common"]["database"]["pool"]["max_connections"] <= 20


def test_environments_scale_the_pool(kit: Any) -> None:
    sizes = {
        env: kit.load_defaults(env)["common"]["database"]["pool"]["max_connections"]
        for env in ENVIRONMENTS
    }
    assert sizes["test"] <= sizes["development"] <= sizes["production"]


@pytest.mark.engine
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_real_worker_bootstraps_on_each_environment(
    environment: str, postgres_url: str, engine_config: Callable[..., Path]
) -> None:
    path = engine_config(environment, postgres_url)
    result = probe_worker(path, timeout=90)
    assert result.ok, result.describe()
    assert result.payload is not None
    status = result.payload["status"]
    assert status["running"] is True
    assert status["environment"] == environment
    assert status["web_api_enabled"] is False
