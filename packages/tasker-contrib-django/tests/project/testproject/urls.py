from __future__ import annotations

from django.urls import include, path
from notes import views

urlpatterns = [
    path("tasker/", include("tasker_contrib_django.urls")),
    path("notes/", views.create_note, name="create_note"),
    path("debug/pid/", views.pid, name="pid"),
]
