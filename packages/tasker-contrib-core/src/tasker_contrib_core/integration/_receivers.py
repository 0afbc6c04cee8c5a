"""Call a framework's signal receivers one by one, so one failing receiver harms no other.

Events reach framework signals (blinker for Flask, Django's ``Signal``,
Celery's) on the engine's poller thread. blinker's ``send`` stops at the
first receiver that raises and Django's ``send`` raises too; either way the
receivers after it never run, and an exception escaping into the poller is
exactly what must never happen (lifecycle.md rule 5). :func:`call_receivers`
calls each receiver in its own ``try``, logs a failure with the receiver's
name and the signal's, and returns every outcome.

:class:`ReceiverList` is for an integration's *own* receivers: it holds them
by strong reference (a lambda or a bound method of a short-lived object
connected weakly is silently collected) and connects each only once per key,
the way ``dispatch_uid`` does in Django.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("tasker_contrib.integration.receivers")

#: A signal receiver: called with what the signal sends.
Receiver = Callable[..., Any]

#: The prefix of every framework signal for a Tasker event.
SIGNAL_PREFIX = "tasker."


@dataclass(frozen=True)
class ReceiverOutcome:
    """What one receiver did: returned ``value``, or raised ``error``."""

    receiver: Receiver
    value: Any = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def signal_name(event_name: str) -> str:
    """The framework signal name of an event: ``step.execution.completed`` ->
    ``tasker.step_execution_completed`` (the same in every framework package)."""
    return SIGNAL_PREFIX + event_name.replace(".", "_")


def receiver_name(receiver: object) -> str:
    """A readable name for logs: ``module.qualname`` when there is one."""
    module = getattr(receiver, "__module__", None)
    qualname = getattr(receiver, "__qualname__", None)
    if qualname:
        return f"{module}.{qualname}" if module else str(qualname)
    return repr(receiver)


def call_receivers(
    receivers: Iterable[Receiver],
    *args: Any,
    signal: str = "signal",
    log: logging.Logger | None = None,
    **kwargs: Any,
) -> list[ReceiverOutcome]:
    """Call ``receiver(*args, **kwargs)`` for each receiver; never raises ``Exception``.

    A receiver that raises is logged (with traceback, naming it and
    ``signal``) and the next one still runs. ``BaseException`` that is not an
    ``Exception`` (``KeyboardInterrupt``, ``SystemExit``) is not swallowed.
    """
    outcomes: list[ReceiverOutcome] = []
    for receiver in list(receivers):
        try:
            outcomes.append(ReceiverOutcome(receiver, receiver(*args, **kwargs)))
        except Exception as exc:
            (log or logger).error(
                "receiver %s of %s raised %s: %s; the other receivers still ran",
                receiver_name(receiver),
                signal,
                type(exc).__name__,
                exc,
                exc_info=True,
            )
            outcomes.append(ReceiverOutcome(receiver, error=exc))
    return outcomes


class ReceiverList:
    """Receivers held by strong reference, at most one per key, called isolated.

    ``connect(receiver, key=...)`` replaces nothing and adds nothing when the
    key is already connected (so ``AppConfig.ready()`` running twice connects
    once); the key defaults to the receiver itself.
    """

    def __init__(self, signal: str = "signal") -> None:
        self.signal = signal
        self._lock = threading.Lock()
        self._receivers: dict[Hashable, Receiver] = {}

    def connect(self, receiver: Receiver, *, key: Hashable | None = None) -> bool:
        """Add ``receiver``; False when ``key`` was already connected."""
        if not callable(receiver):
            raise TypeError(f"a receiver must be callable, got {receiver!r}")
        with self._lock:
            chosen = receiver if key is None else key
            if chosen in self._receivers:
                return False
            self._receivers[chosen] = receiver
            return True

    def disconnect(self, receiver_or_key: Hashable) -> bool:
        """Remove by key or by receiver; False when it was not connected."""
        with self._lock:
            if receiver_or_key in self._receivers:
                del self._receivers[receiver_or_key]
                return True
            for chosen, receiver in list(self._receivers.items()):
                if receiver is receiver_or_key:
                    del self._receivers[chosen]
                    return True
            return False

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        with self._lock:
            return tuple(self._receivers.values())

    def __len__(self) -> int:
        return len(self._receivers)

    def send(self, *args: Any, **kwargs: Any) -> list[ReceiverOutcome]:
        """Call every receiver via :func:`call_receivers`."""
        return call_receivers(self.receivers, *args, signal=self.signal, **kwargs)


__all__ = [
    "SIGNAL_PREFIX",
    "Receiver",
    "ReceiverList",
    "ReceiverOutcome",
    "call_receivers",
    "receiver_name",
    "signal_name",
]
