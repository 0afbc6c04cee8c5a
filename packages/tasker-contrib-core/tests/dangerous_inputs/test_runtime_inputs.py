"""Dangerous runtime situations: secrets left on disk, a fork after start."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from tasker_contrib_testsupport.subprocesses import run_fresh_python

Project = Any  # the conftest fixture's class (conftest modules cannot be imported)


def python(project: Project, code: str) -> subprocess.CompletedProcess[str]:
    return run_fresh_python(code, cwd=project.root, env=project.environ())


def test_rendered_config_is_private_per_process_and_removed(project: Project) -> None:
    env = {"DATABASE_URL": "postgresql://app:topsecret@db:5432/app"}
    result = python(
        project,
        f"""
        import json, os, stat
        from tasker_contrib_core.config import TaskerSettings
        path = TaskerSettings(_environ={env!r}, config_dir="config/tasker").render()
        print(json.dumps({{
            "path": str(path),
            "file_mode": stat.S_IMODE(path.stat().st_mode),
            "dir_mode": stat.S_IMODE(path.parent.stat().st_mode),
            "pid": os.getpid(),
        }}))
        """,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    rendered = Path(seen["path"])
    assert seen["file_mode"] == 0o600
    assert seen["dir_mode"] == 0o700
    assert rendered.parent.name == f"process-{seen['pid']}"
    assert not rendered.exists(), "the rendered file (it holds the password) outlived the process"
    assert not rendered.parent.exists()


def test_stale_directory_of_a_dead_process_is_swept(project: Project) -> None:
    first = python(
        project,
        """
        import os
        from tasker_contrib_core.config.render import default_render_dir
        directory = default_render_dir()
        (directory / "worker.toml").write_text("secret")
        print(directory)
        os._exit(0)  # dies without running atexit, like a SIGKILL
        """,
    )
    left = Path(first.stdout.strip())
    assert left.is_dir(), first.stderr
    second = python(
        project,
        "from tasker_contrib_core.config.render import default_render_dir; default_render_dir()",
    )
    assert second.returncode == 0, second.stderr
    assert not left.exists()


def test_fork_after_start(project: Project) -> None:
    project.write(
        "config/tasks/one.yaml",
        "name: one\nnamespace_name: shop\nversion: '1.0.0'\nsteps:\n"
        "  - name: only\n    handler: {callable: noop}\n",
    )
    began = time.monotonic()
    result = python(
        project,
        """
        import os
        from tasker_core import StepHandler
        from tasker_contrib_core.config import TaskerSettings
        from tasker_contrib_core.errors import RuntimeForkedError
        from tasker_contrib_core.runtime import LocalRuntime

        class Noop(StepHandler):
            handler_name = "noop"
            def call(self, context):
                return self.success({})

        settings = TaskerSettings(_environ={}, runtime="local", template_paths=["config/tasks"])
        runtime = LocalRuntime(settings, handlers={"noop": Noop})
        runtime.start()
        pid = os.fork()
        if pid == 0:
            try:
                runtime.start()
                os._exit(3)
            except RuntimeForkedError as exc:
                print("CHILD", exc, flush=True)
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        print("EXIT", os.waitstatus_to_exitcode(status))
        runtime.stop()
        """,
    )
    assert result.returncode == 0, result.stderr
    assert "EXIT 0" in result.stdout, result.stdout + result.stderr
    child = next(line for line in result.stdout.splitlines() if line.startswith("CHILD"))
    assert "fork" in child
    assert "start" in child  # says what to do: start the runtime in the child instead
    assert time.monotonic() - began < 30
