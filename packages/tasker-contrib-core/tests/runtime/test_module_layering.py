"""Imports between the local runtime and its clients run one way: runtime -> clients."""

from __future__ import annotations

import ast
from pathlib import Path

import tasker_contrib_core.runtime.local_client as local_client
from tasker_contrib_testsupport.import_surface import imported_modules


def test_the_local_clients_never_import_the_local_runtime() -> None:
    tree = ast.parse(Path(local_client.__file__).read_text(encoding="utf-8"))
    modules = {module for _, module, _ in imported_modules(tree)}
    assert "tasker_contrib_core.runtime.local" not in modules
    assert not any(module.startswith("tasker_contrib_core.runtime.local.") for module in modules)
