"""What leaves the platform (WhatsApp, SMS, email, the log channel's lines) is
neutral by default: a phone's other readers learn nothing; the detail stays in the
inbox. A member may choose the full text."""
from __future__ import annotations

import logging

from sqlalchemy import select

from core.extensions import db
from notifications.jobs import dispatch_due
from notifications.models import Notification, NotificationPreference
from notifications.services import N_, notify
from tests.notifications.conftest import NOON

DETAIL = N_("Sesi konseling Anda dengan %(counselor)s besok pukul %(time)s")
NEUTRAL = N_("Pengingat: janji Anda besok %(time)s — buka Rumah Purna")
PARAMS = {"counselor": "Daniel Lay", "time": "09.00 WITA"}


def _send(member, **kwargs):
    notify(member, key="appointment:7:reminder-24h", title=DETAIL, params=PARAMS,
           url="/counseling/appointments/7", due_at=NOON, **kwargs)
    db.session.commit()
    dispatch_due(now=NOON)


def _inbox_titles(member) -> list[str]:
    return list(db.session.scalars(
        select(Notification.title).where(Notification.user_id == member.id).order_by(Notification.id)))


def test_sender_gives_a_neutral_text_for_the_phone_and_the_detail_for_the_inbox(member, channels):
    _send(member, outside=NEUTRAL, channels=["in_app", "whatsapp"])
    (message,) = channels.whatsapp.sent
    assert message.text.startswith("Pengingat: janji Anda besok 09.00 WITA — buka Rumah Purna")
    assert "konseling" not in message.text.lower() and "Daniel" not in message.text
    assert "/counseling" not in message.text  # the detail page's path tells too
    assert message.text.endswith("https://rumahpurna.test/inbox")
    assert _inbox_titles(member) == [DETAIL]  # the detail is in the inbox


def test_without_an_outside_text_a_generic_neutral_text_goes(member, channels):
    _send(member, channels=["sms"])
    (sms,) = channels.sms.sent
    assert sms.text.startswith("Rumah Purna: ada pesan baru untuk Anda")
    assert "konseling" not in sms.text.lower() and "Daniel" not in sms.text


def test_email_subject_is_neutral_too(make_user, channels):
    member = make_user(email="maria@example.id")
    db.session.add(NotificationPreference(user_id=member.id, email=True))
    db.session.commit()
    _send(member, outside=NEUTRAL, channels=["email"])
    (email,) = channels.email.sent
    assert "konseling" not in (email.subject + email.text).lower()
    assert email.subject.startswith("Pengingat: janji Anda besok")


def test_member_who_chose_the_full_text_gets_the_detail(member, channels):
    db.session.add(NotificationPreference(user_id=member.id, full_text=True))
    db.session.commit()
    _send(member, outside=NEUTRAL, channels=["whatsapp"])
    (message,) = channels.whatsapp.sent
    assert "Sesi konseling Anda dengan Daniel Lay" in message.text
    assert message.text.endswith("https://rumahpurna.test/counseling/appointments/7")


def test_log_channel_lines_are_neutral(member, caplog):
    with caplog.at_level(logging.INFO, logger="rumahpurna.notifications.channels"):
        _send(member, outside=NEUTRAL, channels=["whatsapp"])
    assert "Pengingat: janji Anda besok 09.00 WITA" in caplog.text
    assert "konseling" not in caplog.text.lower() and "Daniel" not in caplog.text


def test_fallback_keeps_the_neutral_text(member, channels):
    from notifications.channels import PermanentDeliveryError

    channels.whatsapp.fail = PermanentDeliveryError
    _send(member, outside=NEUTRAL, channels=["whatsapp"])
    dispatch_due(now=NOON)
    (sms,) = channels.sms.sent
    assert sms.text.startswith("Pengingat: janji Anda besok") and "Daniel" not in sms.text


def test_full_text_choice_is_saved_from_the_preferences_page(client, login_as):
    user = login_as("member")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="full_text"' in page
    client.post("/account/notifications", data={
        "whatsapp": "y", "sms": "y", "full_text": "y", "quiet_from": "21:00",
        "quiet_until": "07:00", "weekly_cap": "10"})
    assert db.session.get(NotificationPreference, user.id).full_text is True


def test_email_channel_offered_only_to_accounts_with_an_email(client, login_as):
    login_as("member")
    without = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="email"' not in without and "tambahkan dulu alamat email" in without
    client.post("/logout")
    login_as("member", email="ester.bana@example.id")
    with_email = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="email"' in with_email and "tambahkan dulu alamat email" not in with_email
