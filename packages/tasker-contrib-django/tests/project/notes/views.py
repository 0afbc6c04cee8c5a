from __future__ import annotations

import json
import os

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from tasker_contrib_django import enqueue_on_commit

from notes.models import Note


@csrf_exempt
def create_note(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body or b"{}")
    with transaction.atomic():
        note = Note.objects.create(text=body.get("text", ""))
        enqueue_on_commit(
            name="record_note", namespace="notes", version="1.0.0", context={"note_id": note.pk}
        )
    return JsonResponse({"note_id": note.pk}, status=201)


def pid(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"pid": os.getpid()})
