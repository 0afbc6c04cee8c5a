"""``ctx.meta`` keys through which a framework package adapts the mounted commands.

``flask tasker ...`` and ``manage.py tasker ...`` reuse these click commands;
the framework puts what it knows (where its files go, how its app hosts a
runtime) in the invocation's shared ``ctx.meta`` before a command runs.

``WORKER_HOST_KEY`` (``factory(settings) -> TaskerHost`` for ``worker``: the
framework's host, with its sinks, signals and app state, runs the runtime
instead of a bare one built from settings) is defined by the integration kit
beside :class:`~tasker_contrib_core.integration.WorkerHostFactory` and
re-exported here: one key for every framework.
"""

from __future__ import annotations

from tasker_contrib_core.integration import WORKER_HOST_KEY

#: A :class:`~tasker_contrib_core.scaffold.ScaffoldLayout` for ``install`` / ``generate``.
LAYOUT_KEY = "tasker_contrib.scaffold.layout"

__all__ = ["LAYOUT_KEY", "WORKER_HOST_KEY"]
