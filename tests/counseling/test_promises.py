"""Pages say only what will happen: the reminders still to come for a confirmed
session (issue 8 item 24), and a warning before booking a time inside the
counselor's cancellation notice (item 23)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from mentoring.counseling import availability, booking
from mentoring.counseling.forms import slot_value

BOTH = "Kami akan mengingatkan Anda 24 jam dan 2 jam sebelumnya."
TWO = "Kami akan mengingatkan Anda 2 jam sebelumnya."
WARNING = "sudah di dalam batas pembatalan konselor ini"
ALL_DAY = [(d, 0, 1440) for d in range(7)]


@pytest.fixture
def counselor(make_counselor):
    return make_counselor(requires_confirmation=False, ranges=ALL_DAY, min_notice_hours=0)


def _slot(profile, after: timedelta):
    now = utcnow()
    return next(s for s in availability.free_slots_for(profile) if s - now > after)


@pytest.mark.parametrize(("ahead", "promise", "not_promised"), [
    (timedelta(days=3), BOTH, None),
    (timedelta(hours=12), TWO, "24 jam"),
    (timedelta(minutes=30), None, "mengingatkan"),
])
def test_a_confirmed_session_promises_only_the_reminders_to_come(
    client, auth, counselor, make_user, ahead, promise, not_promised
):
    member = make_user()
    start = _slot(counselor, ahead)
    appointment = booking.book_appointment(member, counselor, member, start, "phone")
    db.session.commit()
    auth.login(member)
    page = client.get(f"/counseling/appointments/{appointment.id}").get_data(as_text=True)
    assert "Sesi ini sudah dikonfirmasi." in page
    if promise:
        assert promise in page
    if not_promised:
        assert not_promised not in page.split("Sesi ini sudah dikonfirmasi.", 1)[1].split("</div>", 1)[0]


def test_the_booking_form_warns_inside_the_cancellation_notice(client, login_as, make_counselor):
    profile = make_counselor(ranges=ALL_DAY, min_notice_hours=12, cancel_notice_hours=24)
    login_as("member")
    soon = _slot(profile, timedelta(hours=12))
    assert soon - utcnow() < timedelta(hours=24)
    page = client.get(f"/counseling/counselors/{profile.id}/book?start={slot_value(soon)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and WARNING in html and "kurang dari 24 jam" in html
    later = _slot(profile, timedelta(hours=30))
    html = client.get(f"/counseling/counselors/{profile.id}/book?start={slot_value(later)}").get_data(as_text=True)
    assert "Pesan sesi ini" in html and WARNING not in html
