"""The files of one generated step handler: its module, its test, its packages.

Kept apart from the command logic so ``generate task-template`` (which creates
a handler for each new step) and ``generate step-handler`` produce exactly the
same files.
"""

from __future__ import annotations

import textwrap
from typing import Any

from tasker_contrib_core.scaffold.layout import ScaffoldLayout
from tasker_contrib_core.scaffold.plan import Change
from tasker_contrib_core.scaffold.rendering import render
from tasker_contrib_core.scaffold.spec import HandlerSpec

#: Task input the generated batchable handlers read their items from.
ITEMS_INPUT = "items"


def handler_context(spec: HandlerSpec) -> dict[str, Any]:
    """Template variables describing ``spec`` (shared by the module and its test)."""
    main = spec.main
    context: dict[str, Any] = {
        "step": main.step,
        "object_name": main.object_name,
        "handler_name": main.handler_name,
        "callable": main.callable,
        "style": spec.style,
        "package": spec.layout.handlers_package,
        "module": spec.module,
        "base_url": spec.base_url,
        "resource_path": "/" + spec.names.snake.replace("_", "-"),
        "branches": list(spec.branches),
        "choice_input": f"{spec.names.snake}_branch",
        "batch_size": spec.batch_size,
        "items_input": ITEMS_INPUT,
    }
    if spec.worker is not None:
        context.update(
            worker_step=spec.worker.step,
            worker_object=spec.worker.object_name,
            worker_handler_name=spec.worker.handler_name,
            worker_callable=spec.worker.callable,
        )
    return context


def _package_docs(layout: ScaffoldLayout, package: str) -> tuple[str, str]:
    """Summary line and body of the docstring written into a new package."""
    if package == layout.handlers_package:
        return (
            "Step handlers of this project's Tasker workflows.",
            "Workers scan this package (``handler_packages``) to register decorator-style "
            "handlers by name; class-style handlers are imported by their dotted path. "
            "``tasker-contrib generate step-handler`` adds modules here.",
        )
    if package == layout.subscribers_package:
        return (
            "Event sinks of this project's Tasker workflows.",
            "Each sink has ``patterns`` and a ``publish(event)`` method; add instances to "
            "the event dispatcher of your runtime. ``tasker-contrib generate subscriber`` "
            "adds modules here.",
        )
    users = [
        p
        for p in (layout.handlers_package, layout.subscribers_package)
        if p.startswith(f"{package}.")
    ]
    if len(users) == 2:
        return ("Tasker workflows of this project: step handlers and event sinks.", "")
    return (f"The ``{package}`` package.", "")


def package_changes(layout: ScaffoldLayout, package: str) -> list[Change]:
    """``__init__.py`` files for ``package`` and its parents, created only when missing."""
    changes = []
    parts = package.split(".")
    for depth, path in enumerate(layout.package_inits(package), start=1):
        summary, details = _package_docs(layout, ".".join(parts[:depth]))
        text = render(
            "install/package_init.py.j2",
            summary=summary,
            details=textwrap.fill(details, width=79),
        )
        changes.append(Change(path, text, "ensure"))
    return changes


def handler_changes(spec: HandlerSpec, *, with_test: bool = True) -> list[Change]:
    """The handler module (and its test) for ``spec``, plus its package files."""
    context = handler_context(spec)
    changes = package_changes(spec.layout, spec.layout.handlers_package)
    module = render(f"handlers/{spec.handler_type}_{spec.style}.py.j2", **context)
    changes.append(
        Change(spec.module_path, module, detail=f"{spec.handler_type} handler, {spec.style} style")
    )
    if with_test:
        test = render(f"tests/test_{spec.handler_type}.py.j2", **context)
        changes.append(Change(spec.test_path, test, detail="its test"))
    return changes


__all__ = ["ITEMS_INPUT", "handler_changes", "handler_context", "package_changes"]
