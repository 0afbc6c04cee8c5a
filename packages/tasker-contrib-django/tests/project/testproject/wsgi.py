from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")

from tasker_contrib_django.wsgi import get_wsgi_application

application = get_wsgi_application()
