"""Counseling reminders and notices outside the platform (issue 8 item 6): the
WhatsApp/SMS/email text and the log channel's lines are neutral ("Pengingat:
janji Anda besok 09.00 WITA — buka Rumah Purna"); the detail (counseling, the
counselor) is only in the inbox, unless the member chose the full text."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import availability, booking, wellbeing
from notifications.channels import OVERRIDE_KEY
from notifications.jobs import dispatch_due
from notifications.models import Notification, NotificationPreference
from tests.notifications.doubles import RecordingChannel

COUNSELOR = "Daniel Lay"


@pytest.fixture
def phones(app):
    doubles = {"whatsapp": RecordingChannel("whatsapp"), "sms": RecordingChannel("sms")}
    app.extensions[OVERRIDE_KEY] = doubles
    yield doubles
    app.extensions.pop(OVERRIDE_KEY, None)


@pytest.fixture
def confirmed(make_counselor, make_user, now):
    """A session confirmed at once, three days ahead."""
    profile = make_counselor(name=COUNSELOR, requires_confirmation=False)
    member = make_user(name="Maria Seran", phone="+6281377770002")
    start = next(s for s in availability.free_slots_for(profile, now)
                 if s - now > timedelta(days=3))
    appointment = booking.book_appointment(member, profile, member, start, "phone", now=now)
    db.session.commit()
    return appointment


def _clock(appointment) -> str:
    return appointment.starts_at.astimezone(WITA).strftime("%H.%M")


def _texts(channel) -> str:
    return "\n".join(message.text for message in channel.sent)


def test_reminders_leave_neutral_and_the_inbox_has_the_detail(app, phones, confirmed):
    due = confirmed.starts_at - timedelta(hours=24)
    with app.test_request_context():
        dispatch_due(now=due + timedelta(minutes=1))
    text = _texts(phones["whatsapp"])
    assert f"Pengingat: janji Anda besok {_clock(confirmed)} WITA — buka Rumah Purna" in text
    for detail in ("konseling", "Konseling", COUNSELOR, "/counseling"):
        assert detail not in text, detail
    inbox = db.session.scalars(
        select(Notification.title).where(Notification.user_id == confirmed.member_id)
    ).all()
    assert "Pengingat: sesi konseling besok" in inbox  # the detail stays in the inbox
    with app.test_request_context():
        dispatch_due(now=confirmed.starts_at - timedelta(hours=2) + timedelta(minutes=1))
    assert (f"Pengingat: janji Anda pukul {_clock(confirmed)} WITA, 2 jam lagi — buka Rumah Purna"
            in _texts(phones["whatsapp"]))


def test_every_counseling_message_to_her_phone_is_neutral(app, phones, confirmed, make_user):
    # Confirmed notice (due now) and a wellbeing crisis: nothing names counseling.
    moment = confirmed.starts_at - timedelta(days=2)
    with app.test_request_context():
        dispatch_due(now=moment)
    wellbeing.submit_wellbeing(confirmed.member, {"mood": "3", "sleep": "3", "safe": "no", "harm": "plan"})
    booking.cancel_appointment(confirmed.counselor.user, confirmed, "Saya sakit", moment)
    db.session.commit()
    with app.test_request_context():
        dispatch_due(now=moment + timedelta(minutes=5))
    member_texts = [m.text for m in phones["whatsapp"].sent if m.to == confirmed.member.phone]
    assert len(member_texts) == 2  # "confirmed" and "cancelled by the counselor"
    joined = "\n".join(member_texts)
    assert "Rumah Purna" in joined
    for detail in ("konseling", "Konseling", "konselor", COUNSELOR, "Sesi"):
        assert detail not in joined, detail


def test_log_channel_lines_are_neutral(app, confirmed, caplog):
    with caplog.at_level(logging.INFO, logger="rumahpurna.notifications.channels"), app.test_request_context():
        dispatch_due(now=confirmed.starts_at - timedelta(hours=24) + timedelta(minutes=1))
    assert f"Pengingat: janji Anda besok {_clock(confirmed)} WITA" in caplog.text
    assert "konseling" not in caplog.text.lower() and COUNSELOR not in caplog.text


def test_a_member_who_chose_the_full_text_gets_the_detail(app, phones, confirmed):
    db.session.add(NotificationPreference(user_id=confirmed.member_id, full_text=True))
    db.session.commit()
    with app.test_request_context():
        dispatch_due(now=confirmed.starts_at - timedelta(hours=24) + timedelta(minutes=1))
    text = _texts(phones["whatsapp"])
    assert "Pengingat: sesi konseling besok" in text and COUNSELOR in text


def test_a_counselors_urgent_flag_leaves_neutral_but_urgent(app, phones, confirmed, make_user):
    wellbeing.submit_wellbeing(make_user(), {"mood": "3", "sleep": "3", "safe": "no", "harm": "plan"})
    db.session.commit()
    with app.test_request_context():
        dispatch_due(now=confirmed.starts_at - timedelta(days=2))
    [text] = [m.text for m in phones["whatsapp"].sent if m.to == confirmed.counselor.user.phone]
    assert text.startswith("Rumah Purna: ada pesan mendesak untuk Anda.")
    assert "kesejahteraan" not in text and "bahaya" not in text
