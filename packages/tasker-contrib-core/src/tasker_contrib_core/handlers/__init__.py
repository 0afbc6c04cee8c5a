"""Handler resolution: find a step's handler the way the tasker-py worker does.

One home for the rules, used by the local engine (to run a step), the template
validator (to report an unknown handler up front) and the testing helpers.
Importing this package does not import ``tasker_core``; resolving does.
"""

from __future__ import annotations

from tasker_contrib_core.handlers.resolution import (
    CLASS_PATH,
    HandlerOverride,
    ResolvedHandler,
    clear_handler_cache,
    discover_package,
    instantiate_like_worker,
    resolve_handler,
)

__all__ = [
    "CLASS_PATH",
    "HandlerOverride",
    "ResolvedHandler",
    "clear_handler_cache",
    "discover_package",
    "instantiate_like_worker",
    "resolve_handler",
]
