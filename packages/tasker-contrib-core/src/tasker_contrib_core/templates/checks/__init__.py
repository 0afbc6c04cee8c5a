"""The individual template checks, one module per concern.

Each check takes a loaded :class:`~tasker_contrib_core.templates.model.TaskTemplate`
and returns a list of findings; :mod:`tasker_contrib_core.templates.validator`
runs them all. ``STATIC_CHECKS`` lists the ones that need nothing but the template.
"""

from __future__ import annotations

from collections.abc import Callable

from tasker_contrib_core.templates.checks.environments import check_environment_overrides
from tasker_contrib_core.templates.checks.flow import (
    check_batches,
    check_convergence,
    check_decisions,
)
from tasker_contrib_core.templates.checks.handlers import (
    check_dispatch_keys,
    check_empty_callables,
    check_handler_resolution,
)
from tasker_contrib_core.templates.checks.ranges import check_ranges
from tasker_contrib_core.templates.checks.schemas import (
    check_event_null_payloads,
    check_events,
    check_input_schema,
    check_namespace,
    check_result_schemas,
)
from tasker_contrib_core.templates.checks.structure import (
    check_cycles,
    check_dependencies,
    check_duplicate_step_names,
    check_orphans,
)
from tasker_contrib_core.templates.findings import Finding
from tasker_contrib_core.templates.model import TaskTemplate

Check = Callable[[TaskTemplate], list[Finding]]

#: Checks run on every template, in reporting order.
STATIC_CHECKS: tuple[Check, ...] = (
    check_namespace,
    check_duplicate_step_names,
    check_empty_callables,
    check_dependencies,
    check_cycles,
    check_decisions,
    check_convergence,
    check_batches,
    check_ranges,
    check_input_schema,
    check_result_schemas,
    check_events,
    check_event_null_payloads,
    check_dispatch_keys,
    check_environment_overrides,
    check_orphans,
)

__all__ = ["STATIC_CHECKS", "Check", "check_handler_resolution"]
