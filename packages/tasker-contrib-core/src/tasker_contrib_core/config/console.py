"""``TaskerSettings.console``: the options of the task browser mounted in the app.

They live in the config DSL so that every framework reads them the same way
(``TASKER_CONSOLE__ENABLED=true``, Flask ``app.config["TASKER"]["console"]``,
Django ``TASKER["console"]``). None of them is an engine key: they are never
rendered into the engine's TOML.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

ConsoleAction = Literal["cancel", "submit"]

#: Key patterns masked by default: the usual names of secrets and card numbers.
DEFAULT_MASK_KEYS: tuple[str, ...] = (
    "*password*",
    "*passwd*",
    "*secret*",
    "*token*",
    "*api_key*",
    "*apikey*",
    "*api-key*",
    "*authorization*",
    "*credential*",
    "*private_key*",
    "*card*number*",
    "*cvv*",
    "*cvc*",
)


class ConsoleSettings(BaseModel):
    """Whether the console is served, what it may do and how much it shows."""

    model_config = {"extra": "forbid"}

    enabled: bool = Field(
        False,
        description="Serve the console (`/tasker/console/`); while false its routes answer 404.",
    )
    actions: list[ConsoleAction] = Field(
        default_factory=list,
        description="Actions the console offers (`cancel`, `submit`); empty means read-only. "
        "Each also needs the framework's permission hook to grant it per request.",
    )
    mask_keys: list[str] = Field(
        default_factory=lambda: list(DEFAULT_MASK_KEYS),
        description="fnmatch patterns (case-insensitive) of mapping keys whose values are "
        "shown as `***` in contexts, inputs, results, errors and events, at any depth.",
    )
    max_value_chars: int = Field(
        20_000,
        ge=100,
        le=10_000_000,
        description="A value longer than this once serialised to JSON is replaced by "
        "`{truncated, chars, preview}` (100..10000000).",
    )
    event_buffer_size: int = Field(
        500, ge=1, le=10_000, description="Recent events kept for the console (1..10000)."
    )
    poll_interval_seconds: float = Field(
        1.5,
        ge=0.2,
        le=60,
        allow_inf_nan=False,
        description="How often the page refreshes a running task (0.2..60 seconds).",
    )

    @field_validator("mask_keys")
    @classmethod
    def _non_empty_patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not pattern.strip():
                raise ValueError("mask_keys must not contain an empty pattern")
        return patterns


__all__ = ["DEFAULT_MASK_KEYS", "ConsoleAction", "ConsoleSettings"]
