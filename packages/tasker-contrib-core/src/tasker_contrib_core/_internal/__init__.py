"""Helpers shared by core's own modules; not part of the public surface."""
