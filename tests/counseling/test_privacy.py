"""Who counts as a member's counselor, and call tasks about her sessions.

The attack: any counselor can find a member by phone, book on her behalf
(confirmed at once) and cancel. That must open neither her client page nor the
handover notes her own counselor wrote ("Korban TPPO…"); and when a message
about her session reaches her on no phone channel, only her counselor is asked
to call, under the nickname she booked with.
"""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from mentoring.counseling import agenda, availability, booking, notes, rescheduling
from mentoring.counseling.models import Appointment
from notifications.channels import OVERRIDE_KEY, PermanentDeliveryError
from notifications.jobs import dispatch_due
from notifications.models import CallTask, OutboxMessage

SECRET = "Korban TPPO, takut pada calo di Kupang."
PHONE = "+6281377770001"


@pytest.fixture
def story(make_counselor, make_user, book):
    """Paulina booked the first counselor herself (as "Ina"), who wrote a handover
    note she agreed to share. The second counselor has never seen her."""
    first = make_counselor(requires_confirmation=False)
    member = make_user(name="Paulina Rahasia", phone=PHONE)
    appointment = book(first, member=member, pseudonym="Ina")
    notes.save_handover(first.user, member, SECRET)
    notes.set_handover_consent(member, True)
    db.session.commit()
    return SimpleNamespace(
        first=first, second=make_counselor(), member=member, appointment=appointment
    )


def _book_on_behalf(client, member) -> Appointment:
    page = client.get("/counseling/staff/book?phone=0813 7777 0001").get_data(as_text=True)
    assert "Paulina Rahasia" in page  # found by phone: the way in
    start = re.search(r'<option value="(\w+)"', page).group(1)
    response = client.post("/counseling/staff/book", data={
        "member_phone": member.phone, "start": start, "mode": "phone"})
    assert response.status_code == 302
    return db.session.get(Appointment, int(response.headers["Location"].rsplit("/", 1)[1]))


def test_booking_on_behalf_then_cancelling_opens_neither_client_page_nor_notes(
    client, auth, story
):
    auth.login(story.second.user)
    booked = _book_on_behalf(client, story.member)
    assert booked.status == "confirmed" and booked.booked_by_id == story.second.user_id
    client_page = f"/counseling/staff/clients/{story.member.id}"
    assert client.get(client_page).status_code == 404  # booked for her, not by her
    html = client.get(f"/counseling/staff/appointments/{booked.id}").get_data(as_text=True)
    assert client_page not in html and "Sesi dengan Paulina Rahasia" in html

    response = client.post(f"/counseling/staff/appointments/{booked.id}/cancel",
                           data={"reason": "Salah jadwal."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, booked.id).status == "cancelled"

    response = client.get(client_page)
    assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    assert client.post(client_page, data={"body": "Catatan palsu"}).status_code == 404
    for url, shown in (("/counseling/staff", "Dasbor konselor"),
                       (f"/counseling/staff/appointments/{booked.id}", "Sesi dengan Paulina Rahasia")):
        page = client.get(url)
        assert page.status_code == 200 and shown in page.get_data(as_text=True)
        assert SECRET not in page.get_data(as_text=True)
    assert notes.shared_handover_notes(story.second.user, story.member) == []
    assert not agenda.is_counselor_of(story.second.user, story.member)


def test_her_own_counselor_still_has_the_client_page(client, auth, story):
    auth.login(story.first.user)
    response = client.get(f"/counseling/staff/clients/{story.member.id}")
    assert response.status_code == 200 and "Ina" in response.get_data(as_text=True)
    html = client.get(f"/counseling/staff/appointments/{story.appointment.id}").get_data(as_text=True)
    assert f"/counseling/staff/clients/{story.member.id}" in html


@pytest.mark.parametrize(
    ("status", "accepted", "counts"),
    [
        ("confirmed", False, False),
        ("attended", False, False),  # the counselor marks attendance herself
        ("no_show", False, False),
        ("cancelled", True, False),
        ("declined", True, False),
        ("requested", True, False),
        ("confirmed", True, True),
        ("attended", True, True),
        ("no_show", True, True),
    ],
)
def test_which_on_behalf_appointments_count(story, status, accepted, counts):
    slot = availability.free_slots_for(story.second)[0]
    booked = booking.book_appointment(story.second.user, story.second, story.member, slot, "phone")
    booked.status = status
    booked.member_accepted_at = utcnow() if accepted else None
    db.session.commit()
    assert agenda.is_counselor_of(story.second.user, story.member) is counts
    shared = [n.body for n in notes.shared_handover_notes(story.second.user, story.member)]
    assert shared == ([SECRET] if counts else [])


@pytest.mark.parametrize("status", ["requested", "cancelled", "declined"])
def test_her_own_booking_counts_only_once_confirmed(make_counselor, make_user, book, status):
    profile = make_counselor()
    appointment = book(profile)
    appointment.status = status
    db.session.commit()
    assert not agenda.is_counselor_of(profile.user, appointment.member)
    appointment.status = "confirmed"
    db.session.commit()
    assert agenda.is_counselor_of(profile.user, appointment.member)


def test_the_member_accepts_a_booking_made_for_her(client, auth, story, make_user):
    auth.login(story.second.user)
    booked = _book_on_behalf(client, story.member)
    auth.logout()

    auth.login(make_user())  # someone else: 404
    assert client.post(f"/counseling/appointments/{booked.id}/accept").status_code == 404
    auth.logout()

    auth.login(story.member)
    detail = f"/counseling/appointments/{booked.id}"
    html = client.get(detail).get_data(as_text=True)
    assert f"{detail}/accept" in html and "Saya setuju dengan sesi ini" in html
    own = f"/counseling/appointments/{story.appointment.id}"
    assert f"{own}/accept" not in client.get(own).get_data(as_text=True)  # she booked that one
    assert client.post(f"{own}/accept").status_code == 400
    response = client.post(f"{detail}/accept", follow_redirects=True)
    assert "sudah Anda setujui" in response.get_data(as_text=True)
    assert f"{detail}/accept" not in client.get(detail).get_data(as_text=True)
    auth.logout()

    auth.login(story.second.user)  # now she chose this counselor too
    response = client.get(f"/counseling/staff/clients/{story.member.id}")
    assert response.status_code == 200 and SECRET in response.get_data(as_text=True)


def test_accepting_a_new_time_is_accepting_the_booking(story):
    slots = availability.free_slots_for(story.second)
    booked = booking.book_appointment(
        story.second.user, story.second, story.member, slots[0], "phone")
    rescheduling.propose_reschedule(story.second.user, booked, slots[3])
    assert not agenda.is_counselor_of(story.second.user, story.member)
    rescheduling.accept_proposal(story.member, booked)
    db.session.commit()
    assert booked.member_accepted_at is not None
    assert agenda.is_counselor_of(story.second.user, story.member)


# --- call tasks about a session ------------------------------------------------------

class Unreachable:
    def __init__(self, name: str):
        self.name = name

    def send(self, message) -> None:
        raise PermanentDeliveryError(f"{self.name} provider said no")


@pytest.fixture
def unreachable(app):
    app.extensions[OVERRIDE_KEY] = {"whatsapp": Unreachable("whatsapp"), "sms": Unreachable("sms")}
    yield
    app.extensions.pop(OVERRIDE_KEY, None)


def test_a_call_task_about_her_session_is_her_counselors_alone(
    client, auth, make_counselor, make_user, book, now, unreachable
):
    mine = make_counselor(requires_confirmation=False)
    colleague = make_counselor()
    member = make_user(name="Paulina Rahasia", phone=PHONE)
    book(mine, member=member, pseudonym="Ina", now=now)
    dispatch_due(now=now)  # 08:00 WITA: WhatsApp and SMS both fail
    tasks = db.session.scalars(select(CallTask)).all()
    assert tasks

    auth.login(colleague.user)
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    for secret in ("Paulina", "Ina", "77770001", "Sesi konseling dikonfirmasi"):
        assert secret not in html, secret
    assert {(t.handler_id, t.recipient_label) for t in tasks} == {(mine.user_id, "Ina")}
    for task in tasks:
        assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 404
    auth.logout()

    auth.login(mine.user)
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "Sesi konseling dikonfirmasi" in html and "<strong>Ina</strong>" in html
    assert "Paulina" not in html and f"tel:{PHONE}" in html


def test_every_counseling_message_names_its_handler(make_counselor, make_user, book, now):
    profile = make_counselor()  # confirms requests itself
    member = make_user(name="Paulina Rahasia")
    appointment = book(profile, member=member, pseudonym="Ina", now=now)
    booking.confirm_appointment(profile.user, appointment, now)
    slots = availability.free_slots_for(profile, now)
    rescheduling.propose_reschedule(profile.user, appointment, slots[5], now)
    rescheduling.reject_proposal(member, appointment)
    agenda.send_daily_lists(appointment.starts_at - timedelta(hours=1))
    booking.cancel_appointment(member, appointment, "Sakit.", now)
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage)).all()
    to_member = [r for r in rows if r.user_id == member.id]
    to_counselor = [r for r in rows if r.user_id == profile.user_id]
    assert to_member and to_counselor
    assert {(r.handler_id, r.recipient_label) for r in to_member} == {(profile.user_id, "Ina")}
    assert {(r.handler_id, r.recipient_label) for r in to_counselor} == {(profile.user_id, None)}
