"""``tasker-contrib doctor``: one table of checks, a fix per failure, exit 1 on failure."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_core.runtime import diagnostics


def run_doctor(
    helpers: ModuleType, probe: Any, cwd: Path, *args: str, **env: str
) -> tuple[Any, dict[str, Any]]:
    outcome = helpers.run_python(
        ["-c", "from tasker_contrib_core.cli import main; main()", "doctor", *args],
        cwd=cwd,
        env=helpers.clean_env(
            {
                "TASKER_ENV": "test",
                "TASKER_TEMPLATE_PATH": str(probe.templates),
                "PYTHONPATH": str(probe.handlers_root),
                **env,
            }
        ),
        timeout=90,
    )
    report = json.loads(outcome.stdout) if "--json" in args and outcome.stdout.strip() else {}
    return outcome, {check["name"]: check for check in report.get("checks", [])}


def test_a_healthy_local_setup_passes(helpers: ModuleType, probe: Any, tmp_path: Path) -> None:
    outcome, checks = run_doctor(
        helpers, probe, tmp_path, "--json", "--handlers", "runtime_probe_handlers"
    )
    assert outcome.returncode == 0, outcome.describe()
    assert checks["tasker-py importable"]["status"] == "ok"
    assert "0.1.8" in checks["tasker-py importable"]["detail"]
    assert checks["platform wheel"]["status"] == "ok"
    assert checks["config renders"]["status"] == "ok"
    assert checks["database reachable"]["status"] == "skip"  # local runtime
    assert checks["templates and handlers"]["status"] == "ok"
    assert "2 template(s)" in checks["templates and handlers"]["detail"]
    assert checks["ports free"]["status"] == "ok"
    assert checks["stray .env files"]["status"] == "ok"


@pytest.mark.engine
def test_problems_fail_with_a_fix_each(helpers: ModuleType, probe: Any, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    busy_port = busy.getsockname()[1]
    (tmp_path / ".env").write_text("REDIS_URL=http://not-redis\n")
    try:
        outcome, checks = run_doctor(
            helpers,
            probe,
            tmp_path,
            "--json",  # handlers not given: the probe template's callable cannot resolve
            DATABASE_URL=f"postgresql://u:p@127.0.0.1:{closed}/db",
            TASKER_WORKER__WEB__ENABLED="true",
            TASKER_WORKER__WEB__BIND_ADDRESS=f"127.0.0.1:{busy_port}",
        )
    finally:
        busy.close()
    assert outcome.returncode == 1, outcome.describe()
    failing = {name for name, check in checks.items() if check["status"] == "fail"}
    assert failing == {
        "database reachable",
        "templates and handlers",
        "ports free",
        "stray .env files",
    }, checks
    for name in failing:
        assert checks[name]["fix"], name
    assert "connection refused" in checks["database reachable"]["detail"]
    assert "REDIS_URL" in checks["stray .env files"]["detail"]
    assert str(busy_port) in checks["ports free"]["detail"]


def test_table_output_names_every_check(helpers: ModuleType, probe: Any, tmp_path: Path) -> None:
    outcome, _ = run_doctor(helpers, probe, tmp_path, "--handlers", "runtime_probe_handlers")
    assert outcome.returncode == 0, outcome.describe()
    for name in ("tasker-py importable", "platform wheel", "stray .env files"):
        assert name in outcome.stdout
    assert "No blocking problem found" in outcome.stdout


def test_platform_check_knows_the_wheels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagnostics.platform, "system", lambda: "Linux")
    monkeypatch.setattr(diagnostics.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(diagnostics, "_glibc_version", lambda: (2, 31))
    old = diagnostics.check_platform()
    assert old.status == "fail"
    assert "2.31" in old.detail
    assert old.fix
    monkeypatch.setattr(diagnostics, "_glibc_version", lambda: None)
    assert "musl" in diagnostics.check_platform().detail
    monkeypatch.setattr(diagnostics.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(diagnostics.platform, "machine", lambda: "arm64")
    assert diagnostics.check_platform().status == "ok"
    monkeypatch.setattr(diagnostics.platform, "machine", lambda: "x86_64")
    assert diagnostics.check_platform().status == "fail"
