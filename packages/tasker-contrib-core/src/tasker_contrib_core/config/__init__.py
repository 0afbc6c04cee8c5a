"""Configuration: ``TaskerSettings`` -> one merged, validated engine TOML file.

Importing this package is cheap and never imports the engine.
"""

from __future__ import annotations

from tasker_contrib_core.config.console import ConsoleSettings
from tasker_contrib_core.config.effective import (
    ConfigReport,
    EffectiveConfig,
    ExplainedValue,
    TaskerConfigWarning,
)
from tasker_contrib_core.config.engine_models import (
    BackoffConfig,
    CommonConfig,
    DatabaseConfig,
    GrpcConfig,
    OrchestrationClientConfig,
    PoolConfig,
    QueuesConfig,
    WebConfig,
    WorkerConfig,
)
from tasker_contrib_core.config.layers import LAYER_ORDER
from tasker_contrib_core.config.masking import mask_table, mask_url
from tasker_contrib_core.config.merge import deep_merge
from tasker_contrib_core.config.provenance import Provenance
from tasker_contrib_core.config.settings import EventBridgeOptions, TaskerSettings

__all__ = [
    "LAYER_ORDER",
    "BackoffConfig",
    "CommonConfig",
    "ConfigReport",
    "ConsoleSettings",
    "DatabaseConfig",
    "EffectiveConfig",
    "EventBridgeOptions",
    "ExplainedValue",
    "GrpcConfig",
    "OrchestrationClientConfig",
    "PoolConfig",
    "Provenance",
    "QueuesConfig",
    "TaskerConfigWarning",
    "TaskerSettings",
    "WebConfig",
    "WorkerConfig",
    "deep_merge",
    "mask_table",
    "mask_url",
]
