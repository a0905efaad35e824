"""Scheduled functions of the notifications package (listed in ``core.scheduler.jobs``)."""
from __future__ import annotations

from datetime import datetime

from notifications.dispatch import DispatchResult
from notifications.dispatch import dispatch_due as _dispatch_due


def dispatch_due(now: datetime | None = None, batch: int = 5000) -> DispatchResult:
    """Every minute: deliver the messages that are due (see ``notifications.dispatch``).

    Tests call it directly with a frozen ``now``."""
    return _dispatch_due(now=now, batch=batch)
