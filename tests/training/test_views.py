"""Training through the pages: publishing, registering, the waitlist, attendance, exports."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.training import listing, operations
from mentoring.training.models import TrainingRegistration, TrainingSession
from notifications.models import Notification
from tests.inbox_helpers import inbox_keys


def _wita_input(dt) -> str:
    return dt.astimezone(WITA).strftime("%Y-%m-%dT%H:%M")


def _training_form(**overrides) -> dict:
    start = (utcnow() + timedelta(days=7)).astimezone(WITA).replace(
        hour=9, minute=0, second=0, microsecond=0)
    data = {
        "title": "Tenun ikat untuk pemula",
        "description": "Belajar motif Amarasi.",
        "provider": "city",
        "provider_name": "Dekranasda Kota Kupang",
        "place": "Rumah Tenun Naikoten",
        "online_url": "",
        "regency": "kota-kupang",
        "tags": ["tenun-ikat"],
        "starts_at": _wita_input(start),
        "ends_at": _wita_input(start + timedelta(hours=4)),
        "registration_deadline_at": _wita_input(start - timedelta(days=1)),
        "capacity": "15",
    }
    data.update(overrides)
    return data



# --- trainings through the pages -----------------------------------------------------


def test_staff_publish_a_training_typed_in_wita(client, login_as):
    login_as("member", "umkm_staff")
    response = client.post("/staff/trainings/new", data=_training_form(
        starts_at="2027-03-02T09:00", ends_at="2027-03-02T13:00",
        registration_deadline_at="2027-03-01T17:00"))
    assert response.status_code == 302
    training = db.session.scalar(select(TrainingSession))
    assert training.starts_at.hour == 1 and training.starts_at.utcoffset() == timedelta(0)
    assert training.tag_list == ["tenun-ikat"]


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("ends_at", {"ends_at": "2027-03-02T08:00", "starts_at": "2027-03-02T09:00",
                     "registration_deadline_at": ""}, "Waktu selesai harus sesudah waktu mulai."),
        ("starts_at", {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T10:00",
                       "registration_deadline_at": ""}, "Waktu mulai harus di masa depan."),
        ("registration_deadline_at", {"starts_at": "2027-03-02T09:00",
                                      "ends_at": "2027-03-02T10:00",
                                      "registration_deadline_at": "2027-03-03T09:00"},
         "Batas pendaftaran harus sebelum pelatihan dimulai."),
        ("capacity", {"capacity": "0"}, "Jumlah tempat 1 sampai 1.000."),
        ("capacity", {"capacity": "1001"}, "Jumlah tempat 1 sampai 1.000."),
        ("title", {"title": "x" * 10_000}, "Judul 3 sampai 150 karakter."),
        ("place", {"place": "", "online_url": ""}, "Tulis tempat pelatihan, atau tautan jika daring."),
        ("online_url", {"online_url": "javascript:alert(1)"}, "Tautan harus dimulai dengan https://"),
        ("starts_at", {"starts_at": "besok pagi"}, "Tulis tanggal dan jam"),
    ],
)
def test_bad_training_input_is_explained_and_nothing_saved(client, login_as, field, overrides, message):
    login_as("member", "umkm_staff")
    data = _training_form(**overrides)
    response = client.post("/staff/trainings/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "Dekranasda Kota Kupang" in html  # what was typed is kept
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


def test_member_registers_then_cancels(client, login_as, make_training):
    training = make_training()
    member = login_as("member")
    response = client.post(f"/trainings/{training.id}/register", follow_redirects=True)
    assert "Anda terdaftar" in response.get_data(as_text=True)
    registration = db.session.scalar(select(TrainingRegistration))
    assert registration.user_id == member.id and registration.status == "confirmed"
    assert any(k.endswith("confirmed:in_app") for k in inbox_keys(member))
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Pendaftaran pelatihan diterima" in inbox

    response = client.post(
        f"/trainings/{training.id}/registrations/{registration.id}/cancel", follow_redirects=True)
    assert "Pendaftaran Anda dibatalkan" in response.get_data(as_text=True)
    assert db.session.get(TrainingRegistration, registration.id).status == "cancelled"


def test_full_session_offers_the_waitlist(client, login_as, make_user, make_training):
    training = make_training(capacity=1)
    operations.register(make_user(), training)
    db.session.commit()
    login_as("member")
    html = client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert "Masuk daftar tunggu" in html
    html = client.post(f"/trainings/{training.id}/register", follow_redirects=True).get_data(as_text=True)
    assert "Urutan Anda: 1" in html


def test_list_filters_by_tag_and_regency(client, login_as, make_training):
    make_training(title="Tenun ikat Amarasi", tags=",tenun-ikat,", regency="kupang")
    make_training(title="Barista kopi Bajawa", tags=",barista,", regency="ngada")
    login_as("member")
    html = client.get("/trainings?tag=barista").get_data(as_text=True)
    assert "Barista kopi Bajawa" in html and "Tenun ikat Amarasi" not in html
    html = client.get("/trainings?regency=kupang").get_data(as_text=True)
    assert "Tenun ikat Amarasi" in html and "Barista kopi Bajawa" not in html
    html = client.get("/trainings?tag=<script>").get_data(as_text=True)  # unknown: ignored
    assert "Tenun ikat Amarasi" in html and "<script>" not in html


def test_online_link_only_for_confirmed_participants(client, login_as, make_training):
    training = make_training(place=None, online_url="https://meet.example/rahasia")
    login_as("member")
    page = client.get(f"/trainings/{training.id}")
    assert page.status_code == 200 and training.title in page.get_data(as_text=True)  # the right page
    assert "meet.example/rahasia" not in page.get_data(as_text=True)
    client.post(f"/trainings/{training.id}/register")
    assert "meet.example/rahasia" in client.get(f"/trainings/{training.id}").get_data(as_text=True)


def test_ics_download(client, login_as, make_training):
    training = make_training()
    login_as("member")
    response = client.get(f"/trainings/{training.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in response.data
    assert training.starts_at.strftime("DTSTART:%Y%m%dT%H%M%SZ").encode() in response.data


def test_staff_cancel_a_training(client, login_as, make_user, make_training):
    training = make_training()
    member = make_user()
    operations.register(member, training)
    db.session.commit()
    login_as("member", "umkm_staff")
    response = client.post(f"/staff/trainings/{training.id}/cancel", data={"reason": ""})
    assert response.status_code == 200  # the confirmation box was not ticked
    assert db.session.get(TrainingSession, training.id).status == "scheduled"
    client.post(f"/staff/trainings/{training.id}/cancel", data={"reason": "Banjir", "confirm": "y"})
    db.session.expire_all()
    assert db.session.get(TrainingSession, training.id).status == "cancelled"
    assert any(":cancelled:" in k for k in inbox_keys(member))


def test_staff_mark_attendance(client, login_as, make_user, make_training):
    training = make_training()
    came = operations.register(make_user(), training)
    operations.register(make_user(), training)
    db.session.commit()
    login_as("member", "umkm_staff")
    response = client.post(f"/staff/trainings/{training.id}/registrants", data={"attended": [str(came.id)]})
    assert response.status_code == 302
    assert {r.id: r.attended for r in listing.registrants(training)}[came.id] is True
    # An id that is not a registrant of this session is refused, nothing changes.
    response = client.post(f"/staff/trainings/{training.id}/registrants", data={"attended": ["999999"]})
    assert response.status_code == 200
    assert {r.id: r.attended for r in listing.registrants(training)}[came.id] is True


def test_capacity_below_registered_is_refused_on_edit(client, login_as, make_user, make_training):
    training = make_training(capacity=2)
    operations.register(make_user(), training)
    operations.register(make_user(), training)
    db.session.commit()
    login_as("member", "umkm_staff")
    data = _training_form(capacity="1", starts_at=_wita_input(training.starts_at),
                          ends_at=_wita_input(training.ends_at),
                          registration_deadline_at=_wita_input(training.registration_deadline_at))
    html = client.post(f"/staff/trainings/{training.id}/edit", data=data).get_data(as_text=True)
    assert "Kapasitas tidak boleh lebih kecil" in html
    assert db.session.get(TrainingSession, training.id).capacity == 2


# --- query budgets ---------------------------------------------------------------------


def _budget(client, count_queries, url) -> int:
    client.get(url)  # warm up
    with count_queries() as log:
        assert client.get(url).status_code == 200
    return log.count


def test_training_pages_cost_the_same_with_1_or_50_items(client, login_as, make_user, make_training, count_queries):
    training = make_training(capacity=100)
    member = login_as("member", "umkm_staff")
    operations.register(member, training)
    people = [make_user() for _ in range(1)]
    for person in people:
        operations.register(person, training)
    db.session.commit()
    urls = ["/trainings", "/trainings/mine", "/staff/trainings",
            f"/staff/trainings/{training.id}/registrants", f"/trainings/{training.id}", "/"]
    small = {url: _budget(client, count_queries, url) for url in urls}

    for _ in range(49):
        other = make_training(capacity=100)
        operations.register(member, other)
        operations.register(make_user(), training)
    db.session.commit()
    large = {url: _budget(client, count_queries, url) for url in urls}
    assert small == large
    # The home ("/") of a member who is also UMKM staff gathers cards and panels from
    # every package (forum, papers help, market, stalls, counseling, training): each
    # package keeps its part to one or two queries so the page stays within budget.
    assert max(large.values()) <= 10, large



def test_csv_download_is_audited(client, login_as, make_training):
    from accounts.models import AuditEvent

    training = make_training()
    staff = login_as("member", "umkm_staff")
    client.get(f"/staff/trainings/{training.id}/registrants.csv")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.registrants_export"))
    assert event.actor_id == staff.id and event.object_id == training.id


@pytest.mark.parametrize(("days", "promise", "not_promised"), [
    (5, "sehari dan dua jam sebelum mulai", None),
    (0.5, "dua jam sebelum mulai", "sehari dan dua jam"),
    (1 / 24, "Pelatihan segera dimulai", "dua jam sebelum mulai"),
])
def test_only_reminders_that_will_happen_are_promised(client, login_as, make_training, days, promise,
                                                      not_promised):
    """Issue 8 items 24 and 34: a session two hours away promises no day-before reminder."""
    training = make_training(days=days, registration_deadline_at=utcnow() + timedelta(minutes=30))
    member = login_as("member")
    operations.register(member, training)
    db.session.commit()
    html = client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert promise in html
    if not_promised:
        assert not_promised not in html
    body = db.session.scalar(select(Notification.body).where(Notification.user_id == member.id))
    assert (not_promised or "~") not in body.replace("dua jam sebelumnya", "dua jam sebelum mulai")


def test_place_is_not_shown_twice(client, login_as, make_training):
    training = make_training(place="Rumah Tenun Naikoten, Kota Kupang")
    login_as("member")
    html = client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert "Rumah Tenun Naikoten, Kota Kupang</dd>" in html
    assert "Kota Kupang, Kota Kupang" not in html
    other = make_training(place="BLK Kupang")
    assert "BLK Kupang, Kota Kupang</dd>" in client.get(f"/trainings/{other.id}").get_data(as_text=True)


def test_training_lists_page_through_the_kit_pager(client, login_as, make_training):
    for n in range(21):
        make_training(days=2 + n, tags=",barista,")
    login_as("member", "umkm_staff")
    for url in ("/trainings?tag=barista", "/staff/trainings"):
        html = client.get(url).get_data(as_text=True)
        assert 'rel="next"' in html and "Halaman 1" in html, url
        assert client.get(url + ("&" if "?" in url else "?") + "page=abc").status_code == 400
    assert "tag=barista" in client.get("/trainings?tag=barista").get_data(as_text=True).split('rel="next"')[0].rsplit("href=", 1)[1]
    assert "Halaman 2" in client.get("/staff/trainings?page=2").get_data(as_text=True)
