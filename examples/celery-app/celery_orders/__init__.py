"""Celery example: the shared order workflow run by a Celery worker hosting Tasker."""
