"""ValueRedactor: secrets masked by key pattern at any depth, long values cut."""

from __future__ import annotations

import json

from tasker_contrib_core.console import DEFAULT_MASK_KEYS, MASK, ValueRedactor
from tasker_contrib_core.console.masking import PREVIEW_CHARS


def redactor(max_chars: int = 20_000, keys: tuple[str, ...] = DEFAULT_MASK_KEYS) -> ValueRedactor:
    return ValueRedactor(keys, max_chars)


def test_default_patterns_mask_common_secret_names_at_any_depth() -> None:
    value = {
        "customer": {"Password": "p", "name": "Ada"},
        "payment": {"card_number": "4111", "cardNumber": "4111", "CVV": "123"},
        "headers": [{"Authorization": "Bearer x"}, {"X-Api-Key": "k"}],
        "refresh_token": "r",
        "nested": {"deeper": {"client_secret": "s", "ok": 1}},
    }
    shown = redactor().shown(value)
    assert shown["customer"] == {"Password": MASK, "name": "Ada"}
    assert shown["payment"] == {"card_number": MASK, "cardNumber": MASK, "CVV": MASK}
    assert shown["headers"] == [{"Authorization": MASK}, {"X-Api-Key": MASK}]
    assert shown["refresh_token"] == MASK
    assert shown["nested"]["deeper"] == {"client_secret": MASK, "ok": 1}
    assert "4111" not in json.dumps(shown)


def test_custom_patterns_replace_the_defaults_and_match_case_insensitively() -> None:
    only_email = redactor(keys=("*EMAIL*",))
    shown = only_email.shown({"customer_email": "a@b", "password": "visible-now"})
    assert shown == {"customer_email": MASK, "password": "visible-now"}


def test_masking_does_not_change_the_input() -> None:
    value = {"token": "abc", "list": [{"secret": 1}]}
    redactor().shown(value)
    assert value == {"token": "abc", "list": [{"secret": 1}]}


def test_a_value_longer_than_the_cap_becomes_a_truncated_preview() -> None:
    big = {"rows": ["x" * 100] * 500}
    text = json.dumps(big, separators=(",", ":"))
    shown = redactor(max_chars=1000).shown(big)
    assert shown["truncated"] is True
    assert shown["chars"] == len(text)
    assert shown["preview"] == text[:PREVIEW_CHARS]


def test_the_cap_applies_after_masking_and_keeps_short_values_whole() -> None:
    small = {"note": "y" * 50}
    assert redactor(max_chars=100).shown(small) == small
    long_string = "z" * 200
    shown = redactor(max_chars=100).shown(long_string)
    assert shown["truncated"] is True
    assert shown["chars"] == 202


def test_truncation_previews_masked_text_only() -> None:
    value = {"api_key": "S3CRET", "blob": "b" * 5000}
    shown = redactor(max_chars=200).shown(value)
    assert "S3CRET" not in shown["preview"]
    assert MASK in shown["preview"]


def test_scalars_and_none_pass_through_and_odd_objects_become_json() -> None:
    r = redactor()
    assert r.shown(None) is None
    assert r.shown(3) == 3
    assert r.shown(True) is True
    assert r.shown(("a", {"token": 1})) == ["a", {"token": MASK}]


def test_very_deep_nesting_is_cut_not_recursed_forever() -> None:
    value: dict[str, object] = {}
    cursor = value
    for _ in range(200):
        cursor["next"] = {}
        cursor = cursor["next"]  # type: ignore[assignment]
    shown = redactor().mask(value)
    assert "[nested too deeply]" in json.dumps(shown)
