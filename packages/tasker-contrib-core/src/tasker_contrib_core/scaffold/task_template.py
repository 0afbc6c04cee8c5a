"""``generate task-template``: a task template that validates and runs as generated.

The template chains ``steps`` in the order given. A step whose handler module
already exists points at what that module defines; every other step gets a
new base handler (and its test), so ``tasker-contrib validate`` resolves every
callable and ``tasker-contrib run`` completes straight away. A workflow test
runs the whole template on the local engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.existing import existing_callable
from tasker_contrib_core.scaffold.handler_files import handler_changes
from tasker_contrib_core.scaffold.layout import ScaffoldLayout
from tasker_contrib_core.scaffold.naming import check_namespace, split_list, to_names
from tasker_contrib_core.scaffold.paths import contained
from tasker_contrib_core.scaffold.plan import Change, ScaffoldResult, apply_changes
from tasker_contrib_core.scaffold.rendering import render
from tasker_contrib_core.scaffold.spec import HandlerStyle, build_spec, sentence
from tasker_contrib_core.scaffold.step_yaml import StepStyle, render_steps
from tasker_contrib_core.scaffold.template_io import check_edited
from tasker_contrib_core.scaffold.template_steps import handler_steps

_VERSION_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+")


def _step_names(steps: Sequence[str], default: str) -> list[str]:
    names = [to_names(step, what="step name", strip_suffixes=("handler",)).snake for step in steps]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise GenerationError(f"--steps lists {', '.join(duplicates)} more than once")
    return names or [default]


def generate_task_template(
    name: str,
    *,
    namespace: str,
    steps: Sequence[str] = (),
    style: HandlerStyle = "class",
    description: str | None = None,
    version: str = "1.0.0",
    target: Path | str = ".",
    layout: ScaffoldLayout | None = None,
    skip_test: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> ScaffoldResult:
    """Generate ``<templates_dir>/<name>.yaml`` chaining ``steps`` (default: one step, ``name``).

    Missing handlers are generated as base handlers in ``style``.
    """
    root = Path(target)
    chosen = layout or ScaffoldLayout()
    names = to_names(name, what="template name")
    space = check_namespace(namespace)
    if not version or not set(version) <= _VERSION_CHARS:
        raise GenerationError(f"version {version!r} must look like 1.0.0")
    if description is not None and ("\n" in description or "\r" in description):
        raise GenerationError("--description must be a single line")
    step_names = _step_names(split_list(steps, unique=False), names.snake)
    changes: list[Change] = []
    entries: list[dict[str, Any]] = []
    previous: list[str] = []
    for step in step_names:
        spec = build_spec(step, style=style, namespace=space, layout=chosen)
        module_file = contained(root, spec.module_path)
        if module_file.is_file() and not force:
            source = module_file.read_text(encoding="utf-8")
            path = str(spec.module_path)
            callables = {
                spec.main.step: existing_callable(source, spec.module, spec.main, path=path)
            }
        else:
            callables = {spec.main.step: spec.main.callable}
            changes.extend(handler_changes(spec, with_test=not skip_test))
        entries.extend(handler_steps(spec, callables, dependencies=previous))
        previous = [spec.main.step]
    template_path = chosen.template_file(names.snake)
    text = render(
        "task_template.yaml.j2",
        name=names.snake,
        namespace=space,
        version=version,
        description=description or f"{sentence(names.snake)} workflow.",
        path=str(template_path),
        package=chosen.handlers_package,
        steps="".join(render_steps(entries, StepStyle())).rstrip("\n"),
    )
    check_edited(text, str(template_path))
    changes.append(Change(template_path, text, detail=f"{len(entries)} step(s)"))
    if not skip_test:
        test = render(
            "tests/test_workflow.py.j2",
            name=names.snake,
            depth=chosen.tests_depth,
            template_path=str(template_path),
            package=chosen.handlers_package,
        )
        changes.append(Change(chosen.test_file(f"test_{names.snake}_workflow"), test))
    actions = apply_changes(root, changes, force=force, dry_run=dry_run)
    package = chosen.handlers_package
    notes = [
        f"Validate: tasker-contrib validate {template_path} --handlers {package}",
        f"Run: tasker-contrib run {template_path} --handlers {package} --context '{{}}'",
    ]
    return ScaffoldResult(target=root.resolve(), actions=actions, dry_run=dry_run, notes=notes)


__all__ = ["generate_task_template"]
