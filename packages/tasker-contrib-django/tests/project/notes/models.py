from __future__ import annotations

from django.db import models


class Note(models.Model):
    """A row written by step handlers, receivers and views of the tests."""

    text = models.CharField(max_length=200)
    source = models.CharField(max_length=50, default="view")
    created = models.DateTimeField(auto_now_add=True)
