"""Example FastAPI app: submit the shared order-processing workflow and watch it run.

``fastapi_orders.main:app`` is the app; ``create_app(settings)`` builds one
with other settings (the tests use it). Nothing here depends on which
runtime runs the workflow: that is configuration (see README.md).
"""
