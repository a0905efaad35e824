"""The outbox: one message per key, cancelling, channels by preference."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from notifications.jobs import dispatch_due
from notifications.models import Notification, NotificationPreference, OutboxMessage
from notifications.services import N_, cancel_messages, default_channels, notify
from tests.notifications.conftest import NOON


def _rows(prefix=""):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.startswith(prefix)).order_by(OutboxMessage.key)
    ).all()


def test_same_key_twice_makes_one_message(member, channels):
    for _ in range(2):
        notify(member, key="training:7:confirmed", title=N_("Pendaftaran diterima"))
        db.session.commit()
    notify(member, key="training:7:confirmed", title=N_("Pendaftaran diterima"))
    db.session.commit()

    assert db.session.scalar(select(func.count(Notification.id))) == 1
    assert [row.key for row in _rows()] == ["training:7:confirmed:whatsapp"]
    dispatch_due(now=NOON)
    dispatch_due(now=NOON + timedelta(hours=1))
    assert channels.whatsapp.keys == ["training:7:confirmed:whatsapp"]


def test_future_message_waits_then_reaches_the_inbox_once(member, channels):
    due = NOON + timedelta(hours=2)
    notify(member, key="appointment:3:reminder-2h", title=N_("Pengingat"), due_at=due)
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 0

    dispatch_due(now=due - timedelta(minutes=1))
    assert db.session.scalar(select(func.count(Notification.id))) == 0 and channels.whatsapp.sent == []

    dispatch_due(now=due)
    dispatch_due(now=due + timedelta(minutes=1))
    assert db.session.scalar(select(func.count(Notification.id))) == 1
    assert channels.whatsapp.keys == ["appointment:3:reminder-2h:whatsapp"]


def test_cancelling_cancels_pending_only(member, channels):
    notify(member, key="appointment:4:confirmed", title=N_("Jadwal dikonfirmasi"))
    db.session.commit()
    dispatch_due(now=NOON)  # the confirmation has gone out
    for hours in (24, 2):
        notify(member, key=f"appointment:4:reminder-{hours}h", title=N_("Pengingat"),
               due_at=NOON + timedelta(days=2, hours=-hours))
    notify(member, key="appointment:42:reminder-24h", title=N_("Pengingat"),
           due_at=NOON + timedelta(days=1))
    db.session.commit()

    assert cancel_messages("appointment:4:") == 4  # 2 reminders × (in-app, WhatsApp)
    db.session.commit()

    statuses = {row.key: row.status for row in _rows("appointment:4")}
    assert statuses["appointment:4:confirmed:whatsapp"] == "sent"
    assert statuses["appointment:4:reminder-24h:whatsapp"] == "cancelled"
    assert statuses["appointment:4:reminder-2h:in_app"] == "cancelled"
    assert statuses["appointment:42:reminder-24h:whatsapp"] == "pending"  # another appointment

    dispatch_due(now=NOON + timedelta(days=3))
    assert channels.whatsapp.keys == [
        "appointment:4:confirmed:whatsapp", "appointment:42:reminder-24h:whatsapp"
    ]


def test_cancel_prefix_is_literal(member, channels):
    notify(member, key="kur_1:x", title=N_("Pengingat"), due_at=NOON)
    notify(member, key="kurA1:x", title=N_("Pengingat"), due_at=NOON)
    db.session.commit()
    assert cancel_messages("kur_1") == 2  # in-app + WhatsApp of kur_1 only, "_" is no wildcard
    assert {r.key for r in _rows() if r.status == "pending"} == {"kurA1:x:in_app", "kurA1:x:whatsapp"}


def test_default_channels_follow_preferences(make_user):
    user = make_user(email="maria@example.id")
    assert default_channels(user) == ["in_app", "whatsapp"]
    db.session.add(NotificationPreference(user_id=user.id, whatsapp=False, sms=True, email=True))
    db.session.commit()
    assert default_channels(user) == ["in_app", "sms", "email"]
    prefs = db.session.get(NotificationPreference, user.id)
    prefs.sms = False
    prefs.email = False
    db.session.commit()
    assert default_channels(user) == ["in_app"]
