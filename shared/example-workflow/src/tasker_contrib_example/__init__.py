"""The order-processing example workflow (templates and handlers).

Used by every package's docs, example apps and tests, so it exercises each
kind of step the engine has: parallel steps, a decision with two branches, a
deferred convergence, a batchable step with batch workers, retries, an async
handler and declared domain events. Handlers are deterministic: nothing talks
to a network; "external" systems are simulated from the task context.

Importing this package does not import ``tasker_core``; the handler modules do.
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]

#: Directory holding ``order_processing.yaml`` (the worker's template path).
TEMPLATES_DIR = _ROOT / "templates"

#: Sample task contexts (``order.json`` takes the express path).
CONTEXTS_DIR = _ROOT / "contexts"

#: Packages a worker must scan so the decorator handlers' names are registered.
HANDLER_PACKAGES: tuple[str, ...] = ("tasker_contrib_example.handlers",)

#: The template's identity, as the engine keys it.
NAMESPACE = "ecommerce"
TEMPLATE_NAME = "order_processing"
TEMPLATE_VERSION = "1.0.0"

__all__ = [
    "CONTEXTS_DIR",
    "HANDLER_PACKAGES",
    "NAMESPACE",
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "TEMPLATE_VERSION",
]
