"""What a framework needs to mount core's commands: ``command(name)`` and ``ctx.meta`` keys."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner
from tasker_contrib_core.cli import COMMANDS, LAYOUT_KEY, WORKER_HOST_KEY, cli, command


def test_command_returns_the_very_objects_of_the_cli() -> None:
    context = click.Context(cli)
    for name in COMMANDS:
        assert command(name) is cli.get_command(context, name)
    with pytest.raises(KeyError, match="known: config"):
        command("nope")
    assert LAYOUT_KEY != WORKER_HOST_KEY


def test_mounted_settings_reach_validate(tmp_path: Any) -> None:
    from tasker_contrib_core.config import TaskerSettings

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "one.yaml").write_text(
        "name: one\nnamespace_name: demo\nversion: '1.0.0'\nsteps:\n"
        "  - name: a\n    handler:\n      callable: demo.A\n",
        encoding="utf-8",
    )
    settings = TaskerSettings(_environ={}, template_paths=[templates])

    @click.group()
    @click.pass_context
    def framework(ctx: click.Context) -> None:
        ctx.obj = settings

    framework.add_command(command("validate"))
    result = CliRunner().invoke(framework, ["validate"], catch_exceptions=False)
    assert "1 template checked" in result.output, result.output
