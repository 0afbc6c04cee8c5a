"""Pick the runtime the settings ask for: configuration, not code, decides.

``runtime = "auto"`` (the default) means the real worker once a database URL
is configured anywhere above the built-in defaults, and the local engine
otherwise; ``"local"`` and ``"worker"`` force one. See
:meth:`~tasker_contrib_core.config.TaskerSettings.resolved_runtime`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.runtime.base import Runtime


def runtime_from_settings(settings: TaskerSettings, **options: Any) -> Runtime:
    """A :class:`LocalRuntime` or :class:`WorkerRuntime` for ``settings`` (not started).

    ``options`` go to the chosen class (``max_workers=`` for the local runtime,
    ``preflight_timeout=`` for the worker runtime...).
    """
    if settings.resolved_runtime() == "worker":
        from tasker_contrib_core.runtime.worker import WorkerRuntime

        return WorkerRuntime(settings, **options)
    from tasker_contrib_core.runtime.local import LocalRuntime

    return LocalRuntime(settings, **options)


__all__ = ["runtime_from_settings"]
