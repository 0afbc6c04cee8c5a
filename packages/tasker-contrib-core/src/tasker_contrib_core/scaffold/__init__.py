"""Scaffolding: ``tasker-contrib install`` and ``tasker-contrib generate``.

Generators write a project's Tasker files from Jinja2 templates shipped in
``scaffold/templates/``: engine configuration, step handlers (base, API,
decision, batchable; class or decorator style) with tests that use the
testing toolkit and pass as generated, task templates that validate and run,
and event sinks. They are safe to re-run: existing files are skipped unless
``force``, nothing is written outside the target directory, and steps are
added to an existing task template without disturbing its comments or
formatting.

Framework packages choose where files go with a :class:`ScaffoldLayout`,
passed to the functions below or put in the click context object of the
mounted commands.

Importing this package does not import ``tasker_core``.
"""

from __future__ import annotations

from tasker_contrib_core.scaffold.install import install
from tasker_contrib_core.scaffold.layout import ScaffoldLayout, project_layout
from tasker_contrib_core.scaffold.naming import Names, to_names
from tasker_contrib_core.scaffold.plan import Change, FileAction, ScaffoldResult, apply_changes
from tasker_contrib_core.scaffold.spec import (
    HANDLER_STYLES,
    HANDLER_TYPES,
    HandlerSpec,
    HandlerStyle,
    HandlerType,
    build_spec,
)
from tasker_contrib_core.scaffold.step_handler import generate_step_handler
from tasker_contrib_core.scaffold.subscriber import generate_subscriber
from tasker_contrib_core.scaffold.task_template import generate_task_template
from tasker_contrib_core.scaffold.yaml_edit import StepEdit, add_steps

__all__ = [
    "HANDLER_STYLES",
    "HANDLER_TYPES",
    "Change",
    "FileAction",
    "HandlerSpec",
    "HandlerStyle",
    "HandlerType",
    "Names",
    "ScaffoldLayout",
    "ScaffoldResult",
    "StepEdit",
    "add_steps",
    "apply_changes",
    "build_spec",
    "generate_step_handler",
    "generate_subscriber",
    "generate_task_template",
    "install",
    "project_layout",
    "to_names",
]
