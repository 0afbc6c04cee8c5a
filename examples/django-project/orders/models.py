from __future__ import annotations

from django.db import models


class Order(models.Model):
    """An order as the shop stores it; ``status`` follows its Tasker workflow."""

    order_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    task_uuid = models.CharField(max_length=36, blank=True, db_index=True)
    status = models.CharField(max_length=20, default="received")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.order_id} ({self.status})"
