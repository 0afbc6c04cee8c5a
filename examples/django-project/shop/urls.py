from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("orders/", include("orders.urls")),
    path("tasker/", include("tasker_contrib_django.urls")),  # health/ and ready/
]
