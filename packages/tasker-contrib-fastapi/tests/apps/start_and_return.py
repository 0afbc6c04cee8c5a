"""A script that runs the app's lifespan start-up and returns without shutting down.

The process must still exit at once with status 0: every thread the
integration and the runtime started is a daemon thread, and nothing is
left for the interpreter to wait for.
"""

from __future__ import annotations

import asyncio

from lifecycle_app import app
from tasker_contrib_core.integration import record_lifecycle


async def start_only() -> None:
    context = app.router.lifespan_context(app)
    await context.__aenter__()
    record_lifecycle("script.returning")


loop = asyncio.new_event_loop()
loop.run_until_complete(start_only())
# No __aexit__, no stop(), loop left open: exactly what a careless script does.
