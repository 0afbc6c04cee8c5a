"""Helpers shared by core's own modules; not part of the public surface.

No compatibility promise, never imported by framework packages: what they
may use of these is re-exported, documented and versioned by
:mod:`tasker_contrib_core.integration`.
"""

from __future__ import annotations

__all__: list[str] = []
