"""Where a configuration value came from: the layer and, inside it, the source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    """``layer`` is one of ``layers.LAYER_ORDER``; ``source`` a file, variable or mapping."""

    layer: str
    source: str


__all__ = ["Provenance"]
