"""WSGI entry point: Django's app with Tasker started once per serving process."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

from tasker_contrib_django.wsgi import get_wsgi_application

application = get_wsgi_application()
