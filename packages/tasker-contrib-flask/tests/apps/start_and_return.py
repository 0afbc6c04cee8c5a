"""A script that builds the lifecycle app, starts its runtime and returns (no stop)."""

from lifecycle_app import app
from tasker_contrib_core.integration import record_lifecycle
from tasker_contrib_flask import start_tasker

start_tasker(app)
record_lifecycle("script.returning")
