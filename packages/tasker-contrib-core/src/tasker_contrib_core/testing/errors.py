"""Errors raised by the testing toolkit itself (as opposed to failed assertions).

A failed expectation is an ``AssertionError`` so pytest reports it as a test
failure; a run that never finishes is a different kind of problem (the test
cannot even reach its assertions) and gets its own type in the one hierarchy
every tasker-contrib error belongs to.
"""

from __future__ import annotations

from tasker_contrib_core.errors import EngineRunError


class TaskRunTimeoutError(EngineRunError):
    """A local run did not finish within the test's time limit.

    ``running`` names the steps that were executing when the limit hit,
    ``waiting`` the steps sleeping before a retry: together they say where the
    workflow is stuck.
    """

    def __init__(
        self,
        message: str,
        *,
        task: str,
        timeout: float,
        running: list[str],
        waiting: list[str],
    ) -> None:
        self.task = task
        self.timeout = timeout
        self.running = running
        self.waiting = waiting
        super().__init__(message)


__all__ = ["TaskRunTimeoutError"]
