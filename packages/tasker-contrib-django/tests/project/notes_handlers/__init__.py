"""Step handlers of the test project: they use the ORM on the engine's thread."""

from __future__ import annotations

import threading
from typing import Any

from tasker_contrib_core.integration import record_lifecycle
from tasker_core import StepHandler


class RecordNote(StepHandler):  # type: ignore[misc]
    """Writes a Note row (source "handler") for the task's note_id."""

    handler_name = "notes_handlers.RecordNote"

    def call(self, context: Any) -> Any:
        from notes.models import Note

        note_id = context.get_input("note_id")
        row = Note.objects.create(text=f"recorded {note_id}", source="handler")
        record_lifecycle("handler.wrote_row", row_id=row.pk, thread=threading.current_thread().name)
        return self.success({"row_id": row.pk, "note_id": note_id})
