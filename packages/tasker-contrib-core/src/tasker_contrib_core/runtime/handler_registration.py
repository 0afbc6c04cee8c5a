"""Register the project's handlers with the real worker once each.

``tasker_core.Worker.start(handler_packages=...)`` first registers every
class handler the task templates name (template-driven bootstrap), then scans
the packages and registers what it finds again: each class-style handler that
is both named in a template and defined in a scanned package is registered
twice, and the engine warns ``Overwriting existing handler`` for each (five
lines at every start of the example workflow). Same class, same name: nothing
was overwritten. A package that re-exports a handler from its ``__init__``
causes the same warning while it is scanned.

Here the process-wide registry is bootstrapped from the templates exactly as
``Worker.start`` would, the packages are scanned into a private registry that
ignores a class it already holds under that name, and only names the worker
does not already map to the same class are registered. Explicit packages still
win on a real collision (a different class under the same name), as upstream
documents; ``Worker.start`` is then called without packages, and its own
bootstrap is a no-op because the registry is already bootstrapped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _deduplicating_registry(core: Any) -> Any:
    """A private ``HandlerRegistry`` whose ``register`` skips a repeat of the same class."""

    class DeduplicatingRegistry(core.HandlerRegistry):  # type: ignore[misc]
        def register(self, name: str, handler_class: type) -> None:
            if self.get_handler_class(name) is handler_class:
                return
            super().register(name, handler_class)

    return DeduplicatingRegistry()


def register_handlers_once(core: Any, packages: Iterable[str]) -> int:
    """Bootstrap the worker's registry and add ``packages``' handlers; returns how many were new.

    Call after the engine environment (``TASKER_TEMPLATE_PATH``...) is in place
    and before ``core.Worker.start(handler_packages=None)``.
    """
    registry = core.HandlerRegistry.instance(skip_bootstrap=True)
    registry.bootstrap_handlers()
    scanned = _deduplicating_registry(core)
    for package in packages:
        scanned.discover_handlers(package)
    added = 0
    for name in scanned.list_handlers():
        handler_class = scanned.get_handler_class(name)
        if handler_class is None or registry.get_handler_class(name) is handler_class:
            continue
        registry.register(name, handler_class)
        added += 1
    return added


__all__ = ["register_handlers_once"]
