"""Run an app's Tasker runtime around a block of test code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


@contextmanager
def running(app: Flask, timeout: float | None = None) -> Iterator[Flask]:
    """``with running(app):`` the app's runtime is started inside, stopped after.

    The same host ``flask tasker worker`` and the server hooks start, so the
    test runs the app as production does (signals, client, probes).
    """
    from tasker_contrib_flask.extension import host_of

    host = host_of(app)
    host.start(timeout)
    try:
        yield app
    finally:
        host.stop()


__all__ = ["running"]
