"""From layers to the one effective engine configuration, with provenance.

``build_effective_config`` merges the layers, normalises what is safe to normalise
(``postgres://``), validates everything the engine would choke on, and returns the
table together with, for each leaf, the layer and source that set it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from tasker_contrib_core.config.inputs import ConfigInputs
from tasker_contrib_core.config.layers import Layer, collect_layers
from tasker_contrib_core.config.masking import mask_value
from tasker_contrib_core.config.merge import Table, deep_merge, iter_leaves
from tasker_contrib_core.config.provenance import Provenance
from tasker_contrib_core.config.validation import validate_table
from tasker_contrib_core.errors import ConfigError, ConfigErrors


class TaskerConfigWarning(UserWarning):
    """A configuration value was accepted but changed or is suspicious."""


@dataclass
class ConfigReport:
    """The outcome of checking settings: errors stop the engine, warnings do not."""

    errors: list[ConfigError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class EffectiveConfig:
    """The merged worker configuration the engine will read, and where each value came from."""

    table: Table
    provenance: dict[str, Provenance]
    report: ConfigReport

    def value(self, path: str) -> Any:
        from tasker_contrib_core.config.merge import get_path

        return get_path(self.table, path)


@dataclass(frozen=True)
class ExplainedValue:
    path: str
    value: Any  # secrets masked
    layer: str
    source: str


def merge_layers(layers: list[Layer]) -> tuple[Table, dict[str, Provenance]]:
    table: Table = {}
    provenance: dict[str, Provenance] = {}
    for layer in layers:
        table = deep_merge(table, layer.data)
        for path, _ in iter_leaves(layer.data):
            provenance[path] = Provenance(layer.kind, layer.source_of(path))
    live = {path for path, _ in iter_leaves(table)}
    return table, {path: where for path, where in provenance.items() if path in live}


def resolve(settings: ConfigInputs) -> EffectiveConfig:
    """Merge and validate without raising; the report carries any problems."""
    report = ConfigReport()
    try:
        layers = collect_layers(settings)
    except ConfigError as exc:
        report.errors.append(exc)
        return EffectiveConfig({}, {}, report)
    table, provenance = merge_layers(layers)
    table, errors, notes = validate_table(
        table, provenance, settings.environ, reference=layers[0].data
    )
    report.errors.extend(errors)
    report.warnings.extend(notes)
    return EffectiveConfig(table, provenance, report)


def build_effective_config(settings: ConfigInputs) -> EffectiveConfig:
    effective = resolve(settings)
    for note in effective.report.warnings:
        warnings.warn(note, TaskerConfigWarning, stacklevel=3)
    if effective.report.errors:
        raise ConfigErrors(effective.report.errors)
    return effective


def check_settings(settings: ConfigInputs) -> ConfigReport:
    return resolve(settings).report


def explain_settings(settings: ConfigInputs) -> list[ExplainedValue]:
    effective = resolve(settings)
    return [
        ExplainedValue(path, mask_value(path, value), where.layer, where.source)
        for path, value in iter_leaves(effective.table)
        if (where := effective.provenance.get(path)) is not None
    ]
