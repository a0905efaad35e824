"""Messages with ``expires_at``: a reminder never arrives after the event it is about."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import availability
from mentoring.counseling import booking as counseling
from mentoring.counseling.models import AvailabilityRange, CounselorProfile
from notifications.channels import PermanentDeliveryError
from notifications.jobs import dispatch_due
from notifications.models import CallTask, Notification, OutboxMessage
from notifications.services import N_, notify
from tests.notifications.conftest import NOON


def _wita(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = NOON.astimezone(WITA).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=WITA).astimezone(UTC)


def _rows(prefix: str) -> dict[str, OutboxMessage]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix)))
    return {row.channel: row for row in rows}


def _count(model, user) -> int:
    return db.session.scalar(select(func.count(model.id)).where(model.user_id == user.id))


def _nothing_reached(member, channels) -> None:
    assert _count(Notification, member) == 0  # not even the inbox
    assert channels.whatsapp.sent == [] and channels.sms.sent == [] and channels.email.sent == []
    assert db.session.scalar(select(func.count(CallTask.id))) == 0


def test_reminder_held_by_quiet_hours_past_the_event_is_never_delivered(member, channels):
    # The session starts at 23:00 WITA; its 2 h reminder falls in quiet hours
    # (21:00–07:00), so WhatsApp would only go out after the session.
    start = _wita(0, 23)
    notify(member, key="training:1:reminder-2h", title=N_("Pengingat pelatihan"),
           channels=["whatsapp"], due_at=_wita(0, 21), expires_at=start)
    db.session.commit()

    dispatch_due(now=_wita(0, 21))
    dispatch_due(now=_wita(1, 7))
    dispatch_due(now=_wita(1, 7, 5))

    _nothing_reached(member, channels)
    row = _rows("training:1:reminder-2h")["whatsapp"]
    assert row.status == "cancelled" and "expired" in row.last_error


def test_reminder_first_dispatched_after_the_event_reaches_no_channel(member, channels):
    start = _wita(0, 23)
    notify(member, key="training:2:reminder-2h", title=N_("Pengingat pelatihan"),
           due_at=_wita(0, 21), expires_at=start)
    db.session.commit()

    dispatch_due(now=_wita(0, 23, 30))  # the scheduler was down until after the start
    dispatch_due(now=_wita(1, 7, 5))

    _nothing_reached(member, channels)
    rows = _rows("training:2:reminder-2h")
    assert set(rows) == {"in_app", "whatsapp"}
    assert {row.status for row in rows.values()} == {"cancelled"}
    assert all("expired" in row.last_error for row in rows.values())


def test_reminder_held_by_quiet_hours_goes_out_before_the_event(member, channels):
    start = _wita(1, 8)  # 08:00 WITA; quiet hours end at 07:00
    notify(member, key="training:3:reminder-24h", title=N_("Pengingat pelatihan"),
           due_at=_wita(0, 22), expires_at=start)
    db.session.commit()

    dispatch_due(now=_wita(0, 22))
    assert _count(Notification, member) == 1
    assert channels.whatsapp.sent == []
    dispatch_due(now=_wita(1, 7))

    assert channels.whatsapp.keys == ["training:3:reminder-24h:whatsapp"]
    assert {row.status for row in _rows("training:3:reminder-24h").values()} == {"sent"}


def test_failing_reminder_after_the_event_leaves_no_fallback_and_no_call_task(member, channels):
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    start = _wita(0, 14)
    notify(member, key="training:4:reminder-2h", title=N_("Pengingat pelatihan"),
           due_at=_wita(0, 12), expires_at=start)
    db.session.commit()

    dispatch_due(now=_wita(0, 14))  # the first try happens at the start itself
    dispatch_due(now=_wita(0, 14, 5))

    assert channels.whatsapp.attempts == 0 and channels.sms.attempts == 0
    assert db.session.scalar(select(func.count(CallTask.id))) == 0


def test_already_expired_message_is_not_created(member, channels):
    notify(member, key="training:5:reminder-2h", title=N_("Pengingat pelatihan"),
           expires_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    assert _rows("training:5:") == {}
    assert _count(Notification, member) == 0


def test_counseling_2h_reminder_expires_when_the_appointment_starts(make_user):
    counselor = make_user(roles=("member", "counselor"))
    profile = CounselorProfile(
        user_id=counselor.id, user=counselor, languages=["id"], modes=["phone"],
        requires_confirmation=False, session_minutes=60, buffer_minutes=15,
        min_notice_hours=12, horizon_days=30, daily_max=6, cancel_notice_hours=24,
    )
    for weekday in range(7):
        profile.ranges.append(AvailabilityRange(weekday=weekday, start_minute=480, end_minute=1200))
    db.session.add(profile)
    db.session.commit()
    member = make_user()
    now = utcnow() + timedelta(days=7)
    start = availability.free_slots_for(profile, now)[3]
    appointment = counseling.book_appointment(member, profile, member, start, "phone", now=now)
    db.session.commit()
    assert appointment.status == "confirmed"

    rows = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.key.startswith(f"appointment:{appointment.id}:reminder-2h:")
        )
    ).all()
    assert rows
    assert all(row.expires_at == appointment.starts_at == start for row in rows)
