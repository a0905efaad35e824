"""Messages to a contact without an account (``notifications.contacts``) through
the same dispatcher: exactly once, fallback, no inbox, no call task, and the
address erased with the row's last state."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from core.extensions import db
from notifications.channels import PermanentDeliveryError
from notifications.dispatch import dispatch_due
from notifications.models import CallTask, Notification, OutboxMessage
from notifications.services import DELIVERED, FAILED, WAITING, delivery_states, notify_contact
from tests.conftest import POSTGRES
from tests.notifications.conftest import NOON

TEXT = "Rumah Purna: ada kabar baru untuk kode Anda."


def test_a_contact_message_goes_by_whatsapp_then_sms_never_to_an_inbox(channels):
    notify_contact("+6281338800111", key="test:1", text=TEXT, path="/forum/kode")
    notify_contact("+6281338800222", key="test:2", text=TEXT)
    notify_contact("kakak@example.org", key="test:3", text=TEXT)
    db.session.commit()
    channels.whatsapp.fail_keys = {"test:2:whatsapp"}
    channels.whatsapp.fail = PermanentDeliveryError
    dispatch_due(now=NOON)
    assert [(m.to, m.text) for m in channels.whatsapp.sent] == [
        ("+6281338800111", f"{TEXT} https://rumahpurna.test/forum/kode")]
    assert [m.to for m in channels.sms.sent] == ["+6281338800222"]
    assert [m.to for m in channels.email.sent] == ["kakak@example.org"]
    assert delivery_states(["test:1", "test:2", "test:3", "test:4"]) == {
        "test:1": DELIVERED, "test:2": DELIVERED, "test:3": DELIVERED}
    assert [row[0] for row in db.session.execute(text("SELECT contact FROM outbox_messages"))] == [None] * 4
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_a_contact_that_nobody_reaches_fails_without_a_call_task(channels):
    notify_contact("+6281338800111", key="test:1", text=TEXT)
    db.session.commit()
    assert delivery_states(["test:1"]) == {"test:1": WAITING}
    channels.whatsapp.fail = channels.sms.fail = PermanentDeliveryError
    dispatch_due(now=NOON)
    assert delivery_states(["test:1"]) == {"test:1": FAILED}
    assert db.session.scalar(select(func.count(CallTask.id))) == 0


def test_an_empty_contact_queues_nothing():
    assert not notify_contact("  ", key="test:1", text=TEXT)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


@pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_dispatchers_send_each_contact_message_once_and_erase_every_address(channels, run_together):
    for n in range(300):
        notify_contact(f"+62813388{n:05d}", key=f"load:{n}", text=TEXT)
    db.session.commit()
    outcomes = run_together([lambda: dispatch_due(now=NOON, chunk=25)] * 2, timeout=60)
    assert not outcomes.errors, outcomes.errors
    assert sum(r["sent"] for r in outcomes.values) == 300
    counts = channels.whatsapp.counts()
    assert len(counts) == 300 and set(counts.values()) == {1}
    assert sorted(m.to for m in channels.whatsapp.sent) == sorted(f"+62813388{n:05d}" for n in range(300))
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.contact.is_not(None))) == 0
