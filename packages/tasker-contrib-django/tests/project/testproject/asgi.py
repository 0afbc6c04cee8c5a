from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")

from tasker_contrib_django.asgi import get_asgi_application

application = get_asgi_application()
