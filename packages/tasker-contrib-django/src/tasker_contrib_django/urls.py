"""``path("tasker/", include("tasker_contrib_django.urls"))``: probes, task views, console.

URL names (namespace ``tasker``): ``tasker:health``, ``tasker:ready``,
``tasker:create_task``, ``tasker:task_detail``, ``tasker:console`` (the page) and
``tasker:console_path`` (its assets and API; see ``console_views``).
"""

from __future__ import annotations

from django.urls import path

from tasker_contrib_django import console_views, views

app_name = "tasker"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    path("tasks/", views.create_task, name="create_task"),
    path("tasks/<str:task_uuid>/", views.task_detail, name="task_detail"),
    path("console/", console_views.console, name="console"),
    path("console/<path:path>", console_views.console, name="console_path"),
]
