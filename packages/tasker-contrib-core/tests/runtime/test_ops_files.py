"""The deployment files in ops/: syntax and the promises they make.

Docker, gunicorn and systemd are not available where these tests run, so the
files are parsed and checked for structure; the gunicorn hooks are called
directly with a local runtime.
"""

from __future__ import annotations

import configparser
import runpy
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

OPS = Path(__file__).resolve().parents[4] / "ops"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((OPS / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_has_the_real_stack_and_a_dedicated_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "orchestration", "rabbitmq", "worker"}
    assert "ghcr.io/tasker-systems/tasker-postgres" in services["postgres"]["image"]
    assert "ghcr.io/tasker-systems/tasker-orchestration:0.1.8" in services["orchestration"]["image"]
    assert services["rabbitmq"]["image"].startswith("rabbitmq:")
    worker = services["worker"]
    assert worker["command"][:2] == ["tasker-contrib", "worker"]
    assert set(worker["depends_on"]) == {"postgres", "orchestration"}
    assert worker["depends_on"]["orchestration"]["condition"] == "service_healthy"


def test_compose_urls_and_timeouts_keep_the_engine_safe(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("orchestration", "worker"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://"), name  # postgres:// aborts the engine
    worker = services["worker"]
    shutdown = float(worker["environment"]["TASKER_SHUTDOWN_TIMEOUT_SECONDS"])
    grace = float(worker["stop_grace_period"].rstrip("s"))
    assert grace > shutdown
    assert worker["stop_signal"] == "SIGTERM"
    mounts = services["orchestration"]["volumes"]
    assert any("orchestration.toml" in mount for mount in mounts)
    assert (OPS / "config" / "README.md").is_file()  # says how to generate it


def test_worker_image_uses_a_glibc_base_the_wheel_supports() -> None:
    dockerfile = (OPS / "worker.Dockerfile").read_text(encoding="utf-8")
    base = next(line for line in dockerfile.splitlines() if line.startswith("FROM "))
    assert "bookworm" in base
    assert "alpine" not in base
    assert 'CMD ["tasker-contrib", "worker"' in dockerfile


def test_gunicorn_config_compiles_and_defines_the_hooks() -> None:
    source = (OPS / "gunicorn.conf.py").read_text(encoding="utf-8")
    compile(source, "gunicorn.conf.py", "exec")
    namespace = runpy.run_path(str(OPS / "gunicorn.conf.py"))
    for hook in ("post_fork", "worker_exit"):
        assert callable(namespace[hook])
    assert "on_starting" not in namespace  # nothing starts in the master
    assert "when_ready" not in namespace
    assert namespace["graceful_timeout"] > 5


def test_gunicorn_hooks_start_and_stop_a_runtime_per_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, helpers: Any
) -> None:
    fixtures = helpers.load("local_fixtures")
    templates = fixtures.write_templates(tmp_path / "templates")
    monkeypatch.setenv("TASKER_RUNTIME", "local")
    monkeypatch.setenv("TASKER_TEMPLATE_PATH", str(templates))
    monkeypatch.setenv("TASKER_CONFIG_DIR", str(tmp_path / "none"))
    namespace = runpy.run_path(str(OPS / "gunicorn.conf.py"))
    worker = types.SimpleNamespace(pid=12345)
    hooks = namespace["post_fork"].__globals__  # run_path returned a copy of these
    namespace["post_fork"](None, worker)
    runtime = hooks["_runtime"]
    assert runtime is not None
    assert runtime.status().running
    assert runtime.status().namespaces == ("contract",)
    namespace["worker_exit"](None, worker)
    assert hooks["_runtime"] is None
    assert runtime.status().running is False
    namespace["worker_exit"](None, worker)  # a second exit is harmless


def test_systemd_unit_parses_and_stops_gracefully() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((OPS / "systemd" / "tasker-worker.service").read_text(encoding="utf-8"))
    assert parser.sections() == ["Unit", "Service", "Install"]
    service = parser["Service"]
    assert service["ExecStart"].endswith("tasker-contrib worker --runtime worker")
    assert service["KillSignal"] == "SIGTERM"
    assert service["Restart"] == "on-failure"
    shutdown = next(
        float(item.split("=", 1)[1])
        for item in service["Environment"].split()
        if item.startswith("TASKER_SHUTDOWN_TIMEOUT_SECONDS=")
    )
    assert float(service["TimeoutStopSec"]) > shutdown
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_uvicorn_notes_show_a_lifespan_that_keeps_bootstrap_off_the_loop() -> None:
    notes = (OPS / "uvicorn.md").read_text(encoding="utf-8")
    assert "to_thread.run_sync(runtime.start)" in notes
    assert "--workers" in notes
