"""Scenarios for the real worker runtime, each run in its own interpreter.

Usage: ``python scenarios.py NAME JSON_ARGS``. Each scenario prints exactly one
``SCENARIO_RESULT {json}`` line with what it measured; the tests assert on it.
Only the standard library, tasker-contrib-core and tasker_core are used here.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKER = "SCENARIO_RESULT "

# Signals a host server owns; the runtime must never catch them.
HOST_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(MARKER + json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def caught_signals() -> list[int]:
    """Signals with a handler installed at the C level (from /proc/self/status SigCgt)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            mask = int(line.split()[1], 16)
            return [number for number in range(1, 65) if mask & (1 << (number - 1))]
    return []


def thread_names() -> list[str]:
    return sorted(thread.name for thread in threading.enumerate())


def settings_for(args: dict[str, Any], **extra: Any) -> Any:
    from tasker_contrib_core.config import TaskerSettings

    values: dict[str, Any] = {
        "environment": "test",
        "common": {"database": {"url": args["url"]}},
        "template_paths": [args["templates"]],
        "shutdown_timeout_seconds": 5,
        "start_timeout_seconds": 20,
    }
    if args.get("package"):
        sys.path.insert(0, args["handlers_root"])
        values["handler_packages"] = [args["package"]]
    values.update(extra)
    return TaskerSettings(_environ={}, **values)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    value = action()
    return value, time.monotonic() - started


def lifecycle(args: dict[str, Any]) -> dict[str, Any]:
    """Start, status, second start, stop, threads and signals before/after, restart."""
    from tasker_contrib_core.runtime import WorkerRuntime

    runtime = WorkerRuntime(settings_for(args))
    threads_before = thread_names()
    signals_before = caught_signals()
    python_handlers = {s: signal.getsignal(s) for s in HOST_SIGNALS}
    _, start_seconds = timed(runtime.start)
    running = runtime.status().to_dict()
    threads_running = thread_names()
    _, second_start_seconds = timed(runtime.start)
    after_second = runtime.status().to_dict()
    try:
        WorkerRuntime(settings_for(args)).start()
        second_instance_error = None
    except Exception as exc:
        second_instance_error = f"{type(exc).__name__}: {exc}"
    signals_running = caught_signals()
    handlers_unchanged = all(signal.getsignal(s) == h for s, h in python_handlers.items())
    stopped_ok, stop_seconds = timed(lambda: runtime.stop(5.0))
    threads_after = thread_names()
    status_after = runtime.status().to_dict()
    second_stop, second_stop_seconds = timed(lambda: runtime.stop(5.0))
    _, restart_seconds = timed(runtime.start)
    restarted = runtime.status().to_dict()
    restop_ok = runtime.stop(5.0)
    return {
        "start_seconds": start_seconds,
        "running": running,
        "threads_before": threads_before,
        "threads_running": threads_running,
        "second_start_seconds": second_start_seconds,
        "after_second": after_second,
        "second_instance_error": second_instance_error,
        "new_host_signals_caught": sorted(
            (set(signals_running) - set(signals_before)) & {int(s) for s in HOST_SIGNALS}
        ),
        "python_handlers_unchanged": handlers_unchanged,
        "stopped_ok": stopped_ok,
        "stop_seconds": stop_seconds,
        "threads_after": threads_after,
        "status_after": status_after,
        "second_stop": second_stop,
        "second_stop_seconds": second_stop_seconds,
        "restart_seconds": restart_seconds,
        "restarted": restarted,
        "restop_ok": restop_ok,
        "threads_final": thread_names(),
    }


def fork_after_start(args: dict[str, Any]) -> dict[str, Any]:
    """Start, fork; the child must get RuntimeForkedError fast and never touch the engine."""
    from tasker_contrib_core.errors import RuntimeForkedError
    from tasker_contrib_core.runtime import WorkerRuntime

    runtime = WorkerRuntime(settings_for(args))
    runtime.start()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, leave without cleanup
        os.close(read_end)
        report: dict[str, Any] = {"pid": os.getpid()}
        started = time.monotonic()
        try:
            runtime.start()
            report["error"] = None
        except RuntimeForkedError as exc:
            report["error"] = type(exc).__name__
            report["message"] = str(exc)
        report["start_seconds"] = time.monotonic() - started
        report["status"] = runtime.status().to_dict()
        stop_started = time.monotonic()
        report["stop"] = runtime.stop(2.0)
        report["stop_seconds"] = time.monotonic() - stop_started
        try:
            WorkerRuntime(settings_for(args)).start()
            report["fresh_instance_error"] = None
        except RuntimeForkedError as exc:
            report["fresh_instance_error"] = type(exc).__name__
        report["total_seconds"] = time.monotonic() - started
        os.write(write_end, json.dumps(report, default=str).encode())
        os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + 5.0
    exit_status: int | None = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            exit_status = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.02)
    child_timed_out = exit_status is None
    if child_timed_out:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    parent_status = runtime.status().to_dict()
    stopped = runtime.stop(5.0)
    return {
        "child": json.loads(b"".join(chunks) or b"null"),
        "child_exit": exit_status,
        "child_timed_out": child_timed_out,
        "parent_running_after_fork": parent_status["running"],
        "parent_stopped": stopped,
    }


def _unreachable_port(mode: str) -> tuple[int, list[socket.socket]]:
    keep: list[socket.socket] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = int(server.getsockname()[1])
    if mode == "closed":
        server.close()
        return port, keep
    keep.append(server)
    if mode == "silent":  # accepts TCP (kernel backlog) but never says a word
        server.listen(16)
        return port, keep
    # "blackhole": a full accept queue makes the kernel drop new SYNs, so a connect
    # gets no answer at all, like a firewalled or powered-off host.
    server.listen(0)
    for _ in range(8):
        filler = socket.socket()
        filler.settimeout(0.3)
        try:
            filler.connect(("127.0.0.1", port))
        except OSError:
            filler.close()
            break
        keep.append(filler)
    return port, keep


def unreachable(args: dict[str, Any]) -> dict[str, Any]:
    """Start against a database that cannot answer, while a ticker thread measures stalls."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import WorkerRuntime

    port, keep = _unreachable_port(args["mode"])
    settings = TaskerSettings(
        _environ={},
        environment="test",
        common={"database": {"url": f"postgresql://tasker:secret@127.0.0.1:{port}/nowhere"}},
        template_paths=[args["templates"]],
    )
    runtime = WorkerRuntime(settings, preflight_timeout=args["preflight_timeout"])
    stalls: list[float] = []
    stop_ticker = threading.Event()

    def tick() -> None:
        last = time.monotonic()
        while not stop_ticker.wait(0.01):
            now = time.monotonic()
            stalls.append(now - last)
            last = now

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    time.sleep(0.1)
    started = time.monotonic()
    error: dict[str, Any] = {"type": None}
    try:
        runtime.start()
    except Exception as exc:
        error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "mro": [c.__name__ for c in type(exc).__mro__],
        }
    elapsed = time.monotonic() - started
    time.sleep(0.1)
    stop_ticker.set()
    ticker.join(1)
    for sock in keep:
        sock.close()
    return {
        "error": error,
        "seconds": elapsed,
        "max_stall": max(stalls) if stalls else None,
        "ticks": len(stalls),
        "engine_imported": "tasker_core" in sys.modules,
        "status": runtime.status().to_dict(),
    }


def postgres_scheme(args: dict[str, Any]) -> dict[str, Any]:
    """A postgres:// URL in the process environment never reaches the engine."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import WorkerRuntime

    bad = args["url"].replace("postgresql://", "postgres://", 1)
    results: dict[str, Any] = {}

    # A: the file keeps a ${DATABASE_URL:-...} placeholder (settings were built from a
    # mapping without DATABASE_URL) while the process environment holds postgres://.
    # Unguarded, the engine would substitute it and abort the process.
    config_dir = Path(args["scratch"]) / "config"
    (config_dir / "base").mkdir(parents=True, exist_ok=True)
    (config_dir / "base" / "common.toml").write_text(
        '[common.database]\nurl = "${DATABASE_URL:-postgresql://nobody:x@127.0.0.1:1/none}"\n'
    )
    os.environ["DATABASE_URL"] = bad
    settings = TaskerSettings(
        _environ={}, environment="test", config_dir=config_dir, template_paths=[args["templates"]]
    )
    runtime = WorkerRuntime(settings)
    runtime.start()
    status = runtime.status().to_dict()
    text = Path(status["details"]["config_path"]).read_text()
    results["placeholder"] = {
        "running": status["running"],
        "file_has_placeholder": "${DATABASE_URL" in text,
        "file_has_postgres_scheme": "postgres://" in text,
        "env_database_url_scheme": os.environ["DATABASE_URL"].split("://")[0],
        "stopped": runtime.stop(5.0),
    }

    # B: settings read DATABASE_URL=postgres://... from the environment themselves.
    os.environ["DATABASE_URL"] = bad
    settings = TaskerSettings(environment="test", template_paths=[args["templates"]])
    runtime = WorkerRuntime(settings)
    runtime.start()
    status = runtime.status().to_dict()
    text = Path(status["details"]["config_path"]).read_text()
    results["environment"] = {
        "running": status["running"],
        "file_has_postgres_scheme": "postgres://" in text,
        "file_has_postgresql_url": "postgresql://" in text,
        "env_database_url_scheme": os.environ["DATABASE_URL"].split("://")[0],
        "stopped": runtime.stop(5.0),
    }
    return results


def bridge_events(args: dict[str, Any]) -> dict[str, Any]:
    """Step notifications reach subscribers through the real EventBridge, across restarts."""
    import uuid

    import tasker_core
    from tasker_contrib_core.runtime import WorkerRuntime
    from tasker_core.types import StepError, StepExecutionResult

    runtime = WorkerRuntime(settings_for(args))
    received: list[dict[str, Any]] = []

    def good(event: Any) -> None:
        received.append(event.to_dict())

    def bad(event: Any) -> None:
        raise RuntimeError("this subscriber is broken")

    runtime.subscribe(bad)
    runtime.subscribe(good)
    runtime.start()
    bridge = tasker_core.EventBridge.instance()

    def order_of_received_listeners() -> list[str]:
        return [
            getattr(f, "__qualname__", repr(f)) for f in bridge.listeners("step.execution.received")
        ]

    def publish_round(tag: str) -> None:
        task, step = str(uuid.uuid4()), str(uuid.uuid4())
        bridge.publish(
            "step.completion.sent",
            StepExecutionResult.success_result(
                step_uuid=uuid.UUID(step),
                task_uuid=uuid.UUID(task),
                result={"tag": tag},
                execution_time_ms=7,
                worker_id="w",
                correlation_id=uuid.uuid4(),
                metadata={},
            ),
        )
        bridge.publish(
            "step.completion.sent",
            StepExecutionResult.failure_result(
                step_uuid=uuid.UUID(step),
                task_uuid=uuid.UUID(task),
                error=StepError(error_type="permanent_error", message="no", retryable=False),
                execution_time_ms=3,
                worker_id="w",
                correlation_id=uuid.uuid4(),
                metadata={},
            ),
        )
        bridge.publish("step.checkpoint_yield.sent", {"step_uuid": step, "cursor": 5})

    first_order = order_of_received_listeners()
    publish_round("first")
    first = runtime.status().to_dict()
    runtime.stop(5.0)
    listeners_after_stop = len(bridge.listeners("step.completion.sent"))
    runtime.start()
    publish_round("second")
    second = runtime.status().to_dict()
    runtime.stop(5.0)
    return {
        "received": received,
        "first_order": first_order,
        "first_status": first,
        "second_status": second,
        "listeners_after_stop": listeners_after_stop,
    }


def start_timeout(args: dict[str, Any]) -> dict[str, Any]:
    """A start bound too short for the first import: start fails, the engine is undone."""
    from tasker_contrib_core.runtime import WorkerRuntime

    threads_before = thread_names()
    runtime = WorkerRuntime(settings_for(args, start_timeout_seconds=0.2))
    started = time.monotonic()
    try:
        runtime.start()
        error = None
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.monotonic() - started
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and thread_names() != threads_before:
        time.sleep(0.05)
    import tasker_core

    return {
        "error": error,
        "seconds": seconds,
        "engine_running_later": tasker_core.is_worker_running(),
        "threads_settled": thread_names() == threads_before,
        "status": runtime.status().to_dict(),
    }


def start_and_return(args: dict[str, Any]) -> dict[str, Any]:
    """Start and let the script end without stop(): the interpreter must exit at once."""
    from tasker_contrib_core.runtime import WorkerRuntime

    runtime = WorkerRuntime(settings_for(args))
    runtime.start()
    return {"running": runtime.status().running}


SCENARIOS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "lifecycle": lifecycle,
    "fork_after_start": fork_after_start,
    "unreachable": unreachable,
    "postgres_scheme": postgres_scheme,
    "bridge_events": bridge_events,
    "start_timeout": start_timeout,
    "start_and_return": start_and_return,
}


def main() -> int:
    name, raw = sys.argv[1], sys.argv[2]
    try:
        payload = SCENARIOS[name](json.loads(raw))
    except BaseException as exc:  # report, whatever happened
        import traceback

        emit(
            {"scenario_error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        )
        return 1
    emit(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
