"""What every part of KUR shares: its refusal and the reminder times."""
from __future__ import annotations

from datetime import timedelta

from core.errors import Refused
from core.links import site_path

REMINDERS = (("reminder-24h", timedelta(hours=24)), ("reminder-2h", timedelta(hours=2)))


class KurError(Refused):
    """A KUR rule the person can understand and act on; ``message`` is translatable."""


def application_path(application_id: int) -> str:
    """The member's application page, for a notice's ``url`` (``core.links.site_path``)."""
    return site_path("mentoring.kur.kur_detail", application_id=application_id)
