"""Read decision and batch outcomes out of a step's result, as the orchestrator does.

A ``decision`` step's handler puts ``decision_point_outcome`` in its result;
a ``batchable`` step's handler puts ``batch_processing_outcome``. The
orchestrator only looks for them on steps of those types, and a missing or
malformed outcome is logged and ignored (nothing is created) rather than
failing the task. The parsers here return either an outcome or a problem
sentence, and the engine reports the sentence as a run warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DECISION_KEY = "decision_point_outcome"
BATCH_KEY = "batch_processing_outcome"


@dataclass(frozen=True)
class DecisionOutcome:
    """``create_steps`` with the chosen step names, or ``no_branches``."""

    kind: str
    step_names: tuple[str, ...] = ()

    @property
    def creates_steps(self) -> bool:
        return self.kind == "create_steps" and bool(self.step_names)


@dataclass(frozen=True)
class CursorSpec:
    """One batch worker's slice of the work (the engine's ``CursorConfig``)."""

    batch_id: str
    start_cursor: Any
    end_cursor: Any
    batch_size: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "start_cursor": self.start_cursor,
            "end_cursor": self.end_cursor,
            "batch_size": self.batch_size,
        }


#: The cursor the orchestrator gives the single placeholder worker of a ``no_batches`` outcome.
PLACEHOLDER_CURSOR = CursorSpec(batch_id="000", start_cursor=0, end_cursor=0, batch_size=0)


@dataclass(frozen=True)
class BatchOutcome:
    """``create_batches`` (worker template + one cursor per worker) or ``no_batches``."""

    kind: str
    worker_template_name: str | None = None
    cursors: tuple[CursorSpec, ...] = ()
    total_items: int = 0

    @property
    def is_no_batches(self) -> bool:
        return self.kind == "no_batches"


def _envelope(
    result: Any, key: str, *, step_kind: str, noun: str, hint: str, kinds: tuple[str, str]
) -> tuple[str, Mapping[str, Any]] | str:
    """``(type, outcome)`` of the outcome object under ``key``, or what is wrong with it.

    Decision and batch outcomes share this envelope: ``{key: {"type": ..., ...}}``
    with ``kinds[0]`` the kind carrying data and ``kinds[1]`` the empty one.
    """
    if not isinstance(result, Mapping):
        return f"the {step_kind} step's result is not an object, so it holds no {noun}"
    raw = result.get(key)
    if raw is None:
        return f"the {step_kind} step's result has no '{key}'; return {hint}"
    if not isinstance(raw, Mapping):
        return f"'{key}' must be an object with a 'type', got {type(raw).__name__}"
    kind = raw.get("type")
    if kind not in kinds:
        return f"'{key}.type' must be '{kinds[0]}' or '{kinds[1]}', got {kind!r}"
    return str(kind), raw


def parse_decision_outcome(result: Any) -> DecisionOutcome | str:
    """Return the decision outcome in ``result``, or a sentence saying what is wrong."""
    envelope = _envelope(
        result,
        DECISION_KEY,
        step_kind="decision",
        noun="decision outcome",
        hint="self.decision_success([...]) or self.skip_branches(reason) from a DecisionHandler",
        kinds=("create_steps", "no_branches"),
    )
    if isinstance(envelope, str):
        return envelope
    kind, raw = envelope
    if kind == "no_branches":
        return DecisionOutcome(kind="no_branches")
    names = raw.get("step_names")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return f"'{DECISION_KEY}.step_names' must be a list of step names, got {names!r}"
    return DecisionOutcome(kind="create_steps", step_names=tuple(dict.fromkeys(names)))


def parse_batch_outcome(result: Any) -> BatchOutcome | str:
    """Return the batch outcome in ``result``, or a sentence saying what is wrong."""
    envelope = _envelope(
        result,
        BATCH_KEY,
        step_kind="batchable",
        noun="batch outcome",
        hint="self.batch_analyzer_success(...) or self.no_batches_outcome(reason) from a "
        "Batchable handler",
        kinds=("create_batches", "no_batches"),
    )
    if isinstance(envelope, str):
        return envelope
    kind, raw = envelope
    if kind == "no_batches":
        return BatchOutcome(kind="no_batches")
    template = raw.get("worker_template_name")
    if not isinstance(template, str) or not template:
        return f"'{BATCH_KEY}.worker_template_name' must name the batch_worker step"
    configs = raw.get("cursor_configs")
    if not isinstance(configs, list) or not configs:
        return f"'{BATCH_KEY}.cursor_configs' must be a non-empty list for create_batches"
    cursors: list[CursorSpec] = []
    for index, config in enumerate(configs):
        if not isinstance(config, Mapping) or not isinstance(config.get("batch_id"), str):
            return f"'{BATCH_KEY}.cursor_configs[{index}]' needs a string 'batch_id'"
        size = config.get("batch_size", 0)
        cursors.append(
            CursorSpec(
                batch_id=config["batch_id"],
                start_cursor=config.get("start_cursor"),
                end_cursor=config.get("end_cursor"),
                batch_size=size if isinstance(size, int) else 0,
            )
        )
    ids = [cursor.batch_id for cursor in cursors]
    if len(set(ids)) != len(ids):
        return f"'{BATCH_KEY}.cursor_configs' repeats a batch_id ({ids}); worker names would clash"
    total = raw.get("total_items", 0)
    return BatchOutcome(
        kind="create_batches",
        worker_template_name=template,
        cursors=tuple(cursors),
        total_items=total if isinstance(total, int) else 0,
    )


__all__ = [
    "BATCH_KEY",
    "DECISION_KEY",
    "PLACEHOLDER_CURSOR",
    "BatchOutcome",
    "CursorSpec",
    "DecisionOutcome",
    "parse_batch_outcome",
    "parse_decision_outcome",
]
