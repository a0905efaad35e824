"""Scheduled work for KUR (listed in ``core.scheduler.jobs``)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from mentoring.kur.reminders import remind_stale_applications

DEFAULT_STALE_DAYS = 7


def stale_days() -> int:
    """``KUR_STALE_DAYS`` from the config (read from the environment in config.py)."""
    try:
        return max(1, int(current_app.config.get("KUR_STALE_DAYS") or DEFAULT_STALE_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_STALE_DAYS


def remind_stale_kur_applications(now: datetime | None = None) -> int:
    """Remind members whose KUR application has not moved for ``KUR_STALE_DAYS``.
    Idempotent: one reminder per stage per period (the caller commits)."""
    return remind_stale_applications(stale_days(), now=now)
