"""Core's internal helpers: no compatibility promise, never imported by framework packages.

What framework packages may use of them is re-exported, documented and
versioned by :mod:`tasker_contrib_core.integration`.
"""

from __future__ import annotations

__all__: list[str] = []
