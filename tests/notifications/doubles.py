"""Test doubles for the external channels (WhatsApp, SMS, email)."""
from __future__ import annotations

import threading
from collections import Counter

from notifications.channels import Outgoing


class Killed(BaseException):  # noqa: N818 (stands for the process being killed)
    """Raised to simulate a dispatcher process dying mid-batch: not an Exception,
    so nothing in the dispatcher catches it."""


class RecordingChannel:
    """Records what would have been sent; thread-safe; can be told to fail.

    ``fail``: an exception class raised for every send (or ``fail_keys`` for some
    keys only); ``kill_after``: raise ``Killed`` once that many were sent.
    """

    def __init__(self, name: str):
        self.name = name
        self.sent: list[Outgoing] = []
        self.attempts = 0
        self.fail: type[Exception] | None = None
        self.fail_keys: set[str] = set()
        self.kill_after: int | None = None
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> None:
        with self._lock:
            self.attempts += 1
            if self.kill_after is not None and len(self.sent) >= self.kill_after:
                raise Killed()
            if self.fail is not None and (not self.fail_keys or message.key in self.fail_keys):
                raise self.fail(f"{self.name} provider said no")
            self.sent.append(message)

    @property
    def keys(self) -> list[str]:
        return [m.key for m in self.sent]

    def counts(self) -> Counter:
        return Counter(self.keys)
