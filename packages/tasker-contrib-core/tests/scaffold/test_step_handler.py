"""``generate step-handler``: every type and style, resolution, template wiring, re-runs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pytest
from tasker_contrib_core.engine import resolve_handler
from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold import (
    HANDLER_STYLES,
    HANDLER_TYPES,
    build_spec,
    generate_step_handler,
    generate_task_template,
)
from tasker_contrib_core.templates import load_template
from tasker_contrib_core.testing import (
    assert_batches,
    assert_decision,
    assert_success,
    batch_worker_inputs,
    build_step_context,
    call_handler,
)

if TYPE_CHECKING:
    from conftest import Project

COMBINATIONS = [(kind, style) for kind in HANDLER_TYPES for style in HANDLER_STYLES]


def make_template(project: Project, steps: str = "start") -> str:
    generate_task_template(
        "flow", namespace="shop", steps=[steps], target=project.root, layout=project.layout
    )
    return str(project.path("config/tasks/flow.yaml"))


@pytest.mark.parametrize(("kind", "style"), COMBINATIONS)
def test_module_and_test_are_written_and_the_callable_resolves(
    project: Project, kind: Any, style: Any
) -> None:
    result = generate_step_handler(
        "ProcessOrder",
        handler_type=kind,
        style=style,
        namespace="shop",
        target=project.root,
        layout=project.layout,
    )
    module_path = f"{project.top}/handlers/process_order.py"
    assert result.paths("create") == [
        f"{project.top}/__init__.py",
        f"{project.top}/handlers/__init__.py",
        module_path,
        "tests/workflows/test_process_order.py",
    ]
    spec = build_spec(
        "ProcessOrder", handler_type=kind, style=style, namespace="shop", layout=project.layout
    )
    module = importlib.import_module(spec.module)
    for ref in spec.refs:
        obj = getattr(module, ref.object_name)
        expected = obj if style == "class" else obj._handler_class
        resolved = resolve_handler(ref.callable, [project.package])
        assert resolved.handler_class is expected
        assert expected.handler_name == ref.handler_name
    if style == "class":
        # class paths resolve with no package scan at all, like the worker's class lookup
        assert resolve_handler(spec.main.callable).handler_class is module.ProcessOrderHandler
    test_text = project.read("tests/workflows/test_process_order.py")
    assert f"from {spec.module} import" in test_text
    assert "from tasker_contrib_core.testing import" in test_text


@pytest.mark.parametrize("style", HANDLER_STYLES)
def test_generated_handlers_behave_as_their_tests_expect(project: Project, style: Any) -> None:
    layout = project.layout
    for kind in HANDLER_TYPES:
        generate_step_handler(
            f"{kind}_step", handler_type=kind, style=style, target=project.root, layout=layout
        )
    pkg = project.package
    base = importlib.import_module(f"{pkg}.base_step")
    decision = importlib.import_module(f"{pkg}.decision_step")
    batchable = importlib.import_module(f"{pkg}.batchable_step")
    pick = lambda m, cls, fn: getattr(m, cls if style == "class" else fn)  # noqa: E731

    result = call_handler(pick(base, "BaseStepHandler", "base_step"), build_step_context())
    assert_success(result, step="base_step", after=[])
    handler = pick(decision, "DecisionStepHandler", "decision_step")
    assert_decision(call_handler(handler, build_step_context()), steps=["decision_step_yes"])
    analyzer = pick(batchable, "BatchableStepHandler", "batchable_step")
    context = build_step_context(task_fields={"items": list(range(7))})
    assert_batches(call_handler(analyzer, context), count=1, total_items=7)
    worker = pick(batchable, "BatchableStepBatchHandler", "batchable_step_batch")
    context = build_step_context(
        task_fields={"items": list("abcdef")}, step_inputs=batch_worker_inputs(2, 4)
    )
    assert_success(call_handler(worker, context), items_processed=2)


def test_rerunning_never_clobbers_edits_without_force(project: Project) -> None:
    generate_step_handler("charge", target=project.root, layout=project.layout)
    module = project.handler_file("charge")
    test = project.path("tests/workflows/test_charge.py")
    module.write_text("# my edits\n")
    test.write_text("# my test edits\n")
    result = project.cli("generate", "step-handler", "charge", "--type", "api")
    assert result.exit_code == 0, result.output
    assert f"skip      {project.top}/handlers/charge.py" in result.output
    assert "exists; --force overwrites it" in result.output
    assert module.read_text() == "# my edits\n"
    assert test.read_text() == "# my test edits\n"
    result = project.cli("generate", "step-handler", "charge", "--type", "api", "--force")
    assert f"overwrite {project.top}/handlers/charge.py" in result.output
    assert "class ChargeHandler(ApiHandler)" in module.read_text()
    assert test.read_text() != "# my test edits\n"


def test_skip_test_writes_only_the_module(project: Project) -> None:
    result = generate_step_handler(
        "charge", skip_test=True, target=project.root, layout=project.layout
    )
    assert not any(path.startswith("tests/") for path in result.written)


def test_template_gets_the_step_and_the_namespace_comes_from_it(project: Project) -> None:
    template = make_template(project)
    result = project.cli(
        "generate", "step-handler", "Charge", "--template", template, "--depends-on", "start"
    )
    assert result.exit_code == 0, result.output
    assert "update    config/tasks/flow.yaml  (added step(s) charge)" in result.output
    loaded = load_template(template)
    step = loaded.step("charge")
    assert step.dependencies == ["start"]
    assert step.handler.callable == f"{project.package}.charge.ChargeHandler"
    module = importlib.import_module(f"{project.package}.charge")
    assert module.ChargeHandler.handler_name == "shop.charge"


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("decision", ["--branches", "fast,slow"], {"route": "decision"}),
        (
            "batchable",
            [],
            {"route": "batchable", "route_batch": "batch_worker"},
        ),
        ("api", [], {"route": "standard"}),
    ],
)
def test_each_type_is_wired_as_the_engine_requires(
    project: Project, kind: str, extra: list[str], expected: dict[str, str]
) -> None:
    template = make_template(project)
    result = project.cli(
        "generate", "step-handler", "route", "--type", kind, *extra,
        "--template", template, "--depends-on", "start",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    loaded = load_template(template)
    for name, step_type in expected.items():
        assert loaded.step(name).type.value == step_type
    if kind == "batchable":
        analyzer, worker = loaded.step("route"), loaded.step("route_batch")
        assert analyzer.handler.initialization["worker_template_name"] == "route_batch"
        assert worker.dependencies == ["route"]
        assert worker.batch_config is not None
        assert worker.batch_config.worker_template == "route_batch"
    if kind == "api":
        assert loaded.step("route").handler.initialization == {
            "base_url": "https://api.example.com"
        }
        assert loaded.step("route").retry.max_attempts == 3


def test_joining_dynamic_steps_makes_a_deferred_convergence(project: Project) -> None:
    template = make_template(project)
    steps = [
        ("pick", ["--type", "decision", "--branches", "left,right", "--depends-on", "start"]),
        ("left", ["--depends-on", "pick"]),
        ("right", ["--depends-on", "pick"]),
        ("join", ["--depends-on", "left,right"]),
        ("only_left", ["--depends-on", "left"]),
        ("split", ["--type", "batchable", "--depends-on", "start"]),
        ("gather", ["--depends-on", "split_batch"]),
        ("forced", ["--depends-on", "start", "--convergence"]),
        ("forbidden", ["--depends-on", "split_batch", "--no-convergence"]),
    ]
    for name, args in steps:
        result = project.cli("generate", "step-handler", name, "--template", template, *args)
        assert result.exit_code == 0, result.output
    types = {step.name: step.type.value for step in load_template(template).steps}
    assert types["join"] == "deferred_convergence"
    assert types["gather"] == "deferred_convergence"
    assert types["forced"] == "deferred_convergence"
    assert types["only_left"] == "standard"
    assert types["forbidden"] == "standard"


def test_an_existing_module_in_the_other_style_is_referenced_as_it_is(project: Project) -> None:
    template = make_template(project)
    generate_step_handler("charge", style="function", target=project.root, layout=project.layout)
    before = project.handler_file("charge").read_text()
    generate_step_handler(
        "charge",
        style="class",
        target=project.root,
        layout=project.layout,
        template=template,
        depends_on=["start"],
    )
    assert project.handler_file("charge").read_text() == before
    assert load_template(template).step("charge").handler.callable == "default.charge"


def test_a_step_already_in_the_template_is_kept_unless_force(project: Project) -> None:
    template = make_template(project)
    text = project.read("config/tasks/flow.yaml")
    result = project.cli("generate", "step-handler", "start", "--template", template)
    assert result.exit_code == 0, result.output
    assert "Step 'start' is already in config/tasks/flow.yaml; left as is" in result.output
    assert project.read("config/tasks/flow.yaml") == text
    result = project.cli(
        "generate", "step-handler", "start", "--template", template, "--type", "api", "--force"
    )
    assert "replaced step(s) start" in result.output
    assert load_template(template).step("start").handler.initialization["base_url"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["x", "--type", "decision", "--template", "T"], "must follow at least one step"),
        (["x", "--template", "T", "--depends-on", "nope"], "does not have; its steps are: start"),
        (["x", "--depends-on", "start"], "only applies together with --template"),
        (["start", "--template", "T", "--depends-on", "start"], "cannot depend on itself"),
        (["x", "--branches", "a,b"], "--branches only applies to --type decision"),
        (["x", "--type", "decision", "--branches", "x"], "cannot be one of its own branches"),
        (["x", "--type", "api", "--base-url", "ftp://x"], "not an http(s) URL"),
        (["x", "--type", "api", "--base-url", 'http://a"b'], "not an http(s) URL"),
        (["x", "--namespace", "bad-ns"], "namespace"),
        (["x", "--template", "missing.yaml"], "does not exist"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    project: Project, args: list[str], words: str
) -> None:
    template = make_template(project)
    before = {name: project.read(name) for name in project.files()}
    resolved = [template if arg == "T" else arg for arg in args]
    resolved = [str(project.root / arg) if arg == "missing.yaml" else arg for arg in resolved]
    result = project.cli("generate", "step-handler", *resolved)
    assert result.exit_code == 1, result.output
    assert words in result.output
    assert {name: project.read(name) for name in project.files()} == before


def test_dry_run_shows_the_template_edit_but_writes_nothing(project: Project) -> None:
    template = make_template(project)
    before = {name: project.read(name) for name in project.files()}
    result = project.cli(
        "generate", "step-handler", "charge", "--template", template,
        "--depends-on", "start", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "update    config/tasks/flow.yaml  (added step(s) charge)" in result.output
    assert "(dry run: nothing was written)" in result.output
    assert {name: project.read(name) for name in project.files()} == before


def test_an_invalid_template_is_reported_not_edited(project: Project) -> None:
    bad = project.path("config/tasks/bad.yaml")
    bad.parent.mkdir(parents=True)
    bad.write_text("name: bad\nnamespace_name: ns\nversion: 1.0\nsteps: []\n")
    result = project.cli("generate", "step-handler", "x", "--template", str(bad))
    assert result.exit_code == 1
    assert "cannot add steps to config/tasks/bad.yaml" in result.output
    assert bad.read_text().endswith("steps: []\n")


def test_hints_point_at_the_next_commands(project: Project) -> None:
    template = make_template(project)
    result = project.cli(
        "generate", "step-handler", "pick", "--type", "decision", "--style", "function",
        "--branches", "left,right", "--template", template, "--depends-on", "start",
    )  # fmt: skip
    output = result.output
    assert f"--handlers {project.package}" in output
    assert "step-handler left --template config/tasks/flow.yaml --depends-on pick" in output
    assert "--depends-on left,right (it becomes deferred_convergence)" in output


def test_spec_refuses_unknown_types_and_styles() -> None:
    with pytest.raises(GenerationError, match="unknown handler type"):
        build_spec("x", handler_type="soap")  # type: ignore[arg-type]
    with pytest.raises(GenerationError, match="unknown style"):
        build_spec("x", style="lambda")  # type: ignore[arg-type]
