"""Import a helper module that sits next to a package's ``conftest.py``.

Test directories are not packages (``--import-mode=importlib``), so a
``tests/support.py`` cannot be imported by name. Every framework package loads
its helpers by path instead, once, under a name unique to that package (two
packages' ``support.py`` must never replace each other in ``sys.modules``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["load_test_module"]


def load_test_module(directory: Path, name: str, *, prefix: str) -> ModuleType:
    """Import ``directory/<name>.py`` as ``<prefix>_<name>``, once per test run."""
    module_name = f"{prefix}_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, directory / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]
