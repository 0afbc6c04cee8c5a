"""``generate task-template``: a template that validates and runs as generated."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.scaffold import generate_step_handler, generate_task_template
from tasker_contrib_core.templates import load_template, validate_paths
from tasker_contrib_core.testing import assert_task_completed, run_task

if TYPE_CHECKING:
    from conftest import Project


@pytest.mark.parametrize("style", ["class", "function"])
def test_the_template_validates_and_runs(project: Project, style: str) -> None:
    result = project.cli(
        "generate", "task-template", "OrderFlow", "--namespace", "shop",
        "--steps", "validate,charge", "--steps", "ship", "--style", style,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = project.path("config/tasks/order_flow.yaml")
    template = load_template(path)
    assert (template.name, template.namespace_name, template.version) == (
        "order_flow",
        "shop",
        "1.0.0",
    )
    assert template.step_names == ["validate", "charge", "ship"]
    assert [step.dependencies for step in template.steps] == [[], ["validate"], ["charge"]]
    assert validate_paths([path], handler_packages=[project.package]) == []
    run = run_task(path, {}, handler_packages=[project.package])
    assert_task_completed(run)
    assert run.result("ship") == {"step": "ship", "after": ["charge", "validate"]}
    for step in ("validate", "charge", "ship"):
        assert project.path(f"tests/workflows/test_{step}.py").is_file()
    workflow_test = project.read("tests/workflows/test_order_flow_workflow.py")
    assert 'TEMPLATE = PROJECT_ROOT / "config/tasks/order_flow.yaml"' in workflow_test
    assert "parents[2]" in workflow_test
    assert f"Run: tasker-contrib run config/tasks/order_flow.yaml --handlers {project.package}" in (
        result.output
    )


def test_without_steps_there_is_one_step_named_after_the_template(project: Project) -> None:
    generate_task_template("nightly", namespace="ops", target=project.root, layout=project.layout)
    template = load_template(project.path("config/tasks/nightly.yaml"))
    assert template.step_names == ["nightly"]
    assert template.description == "Nightly workflow."


def test_existing_handlers_are_reused_whatever_their_style(project: Project) -> None:
    generate_step_handler(
        "charge", style="function", namespace="pay", target=project.root, layout=project.layout
    )
    mine = project.handler_file("charge").read_text()
    result = generate_task_template(
        "flow",
        namespace="shop",
        steps=["charge", "ship"],
        target=project.root,
        layout=project.layout,
    )
    assert project.handler_file("charge").read_text() == mine
    assert f"{project.top}/handlers/charge.py" not in result.written
    template = load_template(project.path("config/tasks/flow.yaml"))
    assert template.step("charge").handler.callable == "pay.charge"
    assert template.step("ship").handler.callable == f"{project.package}.ship.ShipHandler"
    assert_task_completed(
        run_task(project.path("config/tasks/flow.yaml"), handler_packages=[project.package])
    )


def test_rerun_keeps_an_edited_template(project: Project) -> None:
    generate_task_template("flow", namespace="shop", target=project.root, layout=project.layout)
    path = project.path("config/tasks/flow.yaml")
    path.write_text(path.read_text() + "# my note\n")
    result = project.cli("generate", "task-template", "flow", "--namespace", "shop")
    assert result.exit_code == 0
    assert "skip      config/tasks/flow.yaml" in result.output
    assert path.read_text().endswith("# my note\n")


def test_header_comment_shows_how_to_validate_and_run(project: Project) -> None:
    generate_task_template(
        "flow",
        namespace="shop",
        description="Take an order: from cart to parcel",
        target=project.root,
        layout=project.layout,
    )
    text = project.read("config/tasks/flow.yaml")
    assert text.startswith("# flow: Take an order: from cart to parcel\n")
    assert f"tasker-contrib validate config/tasks/flow.yaml --handlers {project.package}" in text
    assert load_template(project.path("config/tasks/flow.yaml")).description == (
        "Take an order: from cart to parcel"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["flow", "--namespace", "ns", "--steps", "a,b,a"], "more than once"),
        (["flow", "--namespace", "ns", "--steps", "a,B-c,b_c"], "more than once"),
        (["flow", "--namespace", "ns", "--template-version", "1.0 beta"], "must look like"),
        (["flow", "--namespace", "ns", "--description", "two\nlines"], "single line"),
        (["flow", "--namespace", "a" * 30], "namespace"),
        (["flow"], "Missing option '--namespace'"),
    ],
)
def test_bad_arguments_are_refused(project: Project, args: list[str], words: str) -> None:
    result = project.cli("generate", "task-template", *args)
    assert result.exit_code in (1, 2), result.output
    assert words in result.output
    assert project.files() == []
