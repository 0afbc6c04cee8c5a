"""ASGI entry point (uvicorn, hypercorn): the lifespan starts and stops Tasker."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

from tasker_contrib_django.asgi import get_asgi_application

application = get_asgi_application()
