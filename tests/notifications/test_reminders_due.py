"""``reminders_due``: the reminders still ahead of a time, the passed ones skipped."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications.services import reminders_due

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
AT = datetime(2026, 12, 9, 1, 0, tzinfo=UTC)


def test_both_ahead_then_one_then_none():
    assert reminders_due(AT, REMINDERS, AT - timedelta(days=3)) == [
        ("24h", AT - timedelta(hours=24)), ("2h", AT - timedelta(hours=2))]
    assert reminders_due(AT, REMINDERS, AT - timedelta(hours=5)) == [("2h", AT - timedelta(hours=2))]
    # exactly at a reminder's time it is not sent late
    assert reminders_due(AT, REMINDERS, AT - timedelta(hours=2)) == []
    assert reminders_due(AT, REMINDERS, AT + timedelta(minutes=1)) == []
