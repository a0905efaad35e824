"""Scheduled counseling work (listed in ``core.scheduler.jobs``)."""
from __future__ import annotations

from datetime import datetime

from mentoring.counseling import agenda


def send_counselor_morning_lists(now: datetime | None = None) -> int:
    """Each counselor's list for the day (one message per counselor per WITA day).

    Runs early each morning WITA; running it again the same day sends nothing new.
    """
    return agenda.send_daily_lists(now)
