"""Import ``tasker_core`` quietly, once, and only when the engine really runs.

``import tasker_core`` loads a Rust extension that prints its tracing output
to the terminal unless ``RUST_LOG`` is set before the first import. The local
engine calls handlers, never the Rust worker, so engine logs are noise here:
we set a quiet default (a user's own ``RUST_LOG`` always wins) and import on
first use so ``import tasker_contrib_core.engine`` stays free of the extension.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

#: Default log filter for the Rust side when the user has not chosen one.
QUIET_RUST_LOG = "error"


def load_tasker_core() -> ModuleType:
    """Return the ``tasker_core`` module, importing it quietly on first call."""
    os.environ.setdefault("RUST_LOG", QUIET_RUST_LOG)
    return importlib.import_module("tasker_core")


__all__ = ["QUIET_RUST_LOG", "load_tasker_core"]
