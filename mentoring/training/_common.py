"""What every part of training shares: its refusal, the active statuses, the reminders."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.db import utcnow
from core.errors import Refused
from mentoring.training.models import TrainingRegistration, TrainingSession

ACTIVE_STATUSES = ("confirmed", "waitlisted")
REMINDERS = (("reminder-24h", timedelta(hours=24)), ("reminder-2h", timedelta(hours=2)))


class TrainingError(Refused):
    """A training rule the person can understand and act on; ``message`` is translatable."""


def reminders_ahead(starts_at: datetime, now: datetime | None = None) -> int:
    """How many of the reminders (a day and two hours before) can still be sent,
    so pages and notices promise only what will happen (issue 8 items 24, 34)."""
    left = starts_at - (now or utcnow())
    return sum(1 for _name, before in REMINDERS if left > before)



def registration_open(training: TrainingSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        training.status == "scheduled"
        and now < training.registration_deadline_at
        and now < training.starts_at
    )


def registration_key(registration: TrainingRegistration) -> str:
    return f"training:{registration.session_id}:user:{registration.user_id}:reg:{registration.id}:"


