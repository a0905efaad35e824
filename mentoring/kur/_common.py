"""What every part of KUR shares: its refusal and the reminder times."""
from __future__ import annotations

from datetime import timedelta

from core.errors import Refused

REMINDERS = (("reminder-24h", timedelta(hours=24)), ("reminder-2h", timedelta(hours=2)))


class KurError(Refused):
    """A KUR rule the person can understand and act on; ``message`` is translatable."""
