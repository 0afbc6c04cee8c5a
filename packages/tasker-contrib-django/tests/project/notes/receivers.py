"""Receivers of the test project: they write through the ORM on the engine's thread.

``TEST_RECEIVER_WRITES=1``: every ``tasker_event`` writes (and reads) a Note,
the pattern a real project's receivers follow. Every completed step is
recorded in the lifecycle log as ``receiver.step_completed``.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from tasker_contrib_core.integration import record_lifecycle
from tasker_contrib_django.signals import step_execution_completed, tasker_event


def on_event(sender: Any, event: Any, **kwargs: Any) -> None:
    if os.environ.get("TEST_RECEIVER_WRITES") != "1":
        return
    from notes.models import Note

    Note.objects.create(text=event.name, source="receiver")
    Note.objects.filter(source="receiver").count()


def on_step_completed(sender: Any, event: Any, **kwargs: Any) -> None:
    record_lifecycle(
        "receiver.step_completed",
        step=event.step_name,
        task_uuid=event.task_uuid,
        thread=threading.current_thread().name,
    )


def connect() -> None:
    tasker_event.connect(on_event, dispatch_uid="notes.receivers.on_event")
    step_execution_completed.connect(
        on_step_completed, dispatch_uid="notes.receivers.on_step_completed"
    )
