"""``generate step-handler``: a handler module, its test, and optionally its template step.

The module and test come from :mod:`~tasker_contrib_core.scaffold.handler_files`;
with ``template`` the step (two for a batchable handler) is also inserted into
that task template, wired the way the engine requires, pointing at whatever
the module really defines when it already existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.existing import existing_callable
from tasker_contrib_core.scaffold.handler_files import handler_changes
from tasker_contrib_core.scaffold.layout import ScaffoldLayout
from tasker_contrib_core.scaffold.naming import split_list
from tasker_contrib_core.scaffold.paths import contained, relative_to_target, user_file_inside
from tasker_contrib_core.scaffold.plan import Change, ScaffoldResult, apply_changes
from tasker_contrib_core.scaffold.spec import HandlerSpec, HandlerStyle, HandlerType, build_spec
from tasker_contrib_core.scaffold.template_io import check_edited, read_template
from tasker_contrib_core.scaffold.template_steps import handler_steps, needs_convergence
from tasker_contrib_core.scaffold.yaml_edit import StepEdit, add_steps
from tasker_contrib_core.templates.model import TaskTemplate


def _callables(spec: HandlerSpec, target: Path, force: bool) -> dict[str, str]:
    """Step name -> callable: the spec's, or what an existing module really defines."""
    module_file = contained(target, spec.module_path)
    if force or not module_file.is_file():
        return {ref.step: ref.callable for ref in spec.refs}
    source = module_file.read_text(encoding="utf-8")
    return {
        ref.step: existing_callable(source, spec.module, ref, path=str(spec.module_path))
        for ref in spec.refs
    }


def _check_dependencies(
    dependencies: list[str], template: TaskTemplate | None, spec: HandlerSpec
) -> None:
    if template is None:
        if dependencies:
            raise GenerationError("--depends-on only applies together with --template")
        return
    known = template.step_names
    missing = [name for name in dependencies if name not in known]
    if missing:
        raise GenerationError(
            f"--depends-on names step(s) {', '.join(missing)} that template "
            f"'{template.name}' does not have; its steps are: {', '.join(known) or '(none)'}"
        )
    if spec.handler_type == "decision" and not dependencies:
        raise GenerationError(
            "a decision step must follow at least one step (the engine requires it): "
            "pass --depends-on STEP"
        )
    if spec.main.step in dependencies:
        raise GenerationError(f"step '{spec.main.step}' cannot depend on itself")


def _notes(spec: HandlerSpec, template_shown: str | None, in_template: set[str]) -> list[str]:
    notes = []
    package = spec.layout.handlers_package
    if spec.style == "function":
        notes.append(
            f"Decorator-style handlers are found by name once {package} is scanned: pass "
            f"--handlers {package} to tasker-contrib validate/run, and list it in "
            "handler_packages for workers."
        )
    where = template_shown or "TEMPLATE.yaml"
    if template_shown is None:
        callables = ", ".join(f"{ref.step} -> {ref.callable}" for ref in spec.refs)
        notes.append(
            f"Add it to a task template with --template {where} --depends-on STEP, or by hand "
            f"(handler.callable: {callables})."
        )
    if spec.handler_type == "decision":
        missing = [branch for branch in spec.branches if branch not in in_template]
        for branch in missing:
            notes.append(
                f"Add branch step: tasker-contrib generate step-handler {branch} "
                f"--template {where} --depends-on {spec.main.step}"
            )
        if missing:
            notes.append(
                "Then join the branches: tasker-contrib generate step-handler NAME "
                f"--template {where} --depends-on {','.join(spec.branches)} "
                "(it becomes deferred_convergence)"
            )
    if spec.handler_type == "api" and template_shown is not None:
        notes.append(
            f"Step {spec.main.step} calls {spec.base_url}: set its handler.initialization."
            "base_url per environment (environments: in the template) to a server your "
            "tests and local runs can reach."
        )
    if spec.handler_type == "batchable" and spec.worker is not None:
        notes.append(
            f"Add a step after the batch workers: tasker-contrib generate step-handler NAME "
            f"--template {where} --depends-on {spec.worker.step} (it becomes "
            "deferred_convergence)"
        )
    return notes


@dataclass(frozen=True)
class _UserTemplate:
    """The ``--template`` file: where it is, how to name it, its text and model."""

    path: Path
    shown: str
    text: str
    model: TaskTemplate


def _load_user_template(root: Path, template: Path | str | None) -> _UserTemplate | None:
    if template is None:
        return None
    path = user_file_inside(root, Path(template))
    shown = str(relative_to_target(root, path))
    text, model = read_template(path, shown)
    return _UserTemplate(path, shown, text, model)


def _template_edit(
    spec: HandlerSpec,
    user: _UserTemplate,
    root: Path,
    *,
    dependencies: list[str],
    convergence: bool | None,
    force: bool,
) -> tuple[Change | None, StepEdit]:
    """The edit adding ``spec``'s step(s) to the user's template, checked to still load."""
    join = needs_convergence(user.model, dependencies) if convergence is None else convergence
    steps = handler_steps(
        spec, _callables(spec, root, force), dependencies=dependencies, convergence=join
    )
    edit = add_steps(user.text, steps, source=user.shown, replace=force)
    if not edit.changed:
        return None, edit
    check_edited(edit.text, user.shown)
    parts = [
        f"added step(s) {', '.join(edit.added)}" if edit.added else "",
        f"replaced step(s) {', '.join(edit.replaced)}" if edit.replaced else "",
    ]
    detail = "; ".join(part for part in parts if part)
    return Change(relative_to_target(root, user.path), edit.text, "edit", detail), edit


def generate_step_handler(
    name: str,
    *,
    handler_type: HandlerType = "base",
    style: HandlerStyle = "class",
    namespace: str | None = None,
    target: Path | str = ".",
    layout: ScaffoldLayout | None = None,
    template: Path | str | None = None,
    depends_on: Sequence[str] = (),
    branches: Sequence[str] = (),
    base_url: str | None = None,
    convergence: bool | None = None,
    skip_test: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> ScaffoldResult:
    """Generate a step handler module and its test; with ``template``, add its step(s).

    ``namespace`` defaults to the template's ``namespace_name`` (else
    ``default``) and prefixes the registered handler name. ``convergence``
    forces (``True``) or forbids (``False``) ``type: deferred_convergence``;
    by default it is chosen from ``depends_on`` (see
    :func:`~tasker_contrib_core.scaffold.template_steps.needs_convergence`).
    Existing files are skipped unless ``force``; with ``force`` an existing
    step of the same name in the template is replaced too.
    """
    root = Path(target)
    user = _load_user_template(root, template)
    spec = build_spec(
        name,
        handler_type=handler_type,
        style=style,
        namespace=namespace or (user.model.namespace_name if user is not None else None),
        layout=layout or ScaffoldLayout(),
        branches=tuple(split_list(branches)),
        base_url=base_url,
    )
    dependencies = split_list(depends_on)
    _check_dependencies(dependencies, user.model if user is not None else None, spec)
    changes: list[Change] = handler_changes(spec, with_test=not skip_test)
    notes: list[str] = []
    in_template: set[str] = set()
    if user is not None:
        change, edit = _template_edit(
            spec, user, root, dependencies=dependencies, convergence=convergence, force=force
        )
        if change is not None:
            changes.append(change)
        notes.extend(
            f"Step '{kept}' is already in {user.shown}; left as is (--force replaces it)."
            for kept in edit.kept
        )
        in_template = {*user.model.step_names, *edit.added}
    notes.extend(_notes(spec, user.shown if user is not None else None, in_template))
    actions = apply_changes(root, changes, force=force, dry_run=dry_run)
    return ScaffoldResult(target=root.resolve(), actions=actions, dry_run=dry_run, notes=notes)


__all__ = ["generate_step_handler"]
