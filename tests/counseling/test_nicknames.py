"""A member who booked under a nickname stays that nickname for counselors:
on the urgent list after a crisis answer (issue 8 item 3) and in the phone
lookup for booking on her behalf, which is audited (item 4).

Leak tests check every surface the counselors see (dashboard, home, inbox,
outbox rows) for the real name's absence AND for the nickname's presence."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core.extensions import db
from mentoring.counseling import wellbeing
from mentoring.counseling.models import Appointment
from notifications.models import Notification, OutboxMessage

REAL_NAME = "Paulina Rahasia"
NICKNAME = "Ina"
PHONE = "+6281377770001"
SHOWN_PHONE = "0813-7777-0001"
CRISIS = {"mood": "3", "sleep": "3", "safe": "no", "harm": "plan"}


@pytest.fixture
def story(make_counselor, make_user, book):
    """Paulina booked the first counselor as "Ina"; the second has never seen her."""
    first = make_counselor()
    member = make_user(name=REAL_NAME, phone=PHONE)
    appointment = book(first, member=member, pseudonym=NICKNAME)
    return SimpleNamespace(first=first, second=make_counselor(), member=member, appointment=appointment)


def _counselor_surfaces(client, auth, profile) -> str:
    auth.login(profile.user)
    pages = [client.get(path) for path in ("/counseling/staff", "/", "/inbox", "/staff/call-tasks")]
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    return "\n".join(page.get_data(as_text=True) for page in pages)


def test_urgent_list_shows_the_nickname_and_the_phone_never_the_name(client, auth, story):
    wellbeing.submit_wellbeing(story.member, CRISIS, story.appointment)
    db.session.commit()
    for profile in (story.first, story.second):
        html = _counselor_surfaces(client, auth, profile)
        urgent = html.split("Perlu perhatian segera", 1)[1].split("Permintaan menunggu", 1)[0]
        assert NICKNAME in urgent and SHOWN_PHONE in urgent  # the phone is needed to call
        assert REAL_NAME not in html
        auth.logout()
    stored = " ".join(
        f"{m.title} {m.body} {m.params} {m.recipient_label}"
        for m in db.session.scalars(select(OutboxMessage))
    ) + " ".join(f"{n.title} {n.body} {n.params}" for n in db.session.scalars(select(Notification)))
    assert "wellbeing:" in " ".join(db.session.scalars(select(OutboxMessage.key)))
    assert REAL_NAME not in stored


def test_urgent_list_shows_the_name_of_a_member_without_a_nickname(client, auth, make_counselor, book, make_user):
    profile = make_counselor()
    member = make_user(name="Yosefina Tefa")
    book(profile, member=member)
    wellbeing.submit_wellbeing(member, CRISIS)
    db.session.commit()
    assert [flag.label for flag in wellbeing.open_urgent_checks()] == ["Yosefina Tefa"]


def test_the_booking_form_says_the_nickname_and_phone_reach_counselors_in_a_crisis(
    client, login_as, make_counselor
):
    from mentoring.counseling import availability
    from mentoring.counseling.forms import slot_value

    profile = make_counselor()
    login_as("member")
    start = slot_value(availability.free_slots_for(profile)[0])
    page = client.get(f"/counseling/counselors/{profile.id}/book?start={start}").get_data(as_text=True)
    assert "tanda bahaya, konselor yang bertugas melihat nama panggilan ini dan nomor HP Anda" in page


def _lookups():
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "counseling.member_lookup").order_by(AuditEvent.id)
    ).all()


def test_phone_lookup_shows_her_nickname_to_the_counselor_she_booked_under_it(client, auth, story):
    auth.login(story.first.user)
    page = client.get("/counseling/staff/book?phone=0813 7777 0001").get_data(as_text=True)
    card = page.split('class="card__title">', 1)[1].split("</h2>", 1)[0]
    assert card == NICKNAME and SHOWN_PHONE in page
    assert REAL_NAME not in page
    [event] = _lookups()
    assert (event.actor_id, event.subject_user_id) == (story.first.user_id, story.member.id)


def test_phone_lookup_by_another_counselor_shows_the_name_and_is_audited(client, auth, story):
    auth.login(story.second.user)
    page = client.get("/counseling/staff/book?phone=0813 7777 0001").get_data(as_text=True)
    assert REAL_NAME in page and NICKNAME not in page
    page = client.get("/counseling/staff/book?phone=0813 7777 0999").get_data(as_text=True)
    assert "Nomor ini belum terdaftar" in page
    events = _lookups()
    assert [(e.actor_id, e.subject_user_id, e.detail) for e in events] == [
        (story.second.user_id, story.member.id, None),
        (story.second.user_id, None, "not_found"),
    ]
    assert all("7777" not in (e.detail or "") for e in events)  # no phone in the audit log


def test_booking_on_behalf_keeps_her_nickname(client, auth, story):
    import re

    auth.login(story.first.user)
    page = client.get("/counseling/staff/book?phone=0813 7777 0001").get_data(as_text=True)
    start = re.search(r'<option value="(\w+)"', page).group(1)
    response = client.post("/counseling/staff/book", data={
        "member_phone": story.member.phone, "start": start, "mode": "phone"})
    assert response.status_code == 302
    booked = db.session.scalars(select(Appointment).order_by(Appointment.id.desc())).first()
    assert booked.id != story.appointment.id and booked.pseudonym == NICKNAME
    dashboard = client.get("/counseling/staff").get_data(as_text=True)
    assert NICKNAME in dashboard and REAL_NAME not in dashboard
    assert len(_lookups()) == 1  # the lookup, not the booking that followed it
