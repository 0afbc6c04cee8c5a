"""Cost of turning settings into the engine's merged TOML file.

Side by side in one run:
  (a) floor: what a hand-written script does — parse the same TOML files with
      tomllib, merge the dicts, dump with tomli_w and write the file;
  (b) ours: TaskerSettings(...) + check() + render() — layering, provenance,
      every validation, masking-free write.
Goal: (b) under 50 ms per call.

Run: uv run python bench/config_render.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import tomli_w
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.config.merge import deep_merge

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROUNDS = 200


def per_call_ms(function: Callable[[], object], rounds: int = ROUNDS) -> float:
    function()  # warm caches and imports
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - start) / rounds * 1000


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="tasker-bench-"))
    config_dir = workdir / "config" / "tasker"
    (config_dir / "base").mkdir(parents=True)
    (config_dir / "environments" / "production").mkdir(parents=True)
    (config_dir / "base" / "common.toml").write_text(
        "[common.database.pool]\nmax_connections = 20\nmin_connections = 2\n"
    )
    (config_dir / "environments" / "production" / "worker.toml").write_text(
        "[worker.event_systems.worker.metadata.fallback_poller]\npolling_interval_ms = 500\n"
    )
    defaults = resources.files("tasker_contrib_core.config") / "defaults"
    files = [
        Path(str(defaults / "base" / "common.toml")),
        Path(str(defaults / "base" / "worker.toml")),
        Path(str(defaults / "environments" / "production" / "common.toml")),
        Path(str(defaults / "environments" / "production" / "worker.toml")),
        config_dir / "base" / "common.toml",
        config_dir / "environments" / "production" / "worker.toml",
    ]
    environ = {"DATABASE_URL": "postgresql://tasker:secret@127.0.0.1:5432/tasker"}

    def floor() -> None:
        merged: dict[str, object] = {}
        for path in files:
            if path.is_file():
                merged = deep_merge(merged, tomllib.loads(path.read_text()))
        (workdir / "floor.toml").write_text(tomli_w.dumps(merged))

    def ours() -> None:
        settings = TaskerSettings(
            _environ=environ,
            environment="production",
            config_dir=config_dir,
            handler_packages=["app.handlers"],
            overrides={"common.database.pool.acquire_timeout_seconds": 5},
        )
        assert settings.check().ok
        settings.render(workdir / "ours.toml")

    floor_ms = per_call_ms(floor)
    ours_ms = per_call_ms(ours)
    print(f"config render + validate, {ROUNDS} calls each")
    print(f"  (a) floor: parse + merge + dump + write   {floor_ms:8.2f} ms/call")
    print(f"  (b) TaskerSettings + check + render      {ours_ms:8.2f} ms/call")
    print(f"  ratio (b)/(a)                            {ours_ms / floor_ms:8.2f}x")
    print(f"  goal: (b) < 50 ms/call -> {'met' if ours_ms < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
