"""Database connection hygiene on threads Django did not start.

Django opens one connection per thread and closes old ones at the start and
end of each request (``close_old_connections``). The engine's threads (the
real worker's poller, which runs step handlers; the local engine's pool; the
event dispatcher) never see a request, so a handler or receiver using the
ORM there would keep its connection forever, and a broken one would never
be replaced. The same rule as a request applies around each step and each
event dispatch: close connections that are unusable or older than
``CONN_MAX_AGE`` (with the default ``CONN_MAX_AGE = 0``: all of them).
"""

from __future__ import annotations

import logging

logger = logging.getLogger("tasker_contrib.django")


def close_step_connections(_event: object = None) -> None:
    """``close_old_connections()`` for the calling thread; never raises."""
    try:
        from django.db import close_old_connections

        close_old_connections()
    except Exception:
        logger.warning("closing Django database connections failed", exc_info=True)


__all__ = ["close_step_connections"]
