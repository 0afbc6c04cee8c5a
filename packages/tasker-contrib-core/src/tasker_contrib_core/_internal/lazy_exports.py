"""PEP 562 lazy exports: a package names its public objects without importing them.

Packages whose public names live in heavier modules (the engine model, the
HTTP client, pytest helpers) keep ``import package`` cheap by loading each
name on first access. Every such ``__init__`` used to carry its own
``__getattr__``/``__dir__`` pair; this is the one implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``.

    ``homes`` maps a public name to the module defining it: absolute
    (``"pkg.mod"``) or relative to ``package`` (``"mod"``). A loaded name is
    cached in ``namespace`` (the package's ``globals()``), so the import
    happens once.
    """

    def module_of(name: str) -> str:
        home = homes[name]
        return home if "." in home else f"{package}.{home}"

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_of(name)), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__


__all__ = ["lazy_exports"]
