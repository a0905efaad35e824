"""Counseling pages: access for every role, someone else's objects, bad input,
the "just taken" answer, ICS, notes, and query budgets."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent, Consent, User
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import availability, booking
from mentoring.counseling.forms import slot_value
from mentoring.counseling.models import Appointment, CounselorProfile, SessionNote
from mentoring.counseling.slots import local_moment
from tests.factories import PASSWORD

OTHER_ROLES = ["member", "registrar", "umkm_staff", "moderator", "admin"]


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/counseling/staff")]


def build(rule, appointment) -> str:
    values = {
        "appointment_id": appointment.id,
        "member_id": appointment.member_id,
        "check_id": 1,
        "kind": "range",
        "row_id": 1,
    }
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def count_appointments() -> int:
    return db.session.scalar(select(func.count(Appointment.id)))


@pytest.fixture
def appointment(make_counselor, book):
    return book(make_counselor())


def test_every_staff_route_requires_the_counselor_role(app):
    rules = staff_rules(app)
    assert len(rules) == 17
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_roles", None) == ("counselor",), rule.endpoint


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_every_counselor_page(app, client, login_as, appointment, role):
    login_as(role)
    walked = 0
    for rule in staff_rules(app):
        url = build(rule, appointment)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, (method, url)
            walked += 1
    assert walked == 25
    assert count_appointments() == 1


def test_anonymous_visitors_are_sent_to_login(app, client, appointment):
    walked = 0
    for rule in staff_rules(app):
        response = client.get(build(rule, appointment))
        if "GET" in rule.methods:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        else:
            assert response.status_code == 405
        walked += 1
    assert walked == 17
    for path in ("/counseling", f"/counseling/appointments/{appointment.id}"):
        assert client.get(path).headers["Location"].startswith("/login")


def test_another_counselor_gets_404_for_someone_elses_client(app, client, auth, make_counselor, appointment):
    other = make_counselor()
    auth.login(other.user)
    client.post("/account/confirm", data={"current_password": PASSWORD})
    walked = 0
    for rule in staff_rules(app):
        if "appointment_id" not in rule.arguments and "member_id" not in rule.arguments:
            continue
        url = build(rule, appointment)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"reason": "x", "body": "x", "start": "x"})
            assert response.status_code == 404, (method, url)
            walked += 1
    assert walked == 13
    auth.logout()
    auth.login(appointment.counselor.user)  # the positive: its own counselor gets in
    assert client.get(f"/counseling/staff/appointments/{appointment.id}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "requested"


def test_member_never_sees_another_members_appointment(app, client, auth, login_as, appointment):
    login_as("member")
    member_rules = [
        r for r in app.url_map.iter_rules()
        if r.rule.startswith("/counseling/appointments/") and "appointment_id" in r.arguments
    ]
    assert len(member_rules) == 7
    walked = 0
    for rule in member_rules:
        url = build(rule, appointment)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"reason": "x", "answer": "accept"})
            assert response.status_code == 404, (method, url)
            walked += 1
    assert walked == 9
    assert client.get(f"/counseling/wellbeing?appointment={appointment.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "requested"
    auth.logout()
    auth.login(appointment.member)  # the positive: the member herself gets in
    assert client.get(f"/counseling/appointments/{appointment.id}").status_code == 200


def test_member_books_in_three_steps(client, login_as, make_counselor):
    profile = make_counselor(name="Agustina Manafe")
    member = login_as("member")
    listing = client.get("/counseling").get_data(as_text=True)
    assert "Agustina Manafe" in listing and "Waktu kosong pertama" in listing
    detail = client.get(f"/counseling/counselors/{profile.id}").get_data(as_text=True)
    # A week of days first (a short page on a phone), the whole horizon on request.
    everything = client.get(f"/counseling/counselors/{profile.id}?all=1").get_data(as_text=True)
    assert "Tampilkan hari-hari berikutnya" in detail
    assert detail.count('class="slot"') < everything.count('class="slot"')
    link = re.search(r'href="(/counseling/counselors/\d+/book\?start=[^"]+)"', detail).group(1)
    form = client.get(link).get_data(as_text=True)
    assert "Pesan sesi ini" in form
    start = link.split("start=")[1]
    response = client.post(
        f"/counseling/counselors/{profile.id}/book",
        data={"start": start, "mode": "phone", "topic": "Susah tidur"},
    )
    assert response.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.member_id == member.id and appointment.topic == "Susah tidur"
    assert slot_value(appointment.starts_at) == start
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "menunggu" in page and "Tambah ke kalender" in page


def test_taken_slot_gets_the_nearest_free_ones(client, login_as, make_counselor, book):
    profile = make_counselor()
    first = book(profile)
    login_as("member")
    response = client.post(
        f"/counseling/counselors/{profile.id}/book",
        data={"start": slot_value(first.starts_at), "mode": "phone"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "baru saja diambil" in html
    links = re.findall(r"start=(\w+)", html)
    assert links and slot_value(first.starts_at) not in links
    assert count_appointments() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"topic": "x" * 201}, "Paling panjang 200 karakter"),
        ({"use_pseudonym": "y", "pseudonym": ""}, "Tulis nama panggilan"),
        ({"mode": "in_person"}, "Pilih salah satu dari daftar."),
    ],
)
def test_bad_booking_input_keeps_what_was_typed_and_saves_nothing(
    client, login_as, make_counselor, data, message
):
    profile = make_counselor(modes=["phone", "video"])
    login_as("member")
    start = slot_value(availability.free_slots_for(profile)[0])
    form = {"start": start, "mode": "phone", "topic": "Tentang utang", **data}
    response = client.post(f"/counseling/counselors/{profile.id}/book", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html or "Pilih cara bertemu" in html
    assert "Ada yang perlu diperbaiki" in html
    assert count_appointments() == 0


def test_cancel_needs_a_reason_and_then_frees_the_slot(client, auth, appointment):
    auth.login(appointment.member)
    url = f"/counseling/appointments/{appointment.id}/cancel"
    response = client.post(url, data={"reason": ""})
    assert "Tulis alasannya" in response.get_data(as_text=True)
    assert db.session.get(Appointment, appointment.id).status == "requested"
    response = client.post(url, data={"reason": "Ada acara adat di kampung"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Appointment, appointment.id)
    assert row.status == "cancelled" and row.cancel_reason == "Ada acara adat di kampung"
    assert row.starts_at in availability.free_slots_for(row.counselor)


def test_member_reschedules(client, auth, appointment):
    auth.login(appointment.member)
    page = client.get(f"/counseling/appointments/{appointment.id}/reschedule").get_data(as_text=True)
    links = re.findall(r"reschedule\?start=(\w+)", page)
    assert links
    response = client.post(f"/counseling/appointments/{appointment.id}/reschedule", data={"start": links[5]})
    assert response.status_code == 302
    db.session.expire_all()
    assert slot_value(db.session.get(Appointment, appointment.id).starts_at) == links[5]


def test_ics_download(client, auth, appointment):
    appointment.topic = "RAHASIA"
    db.session.commit()
    auth.login(appointment.member)
    response = client.get(f"/counseling/appointments/{appointment.id}/calendar.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "BEGIN:VEVENT" in body and appointment.starts_at.strftime("DTSTART:%Y%m%dT%H%M%SZ") in body
    assert "RAHASIA" not in body


def test_counselor_confirms_declines_and_marks(client, auth, make_counselor, book):
    profile = make_counselor()
    first = book(profile, index=4)
    second = book(profile, index=6)
    auth.login(profile.user)
    assert client.post(f"/counseling/staff/appointments/{first.id}/confirm").status_code == 302
    response = client.post(f"/counseling/staff/appointments/{second.id}/decline", data={"reason": ""})
    assert "Tulis alasannya" in response.get_data(as_text=True)
    client.post(f"/counseling/staff/appointments/{second.id}/decline", data={"reason": "Saya cuti minggu itu."})
    db.session.expire_all()
    assert db.session.get(Appointment, first.id).status == "confirmed"
    assert db.session.get(Appointment, second.id).status == "declined"
    # Too early to mark attended.
    assert client.post(f"/counseling/staff/appointments/{first.id}/outcome", data={"outcome": "attended"}).status_code == 400


def test_counselor_proposes_and_member_accepts(client, auth, make_counselor, book):
    profile = make_counselor()
    appointment = book(profile)
    auth.login(profile.user)
    page = client.get(f"/counseling/staff/appointments/{appointment.id}/propose").get_data(as_text=True)
    choice = re.findall(r'name="start" value="(\w+)"', page)[7]
    assert client.post(f"/counseling/staff/appointments/{appointment.id}/propose", data={"start": choice}).status_code == 302
    auth.logout()
    auth.login(appointment.member)
    page = client.get(f"/counseling/appointments/{appointment.id}").get_data(as_text=True)
    assert "mengusulkan waktu baru" in page
    client.post(f"/counseling/appointments/{appointment.id}/proposal", data={"answer": "accept"})
    db.session.expire_all()
    row = db.session.get(Appointment, appointment.id)
    assert slot_value(row.starts_at) == choice and row.status == "confirmed"


def test_staff_pages_never_create_the_profile_on_a_get(app, client, login_as, appointment):
    login_as("member", "counselor")
    gets = [r for r in staff_rules(app) if "GET" in r.methods]
    assert len(gets) == 12
    for rule in gets:
        response = client.get(build(rule, appointment))
        assert response.status_code in (200, 302, 404), rule.rule
        if rule.endpoint == "mentoring.counseling.staff_dashboard":
            assert response.headers["Location"] == "/counseling/staff/profile"
    assert db.session.scalar(select(func.count(CounselorProfile.id))) == 1  # only the fixture's
    page = client.get("/counseling/staff/profile").get_data(as_text=True)
    assert re.search(r'name="session_minutes"[^>]* value="60"', page)  # the defaults
    assert db.session.scalar(select(func.count(CounselorProfile.id))) == 1


def test_profile_and_availability_validation(client, login_as):
    login_as("member", "counselor")
    response = client.post("/counseling/staff/profile", data={
        "languages": ["id"], "modes": ["in_person"], "place": "", "session_minutes": "5",
        "buffer_minutes": "10", "min_notice_hours": "12", "horizon_days": "30",
        "daily_max": "6", "cancel_notice_hours": "24", "bio": "Halo",
    })
    html = response.get_data(as_text=True)
    assert "Antara 15 dan 180 menit" in html and "Tulis tempat bertemu" in html
    assert "Halo</textarea>" in html
    assert db.session.scalar(select(func.count(CounselorProfile.id))) == 0  # nothing saved
    response = client.post("/counseling/staff/profile", data={
        "languages": ["id"], "modes": ["phone"], "session_minutes": "45",
        "buffer_minutes": "10", "min_notice_hours": "12", "horizon_days": "30",
        "daily_max": "6", "cancel_notice_hours": "24", "bio": "Halo",
    })
    assert response.status_code == 302
    profile = db.session.scalar(select(CounselorProfile))
    assert profile.session_minutes == 45 and profile.bio == "Halo"
    response = client.post("/counseling/staff/availability", data={
        "range-weekday": "0", "range-start": "12:00", "range-end": "09:00", "range-submit": "1"})
    assert response.status_code == 400 and "Jam selesai harus sesudah jam mulai" in response.get_data(as_text=True)
    client.post("/counseling/staff/availability", data={
        "range-weekday": "0", "range-start": "22:00", "range-end": "00:00", "range-submit": "1"})
    db.session.expire_all()
    profile = db.session.scalar(select(CounselorProfile))
    assert [(r.start_minute, r.end_minute) for r in profile.ranges] == [(1320, 1440)]
    response = client.post("/counseling/staff/availability", data={
        "exc-day": "2020-01-01", "exc-kind": "off", "exc-submit": "1"})
    assert "sudah lewat" in response.get_data(as_text=True)


def test_session_note_needs_password_and_is_for_its_author_only(client, auth, make_counselor, book, make_user):
    profile = make_counselor()
    appointment = book(profile)
    appointment.status = "confirmed"
    appointment.starts_at = utcnow() - timedelta(hours=2)
    appointment.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    url = f"/counseling/staff/appointments/{appointment.id}/note"
    auth.login(profile.user)
    response = client.get(url)
    assert response.status_code == 302 and "/account/confirm" in response.headers["Location"]
    client.post("/account/confirm", data={"current_password": PASSWORD})
    assert client.post(url, data={"body": ""}).status_code == 200
    assert db.session.scalar(select(SessionNote.id)) is None
    client.post(url, data={"body": "Majikan di Johor menahan paspor."})
    page = client.get(url)
    assert "Majikan di Johor" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "counseling_note.open")) == 1
    auth.logout()
    # The client cannot read it (403: not a counselor), nor an admin.
    auth.login(appointment.member)
    assert client.get(url).status_code == 403
    page = client.get(f"/counseling/appointments/{appointment.id}")
    assert page.status_code == 200 and appointment.counselor.name in page.get_data(as_text=True)
    assert "Johor" not in page.get_data(as_text=True)
    auth.logout()
    admin = make_user(roles=("member", "admin", "counselor"))
    auth.login(admin)
    client.post("/account/confirm", data={"current_password": PASSWORD})
    assert client.get(url).status_code == 404


def test_wellbeing_acute_shows_hotlines_at_once(client, login_as, make_counselor):
    counselor = make_counselor()
    login_as("member")
    response = client.post("/counseling/wellbeing", data={"mood": "3", "sleep": "3", "safe": "no", "harm": "often"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for number in ("119", "0800-1000", "129", "110"):
        assert number in html
    client.get("/")  # new request
    from notifications.models import OutboxMessage
    urgent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == counselor.user_id)).all()
    assert urgent and all(m.urgent for m in urgent)


def test_wellbeing_needs_every_answer(client, login_as):
    login_as("member")
    response = client.post("/counseling/wellbeing", data={"mood": "1"})
    assert "Pilih satu jawaban" in response.get_data(as_text=True)
    from mentoring.counseling.models import WellbeingCheck
    assert db.session.scalar(select(WellbeingCheck.id)) is None


def test_book_on_behalf_of_a_new_member_with_consent(client, login_as):
    counselor = login_as("member", "counselor")
    profile = availability.get_or_create_profile(counselor)
    availability.add_range(profile, 0, 0, 1440)
    for day in range(1, 7):
        availability.add_range(profile, day, 0, 1440)
    db.session.commit()
    page = client.get("/counseling/staff/book?phone=0812 9999 0001").get_data(as_text=True)
    assert "belum terdaftar" in page
    response = client.post("/counseling/staff/book/new-member", data={"name": "Melkianus Kana", "phone": "081299990001"})
    assert response.status_code == 400 and "Tanpa persetujuan" in response.get_data(as_text=True)
    assert db.session.scalar(select(User.id).where(User.name == "Melkianus Kana")) is None
    response = client.post("/counseling/staff/book/new-member", data={
        "name": "Melkianus Kana", "phone": "081299990001", "consent": "y"})
    assert response.status_code == 302
    member = db.session.scalar(select(User).where(User.name == "Melkianus Kana"))
    purposes = set(db.session.scalars(select(Consent.purpose).where(Consent.user_id == member.id)))
    assert {"privacy_notice", booking.ON_BEHALF_CONSENT} <= purposes
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    start = re.search(r'<option value="(\w+)"', page).group(1)
    response = client.post("/counseling/staff/book", data={
        "member_phone": member.phone, "start": start, "mode": "in_person"})
    assert response.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.member_id == member.id and appointment.status == "confirmed"
    assert appointment.booked_by_id == counselor.id


def test_pseudonymous_client_shows_only_nickname_to_counselor(client, auth, make_counselor, book):
    profile = make_counselor(requires_confirmation=False)
    appointment = book(profile, pseudonym="Ina", mode="video")
    auth.login(profile.user)
    for url in ("/counseling/staff", f"/counseling/staff/appointments/{appointment.id}",
                f"/counseling/staff/clients/{appointment.member_id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Ina" in html and appointment.member.name not in html, url
        assert appointment.member.phone[-8:] not in html.replace("-", ""), url


def _seed_appointments(profile, members, count, start_day):
    for i in range(count):
        member = members[i % len(members)]
        start = local_moment(start_day + timedelta(days=i % 7), 8 * 60 + (i // 7) * 75)
        db.session.add(Appointment(
            counselor_id=profile.id, member_id=member.id, starts_at=start,
            ends_at=start + timedelta(hours=1), mode="phone",
            status="requested" if i % 3 else "confirmed", pseudonym="Ina" if i % 2 else None,
            booked_by_id=member.id,
        ))
    db.session.commit()


@pytest.mark.parametrize("page", ["dashboard", "client", "mine"])
def test_query_budget_same_for_1_and_50_items(client, auth, make_counselor, make_user, count_queries, page):
    counts = []
    for n in (1, 50):
        profile = make_counselor(daily_max=20)
        members = [make_user() for _ in range(1 if page != "dashboard" else min(n, 10))]
        today = (utcnow() + timedelta(days=1)).astimezone(WITA).date()
        _seed_appointments(profile, members, n, today)
        viewer = members[0] if page == "mine" else profile.user
        auth.login(viewer)
        url = {
            "dashboard": "/counseling/staff",
            "client": f"/counseling/staff/clients/{members[0].id}",
            "mine": "/counseling/appointments",
        }[page]
        client.get(url)
        with count_queries() as log:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(log.count)
        auth.logout()
    assert counts[0] == counts[1] and counts[1] <= 10, counts


def test_counselor_list_query_budget(client, login_as, make_counselor, count_queries):
    login_as("member")
    counts = []
    for n in (1, 49):
        for _ in range(n):
            make_counselor()
        client.get("/counseling")
        with count_queries() as log:
            html = client.get("/counseling").get_data(as_text=True)
        counts.append(log.count)
        assert html.count("Waktu kosong pertama") == len(db.session.scalars(select(CounselorProfile.id)).all())
    assert counts[0] == counts[1] and counts[1] <= 10, counts


def test_member_home_card_shows_the_next_session(client, auth, appointment):
    auth.login(appointment.member)
    html = client.get("/").get_data(as_text=True)
    assert "Permintaan sesi menunggu konfirmasi" in html
    assert f"/counseling/appointments/{appointment.id}" in html
