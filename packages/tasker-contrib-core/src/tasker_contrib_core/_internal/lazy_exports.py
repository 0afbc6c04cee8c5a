"""PEP 562 lazy exports: a package names its public objects without importing them.

Packages whose public names live in heavier modules (the engine model, the
HTTP client, pytest helpers, a web framework) keep ``import package`` cheap
by loading each name on first access. Core's subpackages and every framework
package use this one implementation (framework packages through
:mod:`tasker_contrib_core.integration`), so none of them carries its own
``__getattr__``/``__dir__`` pair.

It lives here, imported by nothing heavier than the standard library's
``importlib``, because the packages that use it promise an import costing a
few milliseconds in gunicorn masters and reloader parents.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

#: What ``__version__`` says when the distribution is not installed (a source tree).
UNINSTALLED_VERSION = "0.0.0"


def distribution_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``0.0.0`` from a source tree.

    ``importlib.metadata`` costs tens of milliseconds to import, which is why
    packages read their ``__version__`` through this on first access only.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return UNINSTALLED_VERSION


def lazy_exports(
    package: str,
    homes: Mapping[str, str],
    namespace: dict[str, Any],
    *,
    distribution: str | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``.

    ``homes`` maps a public name to the module defining it: absolute
    (``"pkg.mod"``) or relative to ``package`` (``"mod"``). A loaded name is
    cached in ``namespace`` (the package's ``globals()``), so the import
    happens once. With ``distribution``, ``__version__`` is that
    distribution's installed version, read on first access.

    Use it at the end of a package's ``__init__``::

        __getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals(),
                                            distribution="my-dist")
    """

    def module_of(name: str) -> str:
        home = homes[name]
        return home if "." in home else f"{package}.{home}"

    def __getattr__(name: str) -> Any:
        if name == "__version__" and distribution is not None:
            value: Any = distribution_version(distribution)
        elif name in homes:
            value = getattr(importlib.import_module(module_of(name)), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        names = {*namespace, *homes}
        if distribution is not None:
            names.add("__version__")
        return sorted(names)

    return __getattr__, __dir__


__all__ = ["UNINSTALLED_VERSION", "distribution_version", "lazy_exports"]
