"""Dangerous task-template, run-context and generator inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tasker_contrib_core.engine import LocalEngine
from tasker_contrib_core.errors import EngineRunError, GenerationError, TaskerContribError
from tasker_contrib_core.templates import validate_paths

Project = Any  # the conftest fixture's class (conftest modules cannot be imported)


def _noop_handler() -> type:
    from tasker_core import StepHandler

    class Noop(StepHandler):
        handler_name = "noop"

        def call(self, context: Any) -> Any:
            return self.success({"ok": True})

    return Noop


HANDLER_MAP: dict[str, Any] = {"noop": _noop_handler()}

HANDLERS = """
from tasker_core import StepHandler


class Noop(StepHandler):
    handler_name = "noop"

    def call(self, context):
        return self.success({"ok": True})
"""

TWO_STEPS = """name: pair
namespace_name: shop
version: "1.0.0"
steps:
  - name: first
    handler: {callable: noop}
  - name: second
    handler: {callable: noop}
    dependencies: [first]
"""


def with_template(project: Project, text: str = TWO_STEPS) -> str:
    project.write("shop_handlers/__init__.py", HANDLERS)
    project.write("config/tasks/pair.yaml", text)
    return "config/tasks/pair.yaml"


def findings_text(project: Project, path: str) -> str:
    findings = validate_paths([project.root / path], handler_packages=["shop_handlers"])
    return "\n".join(f"{f.code} {f.step} {f.message} {f.hint}" for f in findings)


def test_unquoted_version(project: Project) -> None:
    path = with_template(project, TWO_STEPS.replace('"1.0.0"', "1.0"))
    intact = project.unchanged()
    project.cli("validate", path, "--handlers", "shop_handlers").refused(
        "pair.yaml", "line 3", advice='quote it: version: "1.0"'
    )
    intact()
    assert "TEMPLATE_INVALID" in findings_text(project, path)


def test_dependency_cycle(project: Project) -> None:
    path = with_template(
        project,
        TWO_STEPS.replace(
            "handler: {callable: noop}\n  - name: second",
            "handler: {callable: noop}\n    dependencies: [second]\n  - name: second",
        ),
    )
    intact = project.unchanged()
    project.cli("validate", path, "--handlers", "shop_handlers").refused(
        "CYCLE_DETECTED", "first -> second -> first", advice="Remove one of these dependencies"
    )
    project.cli("run", path, "--handlers", "shop_handlers", "--fast").refused(
        "cycle", "first", advice="pair"
    )
    intact()
    assert "CYCLE_DETECTED" in findings_text(project, path)


def test_unknown_handler(project: Project) -> None:
    path = with_template(
        project, TWO_STEPS.replace("callable: noop}\n    dep", "callable: nope}\n    dep")
    )
    intact = project.unchanged()
    project.cli("validate", path, "--handlers", "shop_handlers").refused(
        "second", "nope", advice="shop_handlers"
    )
    project.cli("run", path, "--handlers", "shop_handlers", "--fast").refused(
        "second", "nope", advice="handler"
    )
    intact()
    assert "nope" in findings_text(project, path)


def test_run_fail_names_a_step_the_template_lacks(project: Project) -> None:
    path = with_template(project)
    intact = project.unchanged()
    project.cli("run", path, "--handlers", "shop_handlers", "--fast", "--fail", "frist").refused(
        "'frist'", "shop/pair:1.0.0", "first, second", advice="Use one of these names"
    )
    intact()
    engine = LocalEngine(handlers=HANDLER_MAP, faults=["frist:1"])
    with pytest.raises(EngineRunError, match="its steps are: first, second"):
        engine.run(project.root / path, {})


def test_deeply_nested_context(project: Project) -> None:
    path = with_template(project)
    for depth in (200, 5000):  # past the engine's limit; past Python's recursion limit
        project.write("deep.json", '{"a":' * depth + "1" + "}" * depth)
        intact = project.unchanged()
        project.cli(
            "run", path, "--handlers", "shop_handlers", "--fast", "--context", "@deep.json"
        ).refused("128", advice="flatten the context")
        intact()
    nested: dict[str, Any] = {}
    for _ in range(200):
        nested = {"a": nested}
    with pytest.raises(EngineRunError, match="nested more than 128 levels"):
        LocalEngine(handlers=HANDLER_MAP).run(project.root / path, nested)


def test_nan_in_the_context(project: Project) -> None:
    path = with_template(project)
    intact = project.unchanged()
    result = project.cli(
        "run",
        path,
        "--handlers",
        "shop_handlers",
        "--fast",
        "--json",
        "--context",
        '{"amount": NaN}',
    )
    result.refused("$.amount", advice="send null or a number instead")
    assert result.stdout == ""  # no half-valid JSON on stdout
    intact()
    with pytest.raises(EngineRunError, match=r"\$\.amount is nan"):
        LocalEngine(handlers=HANDLER_MAP).run(project.root / path, {"amount": float("nan")})
    # A valid run still prints strict JSON.
    fine = project.cli("run", path, "--handlers", "shop_handlers", "--fast", "--json")
    fine.accepted()
    assert json.loads(fine.stdout)["status"] == "complete"


def test_generator_path_traversal(project: Project) -> None:
    intact = project.unchanged()
    project.cli("generate", "subscriber", "../escape", "--events", "x").refused(
        "'../escape'", advice="give a bare name, not a path"
    )
    project.cli(
        "generate", "task-template", "ok", "--namespace", "ns", "--templates-dir", "../../etc"
    ).refused("../../etc", advice="it must stay inside the target directory")
    intact()
    from tasker_contrib_core.scaffold.naming import check_namespace

    with pytest.raises((GenerationError, TaskerContribError), match="namespace"):
        check_namespace("../etc")
