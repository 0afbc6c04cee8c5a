"""What one generated step handler is called everywhere it appears.

The handler's module, its class or function, its registered name, its step
name and the ``handler.callable`` a task template must use are all derived
here from one user-typed name, so the module, the test and the template can
never disagree.

Callables follow the worker's resolution rules
(:func:`tasker_contrib_core.engine.resolve_handler`):

* class style: ``package.module.ClassName``, found by importing the module,
  with no handler package scan needed;
* function style: the name given to the decorator (``namespace.step``),
  found once the worker scans the handlers package (``handler_packages``),
  because a decorated function is not a class the import path could name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal, get_args

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.layout import ScaffoldLayout
from tasker_contrib_core.scaffold.naming import Names, check_namespace, to_names

HandlerType = Literal["base", "api", "decision", "batchable"]
HandlerStyle = Literal["class", "function"]
HANDLER_TYPES: tuple[str, ...] = get_args(HandlerType)
HANDLER_STYLES: tuple[str, ...] = get_args(HandlerStyle)

#: Namespace used when none is given and no template names one.
DEFAULT_NAMESPACE = "default"
#: Where generated API handlers point until the template or code says otherwise.
DEFAULT_BASE_URL = "https://api.example.com"
#: Items per batch worker written into a generated batchable step.
DEFAULT_BATCH_SIZE = 10
#: Suffix of the batch_worker step generated next to a batchable step.
WORKER_SUFFIX = "batch"

_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-_~:/?#\[\]@!$&()*+,;=%]+$")


@dataclass(frozen=True)
class HandlerRef:
    """One handler object in a generated module and how a template refers to it."""

    step: str
    object_name: str
    handler_name: str
    callable: str
    description: str


@dataclass(frozen=True)
class HandlerSpec:
    """Everything a step handler generator derives from its arguments."""

    names: Names
    handler_type: HandlerType
    style: HandlerStyle
    namespace: str
    layout: ScaffoldLayout
    main: HandlerRef
    worker: HandlerRef | None = None
    branches: tuple[str, ...] = ()
    base_url: str = DEFAULT_BASE_URL
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def module(self) -> str:
        """Dotted import path of the handler module."""
        return f"{self.layout.handlers_package}.{self.names.snake}"

    @property
    def module_path(self) -> PurePosixPath:
        return self.layout.handler_module(self.names.snake)

    @property
    def test_path(self) -> PurePosixPath:
        return self.layout.test_file(f"test_{self.names.snake}")

    @property
    def refs(self) -> tuple[HandlerRef, ...]:
        return (self.main,) if self.worker is None else (self.main, self.worker)


def sentence(snake: str) -> str:
    """``process_payment`` -> ``Process payment``: a readable default description."""
    return snake.replace("_", " ").capitalize()


def check_base_url(url: str) -> str:
    if not _BASE_URL.match(url):
        raise GenerationError(
            f"--base-url {url!r} is not an http(s) URL without quotes or spaces, such as "
            "https://api.example.com/v1"
        )
    return url.rstrip("/")


def _ref(
    names: Names,
    *,
    step: str,
    class_suffix: str,
    style: HandlerStyle,
    namespace: str,
    module: str,
    description: str,
) -> HandlerRef:
    handler_name = f"{namespace}.{step}"
    if style == "class":
        object_name = names.class_name(class_suffix)
        return HandlerRef(step, object_name, handler_name, f"{module}.{object_name}", description)
    return HandlerRef(step, step, handler_name, handler_name, description)


def _branches(names: Names, given: tuple[str, ...]) -> tuple[str, ...]:
    if not given:
        return (f"{names.snake}_yes", f"{names.snake}_no")
    branches = tuple(dict.fromkeys(to_names(b, what="branch name").snake for b in given))
    if names.snake in branches:
        raise GenerationError(f"decision '{names.snake}' cannot be one of its own branches")
    return branches


def build_spec(
    name: str,
    *,
    handler_type: HandlerType = "base",
    style: HandlerStyle = "class",
    namespace: str | None = None,
    layout: ScaffoldLayout | None = None,
    branches: tuple[str, ...] = (),
    base_url: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> HandlerSpec:
    """Validate the generator's arguments and derive every name (see module docstring)."""
    if handler_type not in HANDLER_TYPES:
        raise GenerationError(
            f"unknown handler type {handler_type!r}; use one of {', '.join(HANDLER_TYPES)}"
        )
    if style not in HANDLER_STYLES:
        raise GenerationError(f"unknown style {style!r}; use one of {', '.join(HANDLER_STYLES)}")
    if branches and handler_type != "decision":
        raise GenerationError("--branches only applies to --type decision")
    if batch_size < 1:
        raise GenerationError(f"batch size must be at least 1, got {batch_size}")
    names = to_names(name, what="handler name", strip_suffixes=("handler",))
    chosen_layout = layout or ScaffoldLayout()
    space = check_namespace(namespace or DEFAULT_NAMESPACE)
    module = f"{chosen_layout.handlers_package}.{names.snake}"
    main = _ref(
        names,
        step=names.snake,
        class_suffix="Handler",
        style=style,
        namespace=space,
        module=module,
        description=f"{sentence(names.snake)}.",
    )
    worker = None
    if handler_type == "batchable":
        worker = _ref(
            names,
            step=f"{names.snake}_{WORKER_SUFFIX}",
            class_suffix="BatchHandler",
            style=style,
            namespace=space,
            module=module,
            description=f"Process one batch of {sentence(names.snake).lower()}.",
        )
    return HandlerSpec(
        names=names,
        handler_type=handler_type,
        style=style,
        namespace=space,
        layout=chosen_layout,
        main=main,
        worker=worker,
        branches=_branches(names, branches) if handler_type == "decision" else (),
        base_url=check_base_url(base_url or DEFAULT_BASE_URL),
        batch_size=batch_size,
    )


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_NAMESPACE",
    "HANDLER_STYLES",
    "HANDLER_TYPES",
    "WORKER_SUFFIX",
    "HandlerRef",
    "HandlerSpec",
    "HandlerStyle",
    "HandlerType",
    "build_spec",
    "check_base_url",
    "sentence",
]
