"""The Django app: ``"tasker_contrib_django"`` in ``INSTALLED_APPS``.

``ready()`` runs in every management command, in runserver's reloader parent
and more than once in some test set-ups, so it only registers the system
checks and connects receivers (each with a ``dispatch_uid``). It reads no
Tasker settings and starts nothing: the engine starts in ``manage.py
tasker_worker``, the WSGI / ASGI wrappers or the gunicorn hooks.
"""

from __future__ import annotations

from django.apps import AppConfig


class TaskerConfig(AppConfig):
    name = "tasker_contrib_django"
    label = "tasker"
    verbose_name = "Tasker"
    default = True

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from tasker_contrib_django import checks, conf

        del checks  # registered on import
        setting_changed.connect(
            conf.on_setting_changed,
            weak=False,
            dispatch_uid="tasker_contrib_django.conf.on_setting_changed",
        )


__all__ = ["TaskerConfig"]
