"""Pages: who gets in, what bad input does, what members and staff see."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.programs import services
from mentoring.programs.models import KurApplication, TrainingRegistration, TrainingSession
from notifications.models import Notification
from tests.programs.helpers import inbox_keys

STAFF_ENDPOINTS = [
    ("GET", "/staff/trainings"),
    ("GET", "/staff/trainings/new"),
    ("POST", "/staff/trainings/new"),
    ("GET", "/staff/trainings/{t}/edit"),
    ("POST", "/staff/trainings/{t}/edit"),
    ("GET", "/staff/trainings/{t}/cancel"),
    ("POST", "/staff/trainings/{t}/cancel"),
    ("GET", "/staff/trainings/{t}/registrants"),
    ("POST", "/staff/trainings/{t}/registrants"),
    ("GET", "/staff/trainings/{t}/registrants.csv"),
    ("GET", "/staff/kur"),
    ("GET", "/staff/kur/{k}"),
    ("POST", "/staff/kur/{k}"),
]


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


def _application(make_user, kur_start, owner=None):
    owner = owner or make_user()
    application = services.start_kur_application(owner, kur_start())
    db.session.commit()
    return application


# --- access ------------------------------------------------------------------------


def test_every_staff_route_has_the_role_decorator(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff/trainings", "/staff/kur")):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_roles", None) == ("umkm_staff",), rule.rule


@pytest.mark.parametrize("roles", [("member",), ("member", "counselor"), ("member", "admin")])
def test_other_roles_get_403_on_staff_pages(client, login_as, make_user, make_training, kur_start, roles):
    training = make_training()
    application = _application(make_user, kur_start)
    login_as(*roles)
    for method, path in STAFF_ENDPOINTS:
        url = path.format(t=training.id, k=application.id)
        response = client.open(url, method=method, data={"to_stage": "survey", "capacity": "1"})
        assert response.status_code == 403, (method, url)
    assert db.session.get(KurApplication, application.id).stage == "preparing"


def test_anonymous_visitors_are_sent_to_login(client, make_training):
    training = make_training()
    for url in ("/trainings", f"/trainings/{training.id}", "/kur", "/staff/trainings"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_get_in_everywhere(client, login_as, make_user, make_training, kur_start):
    training = make_training()
    services.register(make_user(), training)
    application = _application(make_user, kur_start)
    login_as("member", "umkm_staff")
    for method, path in STAFF_ENDPOINTS:
        if method == "GET":
            url = path.format(t=training.id, k=application.id)
            assert client.get(url).status_code == 200, url


def test_staff_missing_objects_are_404(client, login_as):
    login_as("member", "umkm_staff")
    for url in ("/staff/trainings/999/edit", "/staff/trainings/999/registrants",
                "/staff/trainings/999/registrants.csv", "/staff/kur/999"):
        assert client.get(url).status_code == 404, url


def test_someone_elses_registration_is_404(client, login_as, make_user, make_training):
    training = make_training()
    other = services.register(make_user(), training)
    db.session.commit()
    login_as("member")
    response = client.post(f"/trainings/{training.id}/registrations/{other.id}/cancel")
    assert response.status_code == 404
    assert db.session.get(TrainingRegistration, other.id).status == "confirmed"


@pytest.mark.parametrize("roles", [("member",), ("member", "umkm_staff")])
def test_someone_elses_kur_application_is_404(client, login_as, make_user, kur_start, roles):
    application = _application(make_user, kur_start)
    login_as(*roles)
    assert client.get(f"/kur/{application.id}").status_code == 404
    for action in ("checklist", "appointment", "submitted"):
        response = client.post(f"/kur/{application.id}/{action}", data={"doc_ktp": "y"})
        assert response.status_code == 404, action
    assert db.session.get(KurApplication, application.id).doc_ktp is False


def test_csv_is_for_staff_only(client, login_as, make_user, make_training):
    training = make_training()
    services.register(make_user(name="Yuliana Ndun"), training)
    db.session.commit()
    login_as("member")
    assert client.get(f"/staff/trainings/{training.id}/registrants.csv").status_code == 403
    client.post("/logout")
    login_as("member", "umkm_staff")
    response = client.get(f"/staff/trainings/{training.id}/registrants.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Yuliana Ndun" in response.get_data(as_text=True)


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
    services.register(make_user(), training)
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
    assert "meet.example/rahasia" not in client.get(f"/trainings/{training.id}").get_data(as_text=True)
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
    services.register(member, training)
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
    came = services.register(make_user(), training)
    services.register(make_user(), training)
    db.session.commit()
    login_as("member", "umkm_staff")
    response = client.post(f"/staff/trainings/{training.id}/registrants", data={"attended": [str(came.id)]})
    assert response.status_code == 302
    assert {r.id: r.attended for r in services.registrants(training)}[came.id] is True
    # An id that is not a registrant of this session is refused, nothing changes.
    response = client.post(f"/staff/trainings/{training.id}/registrants", data={"attended": ["999999"]})
    assert response.status_code == 200
    assert {r.id: r.attended for r in services.registrants(training)}[came.id] is True


def test_capacity_below_registered_is_refused_on_edit(client, login_as, make_user, make_training):
    training = make_training(capacity=2)
    services.register(make_user(), training)
    services.register(make_user(), training)
    db.session.commit()
    login_as("member", "umkm_staff")
    data = _training_form(capacity="1", starts_at=_wita_input(training.starts_at),
                          ends_at=_wita_input(training.ends_at),
                          registration_deadline_at=_wita_input(training.registration_deadline_at))
    html = client.post(f"/staff/trainings/{training.id}/edit", data=data).get_data(as_text=True)
    assert "Kapasitas tidak boleh lebih kecil" in html
    assert db.session.get(TrainingSession, training.id).capacity == 2


# --- KUR through the pages -----------------------------------------------------------


def _kur_form(**overrides) -> dict:
    data = {
        "has_ektp": "yes", "adult_or_married": "yes", "no_other_credit": "yes",
        "business_name": "Se'i Babi Om Yohan", "business_months": "14",
        "regency": "kota-kupang", "amount": "Rp 25.000.000", "bank": "bri",
    }
    data.update(overrides)
    return data


def test_member_starts_kur_and_the_amount_is_parsed(client, login_as):
    login_as("member")
    page = client.get("/kur").get_data(as_text=True)
    assert "pinjol ilegal" in page and "Bank NTT" in page
    response = client.post("/kur/new", data=_kur_form())
    assert response.status_code == 302
    application = db.session.scalar(select(KurApplication))
    assert application.amount == 25_000_000 and application.bank == "bri"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-5000000"}, "Tulis jumlah dalam rupiah"),
        ({"amount": "dua juta"}, "Tulis jumlah dalam rupiah"),
        ({"amount": "600.000.000"}, "Jumlah antara Rp1.000.000 dan Rp500.000.000."),
        ({"amount": "0"}, "Jumlah antara Rp1.000.000 dan Rp500.000.000."),
        ({"bank": "pinjol-cepat"}, "Pilih salah satu dari daftar."),
        ({"business_name": "x" * 10_000}, "Nama usaha paling panjang 120 karakter."),
        ({"has_ektp": ""}, "Pilih ya atau tidak."),
    ],
)
def test_bad_kur_input_saves_nothing(client, login_as, overrides, message):
    login_as("member")
    response = client.post("/kur/new", data=_kur_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    if message != "Pilih salah satu dari daftar.":
        assert message in html
    assert 'aria-invalid="true"' in html or "field--error" in html
    assert db.session.scalar(select(func.count(KurApplication.id))) == 0


def test_not_eligible_is_explained_and_nothing_saved(client, login_as):
    login_as("member")
    html = client.post("/kur/new", data=_kur_form(business_months="3", no_other_credit="no")).get_data(as_text=True)
    assert "belum memenuhi syarat" in html
    assert "paling sedikit 6 bulan" in html and "kredit usaha lain" in html
    assert db.session.scalar(select(func.count(KurApplication.id))) == 0


def test_member_checklist_appointment_and_submission(client, login_as, kur_start):
    member = login_as("member")
    application = services.start_kur_application(member, kur_start())
    db.session.commit()
    url = f"/kur/{application.id}"
    html = client.get(url).get_data(as_text=True)
    assert "NPWP tidak wajib" in html

    past = _wita_input(utcnow() - timedelta(days=1))
    html = client.post(f"{url}/appointment", data={"appointment_at": past}).get_data(as_text=True)
    assert "Janji di bank harus di masa depan." in html
    assert db.session.get(KurApplication, application.id).bank_appointment_at is None

    client.post(f"{url}/checklist", data={"doc_ktp": "y", "doc_kk": "y", "doc_business_letter": "y"})
    client.post(f"{url}/submitted")
    db.session.expire_all()
    assert db.session.get(KurApplication, application.id).stage == "submitted"


def test_staff_move_an_application_and_the_member_is_told(client, login_as, make_user, kur_start):
    member = make_user()
    application = _application(make_user, kur_start, owner=member)
    login_as("member", "umkm_staff")
    html = client.post(f"/staff/kur/{application.id}", data={"to_stage": "rejected", "note": ""}).get_data(as_text=True)
    assert "Tulis alasan penolakan" in html
    assert db.session.get(KurApplication, application.id).stage == "preparing"

    response = client.post(f"/staff/kur/{application.id}",
                           data={"to_stage": "submitted", "note": "Berkas diterima BRI Unit Oebobo"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(KurApplication, application.id).stage == "submitted"
    assert len([k for k in inbox_keys(member) if ":stage:" in k]) == 2


def test_staff_list_filters_and_shows_the_longest_waiting_first(client, login_as, make_user, kur_start):
    old = services.start_kur_application(make_user(), kur_start(business_name="Tenun Ndun", regency="tts"))
    old.stage_changed_at = utcnow() - timedelta(days=30)
    services.start_kur_application(make_user(), kur_start(business_name="Laundry Bana"))
    db.session.commit()
    login_as("member", "umkm_staff")
    html = client.get("/staff/kur").get_data(as_text=True)
    assert html.index("Tenun Ndun") < html.index("Laundry Bana")
    assert "30 hari di tahap ini" in html
    html = client.get("/staff/kur?regency=tts").get_data(as_text=True)
    assert "Tenun Ndun" in html and "Laundry Bana" not in html
    html = client.get("/staff/kur?stage=submitted").get_data(as_text=True)
    assert "Tenun Ndun" not in html


def test_pages_in_english(client, login_as, make_training, kur_start):
    training = make_training()
    member = login_as("member")
    services.start_kur_application(member, kur_start())
    db.session.commit()
    client.post("/lang", data={"lang": "en", "next": "/"})
    assert "Trainings" in client.get("/trainings").get_data(as_text=True)
    assert "Register for this training" in client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert "illegal online lenders" in client.get("/kur").get_data(as_text=True)


# --- query budgets ---------------------------------------------------------------------


def _budget(client, count_queries, url) -> int:
    client.get(url)  # warm up
    with count_queries() as log:
        assert client.get(url).status_code == 200
    return log.count


def test_training_pages_cost_the_same_with_1_or_50_items(client, login_as, make_user, make_training, count_queries):
    training = make_training(capacity=100)
    member = login_as("member", "umkm_staff")
    services.register(member, training)
    people = [make_user() for _ in range(1)]
    for person in people:
        services.register(person, training)
    db.session.commit()
    urls = ["/trainings", "/trainings/mine", "/staff/trainings",
            f"/staff/trainings/{training.id}/registrants", f"/trainings/{training.id}", "/"]
    small = {url: _budget(client, count_queries, url) for url in urls}

    for _ in range(49):
        other = make_training(capacity=100)
        services.register(member, other)
        services.register(make_user(), training)
    db.session.commit()
    large = {url: _budget(client, count_queries, url) for url in urls}
    assert small == large
    # The home ("/") of a member who is also UMKM staff gathers cards and panels from
    # every package (forum, papers help, market, stalls, counseling, training): each
    # package keeps its part to one or two queries so the page stays within budget.
    assert max(large.values()) <= 10, large


def test_kur_pages_cost_the_same_with_1_or_50_items(client, login_as, make_user, kur_start, count_queries):
    staff = login_as("member", "umkm_staff")
    mine = services.start_kur_application(staff, kur_start())
    db.session.commit()
    urls = ["/kur", "/staff/kur", f"/kur/{mine.id}", f"/staff/kur/{mine.id}"]
    small = {url: _budget(client, count_queries, url) for url in urls}
    for n in range(49):
        services.start_kur_application(make_user(), kur_start(business_name=f"Usaha {n}"))
        if n < 3:  # a longer history on the detail pages too
            services.move_kur_application(staff, mine, services.next_stages(mine)[0], "ok")
    db.session.commit()
    large = {url: _budget(client, count_queries, url) for url in urls}
    assert small == large
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
    services.register(member, training)
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
