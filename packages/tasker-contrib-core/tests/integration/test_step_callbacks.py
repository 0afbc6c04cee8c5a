"""``on_step_thread`` and ``WorkerHostFactory``: the kit's hooks for framework packages."""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from tasker_contrib_core.integration import (
    LIFECYCLE_LOG_ENV,
    WORKER_HOST_KEY,
    TaskerHost,
    WorkerHostFactory,
    on_step_thread,
    read_lifecycle_log,
)
from tasker_contrib_core.testing import isolated_settings

TEMPLATE = """\
name: probe
namespace_name: probe
version: "1.0.0"
steps:
  - name: first
    handler: {callable: step_probe_handlers.Record}
  - name: second
    dependencies: [first]
    handler: {callable: step_probe_handlers.Record}
"""

HANDLERS = """
import threading
from tasker_core import StepHandler

SEEN = []

class Record(StepHandler):
    handler_name = "step_probe_handlers.Record"

    def call(self, context):
        SEEN.append(("handler", threading.get_ident()))
        return self.success({})
"""


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.yaml").write_text(TEMPLATE)
    (tmp_path / "step_probe_handlers.py").write_text(textwrap.dedent(HANDLERS))
    monkeypatch.syspath_prepend(str(tmp_path))
    return isolated_settings(
        runtime="local",
        template_paths=[tmp_path / "templates"],
        handler_packages=["step_probe_handlers"],
    )


def test_callbacks_run_on_the_handler_thread_around_each_step(probe: Any) -> None:
    import step_probe_handlers  # type: ignore[import-not-found]
    from tasker_contrib_core.client import TaskRequest
    from tasker_contrib_core.runtime import runtime_from_settings

    seen: list[tuple[str, int]] = step_probe_handlers.SEEN
    seen.clear()
    runtime = runtime_from_settings(probe)

    def before(event: Any) -> None:
        seen.append(("before", threading.get_ident()))

    def after(event: Any) -> None:
        seen.append(("after", threading.get_ident()))
        raise RuntimeError("a broken callback must not fail the step")

    unsubscribe = on_step_thread(runtime, before=before, after=after)
    with runtime:
        task = runtime.client.create_task(
            TaskRequest(name="probe", namespace="probe", version="1.0.0")
        )
        deadline = time.monotonic() + 10
        while runtime.client.get_task(task.task_uuid).status != "complete":
            assert time.monotonic() < deadline, runtime.client.get_task(task.task_uuid)
            time.sleep(0.01)
    unsubscribe()
    assert [kind for kind, _ in seen] == ["before", "handler", "after"] * 2
    assert len({ident for _, ident in seen[:3]}) == 1  # one thread around one step


def test_on_step_thread_needs_a_callback(probe: Any) -> None:
    from tasker_contrib_core.runtime import runtime_from_settings

    with pytest.raises(ValueError, match="before or an after"):
        on_step_thread(runtime_from_settings(probe))


def test_the_worker_command_starts_the_host_a_framework_hands_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasker_contrib_core.cli import cli

    log = tmp_path / "lifecycle.jsonl"
    monkeypatch.setenv(LIFECYCLE_LOG_ENV, str(log))
    built: list[Any] = []

    def refusing_runtime(settings: Any) -> Any:
        from tasker_contrib_core.errors import RuntimeStartError
        from tasker_contrib_core.runtime import runtime_from_settings

        runtime = runtime_from_settings(settings)

        def start() -> None:
            raise RuntimeStartError("refused by the test")

        runtime.start = start  # type: ignore[method-assign]
        return runtime

    def build(settings: Any) -> TaskerHost:
        built.append(settings)
        return TaskerHost(settings, framework="probe-framework", runtime=refusing_runtime)

    settings = isolated_settings(runtime="local", template_paths=[tmp_path])
    with click.Context(cli) as root:
        command = cli.get_command(root, "worker")
    assert command is not None
    parent = click.Context(cli, info_name="probe")
    parent.meta[WORKER_HOST_KEY] = WorkerHostFactory(build)
    result = CliRunner().invoke(
        command, ["--runtime", "local"], obj=settings, parent=parent, catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    assert "refused by the test" in result.output
    assert built
    assert built[0].worker_enabled is True  # the command's own settings changes applied
    records = list(read_lifecycle_log(log))
    assert [(r["event"], r["framework"]) for r in records] == [
        ("runtime.starting", "probe-framework"),
        ("runtime.start_failed", "probe-framework"),
    ]
