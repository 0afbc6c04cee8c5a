from __future__ import annotations

from django.urls import path

from orders import views

urlpatterns = [
    path("", views.submit_order, name="submit_order"),
    path("<str:order_id>/", views.order_status, name="order_status"),
]
