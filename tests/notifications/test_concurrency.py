"""Exactly once under concurrency (PostgreSQL: real parallel transactions)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from core.extensions import db
from notifications.dispatch import dispatch_due
from notifications.models import OutboxMessage
from tests.conftest import POSTGRES
from tests.notifications.conftest import NOON

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL (TEST_DATABASE_URL)")


def test_two_dispatchers_send_each_of_1000_messages_once(make_user, channels, run_together):
    users = [make_user() for _ in range(10)]
    db.session.execute(insert(OutboxMessage), [
        {"key": f"load:{n}:whatsapp", "base_key": f"load:{n}", "user_id": users[n % 10].id,
         "channel": "whatsapp", "title": "Kabar", "params": {}, "urgent": True, "due_at": NOON,
         "status": "pending", "attempts": 0}
        for n in range(1000)
    ])
    db.session.commit()

    outcomes = run_together([lambda: dispatch_due(now=NOON, chunk=50)] * 2, timeout=60)
    assert not outcomes.errors, outcomes.errors
    results = outcomes.values

    # Both took part (each sent some), and together they sent everything once.
    assert sorted(r["sent"] > 0 for r in results) == [True, True], results
    assert sum(r["sent"] for r in results) == 1000
    counts = channels.whatsapp.counts()
    assert len(counts) == 1000 and set(counts.values()) == {1}
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")
    )
    assert sent == 1000
