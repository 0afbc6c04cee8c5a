"""Resolve a template's ``handler.callable`` exactly as the tasker-py 0.1.8 worker does.

The worker resolves the callable string alone (``handler.method`` and
``handler.resolver`` are ignored) through its resolver chain:

1. an exact match on a registered name: names registered on the
   ``HandlerRegistry`` (``registry.register(name, cls)``), including everything
   ``Worker.start(handler_packages=[...])`` discovered by scanning those
   packages for ``StepHandler`` subclasses with a ``handler_name`` and for
   decorated functions (``fn._handler_class``); packages override earlier
   registrations of the same name;
2. otherwise, if the callable looks like ``package.module.ClassName`` (last
   segment capitalised), import the module and take that attribute if it is a
   class.

It builds a **new handler instance for every step execution**: ``cls()``,
or ``cls(config={})`` when the constructor insists on an argument (the worker
resolves by string, so the template's ``initialization`` never reaches the
constructor; handlers read it with ``context.get_config``).

Unlike the worker, which logs and fails the step at run time when nothing
matches, :func:`resolve_handler` raises :class:`HandlerResolutionError` up
front, listing everything it tried and how to fix it.
"""

from __future__ import annotations

import importlib
import inspect
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tasker_contrib_core._internal.tasker_core_import import load_tasker_core
from tasker_contrib_core.errors import HandlerResolutionError

#: The worker's test for "this callable is a class path" (``ClassLookupResolver``).
CLASS_PATH = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*\.[A-Z][a-zA-Z0-9_]*$")

HandlerOverride = Any
"""A ``handlers=`` value: a handler class, a decorated function or a handler instance."""

_discovered: dict[str, dict[str, type]] = {}
_discovery_lock = threading.Lock()


@dataclass(frozen=True)
class ResolvedHandler:
    """How one callable resolved, and how to get a handler instance for an execution."""

    callable_name: str
    source: str
    origin: str
    handler_class: type | None
    _make: Callable[[], Any] = field(repr=False)
    is_async: bool = False

    @property
    def handler_name(self) -> str:
        """The name the worker passes to ``StepContext.from_ffi_event`` (``handler.name``)."""
        cls = self.handler_class
        name = getattr(cls, "handler_name", "") if cls is not None else ""
        return str(name) if name else (cls.__name__ if cls is not None else self.callable_name)

    def new_instance(self) -> Any:
        """A handler instance for one execution, built the way the worker builds it."""
        return self._make()


def clear_handler_cache() -> None:
    """Forget discovered handler packages (after adding handler modules at run time)."""
    with _discovery_lock:
        _discovered.clear()


def discover_package(package: str) -> dict[str, type]:
    """``handler_name -> class`` for ``package``, scanned with the worker's own discovery.

    Uses a private ``HandlerRegistry`` so the process-wide registry the real
    worker uses is left untouched. Results are cached per package.
    """
    with _discovery_lock:
        cached = _discovered.get(package)
        if cached is not None:
            return cached
    core = load_tasker_core()  # first, so user modules importing it find RUST_LOG set
    try:
        importlib.import_module(package)
    except Exception as exc:
        raise HandlerResolutionError(
            f"handler package '{package}' could not be imported: {type(exc).__name__}: {exc}. "
            "Check the name (a dotted module path importable from the current environment) "
            "and that the package is installed."
        ) from exc
    registry = core.HandlerRegistry()
    registry.discover_handlers(package)
    found = {name: registry.get_handler_class(name) for name in registry.list_handlers()}
    with _discovery_lock:
        _discovered[package] = found
    return found


def instantiate_like_worker(entry: Any) -> Any:
    """Turn a registry entry into a handler instance as the worker's resolvers do."""
    if isinstance(entry, type):
        try:
            return entry()
        except TypeError:
            return entry(config={})
    if callable(entry) and not hasattr(entry, "call"):
        return entry({})
    return entry


def _call_is_async(cls: type | None, instance: Any = None) -> bool:
    target = getattr(instance if instance is not None else cls, "call", None)
    return inspect.iscoroutinefunction(target)


def _from_entry(callable_name: str, source: str, origin: str, entry: Any) -> ResolvedHandler:
    if isinstance(entry, type):
        cls = entry
        needs_config = _trial_construct(callable_name, cls)

        def make() -> Any:
            return cls(config={}) if needs_config else cls()

        return ResolvedHandler(callable_name, source, origin, cls, make, _call_is_async(cls))
    if callable(entry) and not hasattr(entry, "call"):
        factory = entry
        probe = factory({})
        return ResolvedHandler(
            callable_name,
            source,
            origin,
            type(probe),
            lambda: factory({}),
            _call_is_async(None, probe),
        )
    instance = entry
    return ResolvedHandler(
        callable_name,
        source,
        origin,
        type(instance),
        lambda: instance,
        _call_is_async(None, instance),
    )


def _trial_construct(callable_name: str, cls: type) -> bool:
    """Build one instance now so constructor errors surface before the run.

    Returns whether the constructor needs ``config={}`` (the worker's fallback).
    The worker would report a constructor failure as "handler not found" when
    the step runs; failing here says why.
    """
    try:
        cls()
        return False
    except TypeError:
        pass
    except Exception as exc:
        raise HandlerResolutionError(
            f"handler '{callable_name}' resolved to {cls.__module__}.{cls.__qualname__}, "
            f"but constructing it failed: {type(exc).__name__}: {exc}. The worker builds a "
            "new instance per step with no arguments; make the constructor work without them."
        ) from exc
    try:
        cls(config={})
    except Exception as exc:
        raise HandlerResolutionError(
            f"handler '{callable_name}' resolved to {cls.__module__}.{cls.__qualname__}, "
            f"but neither {cls.__name__}() nor {cls.__name__}(config={{}}) works "
            f"({type(exc).__name__}: {exc}); the worker tries exactly those two."
        ) from exc
    return True


def _override_entry(callable_name: str, value: HandlerOverride) -> Any:
    handler_class = getattr(value, "_handler_class", None)
    if isinstance(handler_class, type):
        return handler_class
    if isinstance(value, type) or hasattr(value, "call"):
        return value
    raise HandlerResolutionError(
        f"handlers['{callable_name}'] is {value!r}, which is not a handler: pass a StepHandler "
        "subclass, a handler instance, or a function decorated with "
        "tasker_core.step_handler.functional.step_handler(...)"
    )


def _registry_entry(callable_name: str) -> Any | None:
    core = load_tasker_core()
    registry = core.HandlerRegistry.instance(skip_bootstrap=True)
    cls = registry.get_handler_class(callable_name)
    if cls is not None:
        return cls
    explicit = registry.resolver_chain.explicit_resolver
    handlers = getattr(explicit, "_handlers", None)
    if isinstance(handlers, Mapping):
        return handlers.get(callable_name)
    return None


def _import_class(callable_name: str) -> tuple[type | None, str]:
    """Import ``package.module.ClassName``; returns the class or why it failed."""
    module_path, _, attribute = callable_name.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except Exception as exc:
        return None, f"module '{module_path}' could not be imported ({type(exc).__name__}: {exc})"
    value = getattr(module, attribute, None)
    if value is None:
        return None, f"module '{module_path}' has no attribute '{attribute}'"
    if not isinstance(value, type):
        hint = ""
        decorated = getattr(value, "_handler_class", None)
        if isinstance(decorated, type):
            hint = (
                f"; it is a decorated function whose handler name is "
                f"'{getattr(decorated, 'handler_name', '')}': use that name as the callable "
                "and list the package in handler_packages"
            )
        return None, f"'{callable_name}' is not a class{hint}"
    return value, ""


def resolve_handler(
    callable_name: str,
    handler_packages: Sequence[str] = (),
    *,
    overrides: Mapping[str, HandlerOverride] | None = None,
    step: str | None = None,
) -> ResolvedHandler:
    """Resolve ``callable_name`` like the 0.1.8 worker (see module docstring).

    ``overrides`` (the local engine's ``handlers=``) are consulted first; they
    have no counterpart in the worker. ``step`` only improves error messages.
    Raises :class:`HandlerResolutionError` naming the callable, everything that
    was tried, and what to do.
    """
    where = f"step '{step}': " if step else ""
    load_tasker_core()  # before importing any handler module, so RUST_LOG is already set
    if not callable_name or not callable_name.strip():
        raise HandlerResolutionError(
            f"{where}handler.callable is empty; set it to a registered handler name or to "
            "'package.module.ClassName'"
        )
    tried: list[str] = []

    if overrides is not None:
        if callable_name in overrides:
            entry = _override_entry(callable_name, overrides[callable_name])
            return _from_entry(callable_name, "override", "handlers= override", entry)
        tried.append("handlers= overrides: no entry for this callable")

    for package in reversed(tuple(handler_packages)):
        found = discover_package(package)
        if callable_name in found:
            cls = found[callable_name]
            return _from_entry(
                callable_name, "handler_packages", f"{cls.__module__}.{cls.__qualname__}", cls
            )
    if handler_packages:
        names = sorted({name for pkg in handler_packages for name in discover_package(pkg)})
        listing = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        tried.append(
            f"handler packages {list(handler_packages)}: no handler_name '{callable_name}' "
            f"(found: {listing or 'none'})"
        )
    else:
        tried.append("handler packages: none given")

    registered = _registry_entry(callable_name)
    if registered is not None:
        return _from_entry(callable_name, "registry", "tasker_core HandlerRegistry", registered)
    tried.append("tasker_core HandlerRegistry: no handler registered under this name")

    if CLASS_PATH.match(callable_name):
        imported, why = _import_class(callable_name)
        if imported is not None:
            return _from_entry(callable_name, "class_lookup", callable_name, imported)
        tried.append(f"class lookup: {why}")
    else:
        tried.append(
            "class lookup: skipped, the callable is not shaped like 'package.module.ClassName' "
            "(dotted, last part capitalised)"
        )

    details = "\n".join(f"  - {line}" for line in tried)
    closest = _closest_name(callable_name, handler_packages)
    if closest is not None:
        error = HandlerResolutionError(
            f"{where}handler callable '{callable_name}' does not resolve the way the tasker-py "
            f"worker resolves it. Tried:\n{details}\n"
            f"Did you mean '{closest}'? Fix: set the callable in the template to it (or rename "
            "the handler)."
        )
        error.suggestion = closest
        raise error
    raise HandlerResolutionError(
        f"{where}handler callable '{callable_name}' does not resolve the way the tasker-py "
        f"worker resolves it. Tried:\n{details}\n"
        "Fix: give the handler class handler_name = "
        f"'{callable_name}' (or decorate a function with @step_handler('{callable_name}')) "
        "in a package passed as handler_packages / --handlers, or set the callable to the "
        "class's dotted import path (package.module.ClassName)."
    )


def _closest_name(callable_name: str, handler_packages: Sequence[str]) -> str | None:
    """The existing handler name or class path most like a misspelt ``callable_name``."""
    import difflib

    candidates = {name for pkg in handler_packages for name in discover_package(pkg)}
    if CLASS_PATH.match(callable_name):
        module_name = callable_name.rpartition(".")[0]
        try:
            module = importlib.import_module(module_name)
        except Exception:  # the module itself is misspelt: compare names only
            module = None
        if module is not None:
            candidates.update(
                f"{module_name}.{name}"
                for name, value in vars(module).items()
                if inspect.isclass(value) and not name.startswith("_")
            )
    matches = difflib.get_close_matches(callable_name, sorted(candidates), n=1, cutoff=0.75)
    return matches[0] if matches else None


__all__ = [
    "CLASS_PATH",
    "HandlerOverride",
    "ResolvedHandler",
    "clear_handler_cache",
    "discover_package",
    "instantiate_like_worker",
    "resolve_handler",
]
