"""Turn what a user typed into module, class, step and namespace names.

One generated handler needs several spellings of one name: a module file
(``process_payment.py``), a class (``ProcessPaymentHandler``), a step in the
task template (``process_payment``) and a registered handler name
(``shop.process_payment``). Users type names in whatever casing their own code
uses, so every casing is accepted and normalised here, once. Anything that
could escape a directory or produce code that does not import (path
separators, ``..``, keywords, a leading digit) is refused with a message that
says what to type instead.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tasker_contrib_core.errors import InvalidNameError

#: Longest accepted name (in its snake_case form): modules, classes, step names and
#: test ids stay readable, and the generated code stays within ruff's line length.
MAX_NAME_LENGTH = 40
#: Longest input even looked at (anything longer is refused before normalising).
_MAX_INPUT_LENGTH = 200

#: What the engine accepts as a namespace: its queue names embed it.
NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,28}$")

_ALLOWED = re.compile(r"^[A-Za-z0-9_-]+$")
_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[-_]+")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Names:
    """Every spelling of one generated name.

    ``snake`` names the module, the step and the function; ``pascal`` is the
    stem of class names (``ProcessPayment`` -> ``ProcessPaymentHandler``).
    """

    given: str
    snake: str
    pascal: str

    def class_name(self, suffix: str) -> str:
        """``ProcessPayment`` + ``Handler`` -> ``ProcessPaymentHandler``."""
        return f"{self.pascal}{suffix}"


def _refuse(what: str, name: str, reason: str) -> InvalidNameError:
    return InvalidNameError(what, name, reason)


def _check_characters(what: str, raw: str) -> None:
    if not raw.strip():
        raise _refuse(
            what, raw, "it is empty; give a name such as ProcessPayment or process_payment"
        )
    if "/" in raw or "\\" in raw:
        raise _refuse(
            what,
            raw,
            "it contains a path separator; give a bare name, not a path (file "
            "locations come from the layout options)",
        )
    if ".." in raw:
        raise _refuse(what, raw, "it contains '..'; give a bare name, not a path")
    if len(raw) > _MAX_INPUT_LENGTH:
        raise _refuse(what, raw[:40] + "...", f"it is longer than {MAX_NAME_LENGTH} characters")
    if not _ALLOWED.match(raw):
        bad = sorted({char for char in raw if not re.match(r"[A-Za-z0-9_-]", char)})
        shown = ", ".join(repr(char) for char in bad)
        raise _refuse(
            what,
            raw,
            f"it contains {shown}; use only ASCII letters, digits, '_' and '-' "
            "(any casing: ProcessPayment, processPayment, process_payment, process-payment)",
        )
    if not raw[0].isalpha():
        raise _refuse(what, raw, "it must start with a letter")


def snake_case(raw: str) -> str:
    """``ProcessPayment``/``processPayment``/``process-payment`` -> ``process_payment``.

    Runs of capitals are kept together as one word (``HTTPRequest`` ->
    ``http_request``); the input is assumed to have passed the character check.
    """
    spaced = _ACRONYM_BOUNDARY.sub(r"\1_\2", raw)
    spaced = _WORD_BOUNDARY.sub(r"\1_\2", spaced)
    return _SEPARATORS.sub("_", spaced).strip("_").lower()


def pascal_case(snake: str) -> str:
    """``process_payment`` -> ``ProcessPayment`` (digits stay where they are)."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def to_names(raw: str, *, what: str = "name", strip_suffixes: Iterable[str] = ()) -> Names:
    """Normalise ``raw`` into :class:`Names`, or raise :class:`InvalidNameError`.

    ``strip_suffixes`` drops a trailing word the generator adds itself, so
    ``ProcessPaymentHandler`` gives the step ``process_payment`` and the class
    ``ProcessPaymentHandler`` rather than ``ProcessPaymentHandlerHandler``.
    """
    _check_characters(what, raw)
    snake = snake_case(raw)
    for suffix in strip_suffixes:
        ending = f"_{suffix}"
        if snake.endswith(ending) and len(snake) > len(ending):
            snake = snake[: -len(ending)]
            break
    if len(snake) > MAX_NAME_LENGTH:
        raise _refuse(
            what,
            raw,
            f"as snake_case it is '{snake}' ({len(snake)} characters); keep names "
            f"to {MAX_NAME_LENGTH} characters or fewer",
        )
    if keyword.iskeyword(snake):
        raise _refuse(
            what,
            raw,
            f"'{snake}' is a Python keyword, so it cannot name a module or a "
            f"function; pick another word (for example '{snake}_step')",
        )
    if not snake.isidentifier():  # pragma: no cover - guaranteed by the character check
        raise _refuse(what, raw, f"'{snake}' is not a Python identifier")
    return Names(given=raw, snake=snake, pascal=pascal_case(snake))


def check_namespace(namespace: str) -> str:
    """Return ``namespace`` if the engine accepts it (1-29 of ``[A-Za-z0-9_]``)."""
    if not NAMESPACE.match(namespace):
        raise _refuse(
            "namespace",
            namespace,
            "a namespace is 1 to 29 characters of letters, digits "
            "and '_', starting with a letter or '_' (the engine embeds it in queue names)",
        )
    return namespace


def check_package(package: str, *, what: str = "package") -> str:
    """Return ``package`` if it is a dotted Python package path (``myapp.handlers``)."""
    parts = package.split(".")
    for part in parts:
        if not _IDENTIFIER.match(part):
            raise _refuse(
                what,
                package,
                "it must be a dotted Python package path such as "
                "'myapp.handlers' (identifiers separated by '.')",
            )
        if keyword.iskeyword(part):
            raise _refuse(what, package, f"'{part}' is a Python keyword")
    return package


def split_list(values: Iterable[str], *, unique: bool = True) -> list[str]:
    """``("a,b", "c")`` -> ``["a", "b", "c"]``: options may repeat or comma-separate.

    With ``unique`` (the default) repeats are dropped; without it they are
    kept so the caller can report them.
    """
    items = [item.strip() for value in values for item in value.split(",")]
    kept = [item for item in items if item]
    return list(dict.fromkeys(kept)) if unique else kept


__all__ = [
    "MAX_NAME_LENGTH",
    "NAMESPACE",
    "Names",
    "check_namespace",
    "check_package",
    "pascal_case",
    "snake_case",
    "split_list",
    "to_names",
]
