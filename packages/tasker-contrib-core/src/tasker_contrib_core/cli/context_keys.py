"""``ctx.meta`` keys through which a framework package adapts the mounted commands.

``flask tasker ...`` and ``manage.py tasker ...`` reuse these click commands;
the framework puts what it knows (where its files go, how its app hosts a
runtime) in the invocation's shared ``ctx.meta`` before a command runs.
"""

from __future__ import annotations

#: A :class:`~tasker_contrib_core.scaffold.ScaffoldLayout` for ``install`` / ``generate``.
LAYOUT_KEY = "tasker_contrib.scaffold.layout"

#: ``factory(settings) -> TaskerHost`` for ``worker``: the framework's host (its sinks,
#: signals and app state) runs the runtime instead of a bare one built from settings.
WORKER_HOST_KEY = "tasker_contrib.worker.host"

__all__ = ["LAYOUT_KEY", "WORKER_HOST_KEY"]
