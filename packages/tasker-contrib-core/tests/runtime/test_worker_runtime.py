"""The real worker runtime against a throwaway PostgreSQL, one child process per scenario.

The database is a plain one (no tasker schema, no PGMQ): the engine still
bootstraps and reports running, which is what lifecycle, fork, preflight and
environment guards need. Executing steps needs the orchestration service and
is not exercised here; the event path is driven through the real EventBridge.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.engine


def _args(probe: Any, url: str, *, handlers: bool = True) -> dict[str, Any]:
    args: dict[str, Any] = {"url": url, "templates": str(probe.templates)}
    if handlers:
        args.update(handlers_root=str(probe.handlers_root), package="runtime_probe_handlers")
    return args


def _ok(outcome: Any) -> dict[str, Any]:
    assert outcome.returncode == 0, outcome.describe()
    assert outcome.payload is not None, outcome.describe()
    return dict(outcome.payload)


def test_start_status_second_start_stop_and_restart(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    result = _ok(
        helpers.run_scenario("lifecycle", _args(probe, postgres_url), cwd=tmp_path, timeout=90)
    )
    running = result["running"]
    assert running["running"] is True
    assert running["kind"] == "worker"
    assert running["pid"] > 0
    assert running["worker_id"].startswith("python-worker-")
    assert running["poller_alive"] is True
    assert running["last_error"] is None
    assert "runtime_probe" in running["namespaces"]  # from the template, via the handler package
    assert running["details"]["template_count"] == 2
    assert running["details"]["handler_packages"] == ["runtime_probe_handlers"]
    assert {"tasker-event-poller", "tasker-domain-event-poller"} <= set(result["threads_running"])

    # A second start in the same process is a no-op: fast, same worker.
    assert result["second_start_seconds"] < 0.05
    assert result["after_second"]["worker_id"] == running["worker_id"]
    assert result["after_second"]["started_at"] == running["started_at"]
    # The engine allows one worker per process: a second runtime is refused.
    assert result["second_instance_error"].startswith("RuntimeStartError")
    assert "another WorkerRuntime" in result["second_instance_error"]

    # The engine installs no handler for the signals a host server owns.
    assert result["new_host_signals_caught"] == []
    assert result["python_handlers_unchanged"] is True

    # Stop within its bound and leave no thread behind.
    assert result["stopped_ok"] is True
    assert result["stop_seconds"] < 5.0
    assert result["threads_after"] == result["threads_before"]
    assert result["status_after"]["running"] is False
    assert result["second_stop"] is True
    assert result["second_stop_seconds"] < 0.05

    # Restart in the same process works, with a new worker id.
    assert result["restarted"]["running"] is True
    assert result["restarted"]["worker_id"] != running["worker_id"]
    assert result["restop_ok"] is True
    assert result["threads_final"] == result["threads_before"]
    print(
        f"\nworker runtime: start {result['start_seconds']:.3f}s, "
        f"stop {result['stop_seconds']:.3f}s, restart {result['restart_seconds']:.3f}s"
    )


def test_fork_after_start_gives_the_child_a_clear_error_fast(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    result = _ok(
        helpers.run_scenario(
            "fork_after_start", _args(probe, postgres_url, handlers=False), cwd=tmp_path, timeout=60
        )
    )
    assert result["child_timed_out"] is False, result
    assert result["child_exit"] == 0
    child = result["child"]
    assert child["error"] == "RuntimeForkedError"
    assert "post_fork" in child["message"]
    assert "worker_process_init" in child["message"]
    assert child["start_seconds"] < 0.1
    assert child["status"]["running"] is False
    assert "fork" in child["status"]["last_error"]
    assert child["stop"] is True  # nothing of the engine runs in the child; never hangs
    assert child["fresh_instance_error"] == "RuntimeForkedError"
    assert child["total_seconds"] < 5.0
    # The parent is unaffected.
    assert result["parent_running_after_fork"] is True
    assert result["parent_stopped"] is True


@pytest.mark.parametrize(
    ("mode", "preflight_timeout", "bound"),
    [("closed", 2.0, 1.0), ("silent", 1.5, 3.0), ("blackhole", 1.5, 3.0)],
)
def test_unreachable_database_fails_fast_without_freezing_threads(
    mode: str,
    preflight_timeout: float,
    bound: float,
    probe: Any,
    helpers: ModuleType,
    tmp_path: Path,
) -> None:
    result = _ok(
        helpers.run_scenario(
            "unreachable",
            {
                "mode": mode,
                "preflight_timeout": preflight_timeout,
                "templates": str(probe.templates),
            },
            cwd=tmp_path,
            timeout=30,
        )
    )
    error = result["error"]
    assert error["type"] == "DatabaseUnreachableError"
    assert "RuntimeStartError" in error["mro"]
    message = error["message"]
    assert "127.0.0.1" in message
    assert "secret" not in message  # the password is masked
    assert "common.database.url" in message
    assert result["seconds"] < min(bound, 5.0)
    assert result["max_stall"] < 1.0, result
    assert result["engine_imported"] is False  # the engine was never touched
    assert result["status"]["running"] is False
    assert result["status"]["last_error"] == message
    print(
        f"\npreflight {mode}: failed in {result['seconds']:.3f}s, "
        f"ticker max stall {result['max_stall'] * 1000:.0f} ms"
    )


def test_postgres_scheme_never_reaches_the_engine(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    arguments = {**_args(probe, postgres_url, handlers=False), "scratch": str(scratch)}
    result = _ok(helpers.run_scenario("postgres_scheme", arguments, cwd=tmp_path, timeout=60))
    placeholder = result["placeholder"]
    assert placeholder["running"] is True  # without the guard the engine aborts (SIGABRT)
    assert placeholder["file_has_placeholder"] is True
    assert placeholder["file_has_postgres_scheme"] is False
    assert placeholder["env_database_url_scheme"] == "postgresql"
    assert placeholder["stopped"] is True
    from_environment = result["environment"]
    assert from_environment["running"] is True
    assert from_environment["file_has_postgres_scheme"] is False
    assert from_environment["file_has_postgresql_url"] is True
    assert from_environment["env_database_url_scheme"] == "postgresql"
    assert from_environment["stopped"] is True


def test_step_notifications_reach_subscribers_across_restarts(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    result = _ok(
        helpers.run_scenario("bridge_events", _args(probe, postgres_url), cwd=tmp_path, timeout=60)
    )
    # Ours runs before the worker's own subscriber, so "started" precedes the handler.
    order = result["first_order"]
    assert len(order) == 2
    assert "on_received" in order[0]
    assert "StepExecutionSubscriber" in order[1]
    names = [event["name"] for event in result["received"]]
    one_round = ["step.execution.completed", "step.execution.failed", "step.checkpoint_yield.sent"]
    assert names == one_round * 2  # delivered after the restart too (re-subscribed)
    completed, failed = result["received"][0], result["received"][1]
    assert completed["kind"] == "lifecycle"
    assert completed["payload"]["result"] == {"tag": "first"}
    assert completed["payload"]["duration_ms"] == 7
    assert failed["payload"]["error"]["error_type"] == "permanent_error"
    assert completed["metadata"]["source"] == "worker"
    # The broken subscriber never stopped anything.
    for status in (result["first_status"], result["second_status"]):
        assert status["running"] is True
        assert status["poller_alive"] is True
        assert status["details"]["listener_failures"] >= 3
        assert status["last_event_age_seconds"] is not None
    assert result["listeners_after_stop"] == 0  # EventBridge.stop() dropped every listener


def test_start_bound_expiring_fails_and_undoes_the_late_engine(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    result = _ok(
        helpers.run_scenario(
            "start_timeout", _args(probe, postgres_url, handlers=False), cwd=tmp_path, timeout=60
        )
    )
    assert result["error"].startswith("RuntimeStartError")
    assert "start_timeout_seconds" in result["error"]
    assert result["status"]["running"] is False
    assert result["engine_running_later"] is False  # stopped once it finished starting
    assert result["threads_settled"] is True


def test_a_script_that_starts_and_returns_exits_promptly(
    postgres_url: str, probe: Any, helpers: ModuleType, tmp_path: Path
) -> None:
    outcome = helpers.run_scenario(
        "start_and_return", _args(probe, postgres_url, handlers=False), cwd=tmp_path, timeout=30
    )
    result = _ok(outcome)
    assert result["running"] is True
    assert outcome.seconds < 15
