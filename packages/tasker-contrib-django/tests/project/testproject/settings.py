"""Settings of the test project: everything that varies comes from the environment.

``TEST_DJANGO_DB_URL`` (``postgresql://user:pw@host:port/db``) makes PostgreSQL
the Django database (connection-leak tests); otherwise SQLite in
``TEST_DJANGO_SQLITE`` (default: ``db.sqlite3`` in the working directory).
Tasker itself is configured through ``TASKER`` below plus ``TASKER_*`` /
``DATABASE_URL`` environment variables, like a deployed project.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "test-only-not-secret"
DEBUG = os.environ.get("TEST_DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "tasker_contrib_django",
    "notes",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "testproject.urls"
WSGI_APPLICATION = "testproject.wsgi.application"
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("TEST_DJANGO_STATIC_ROOT", str(Path.cwd() / "static"))
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_pg = os.environ.get("TEST_DJANGO_DB_URL")
if _pg:
    _parts = urlsplit(_pg)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _parts.path.lstrip("/"),
            "USER": _parts.username,
            "PASSWORD": _parts.password,
            "HOST": _parts.hostname,
            "PORT": _parts.port,
            "CONN_MAX_AGE": int(os.environ.get("TEST_DJANGO_CONN_MAX_AGE", "0")),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("TEST_DJANGO_SQLITE", str(Path.cwd() / "db.sqlite3")),
        }
    }

TASKER = {
    "handler_packages": ["notes_handlers"],
    "template_paths": [os.environ.get("TASKER_TEMPLATE_PATH", str(BASE_DIR / "templates"))],
    "shutdown_timeout_seconds": 5,
}
TASKER_DJANGO = {"TASK_VIEWS": True}
