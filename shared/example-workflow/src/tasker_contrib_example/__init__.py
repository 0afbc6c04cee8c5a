"""The order-processing example workflow (templates and handlers)."""
