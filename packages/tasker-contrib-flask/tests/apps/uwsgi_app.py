"""The lifecycle app as uWSGI loads it, with the package's uWSGI hooks installed."""

from lifecycle_app import app
from tasker_contrib_flask.uwsgi import install_uwsgi_hooks

install_uwsgi_hooks()

__all__ = ["app"]
