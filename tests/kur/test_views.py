"""KUR through the pages: starting, the checklist, appointments, staff moves, budgets."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.kur import applications
from mentoring.kur.models import KurApplication
from tests.inbox_helpers import inbox_keys


def _wita_input(dt) -> str:
    return dt.astimezone(WITA).strftime("%Y-%m-%dT%H:%M")


def _application(make_user, kur_start, owner=None):
    owner = owner or make_user()
    application = applications.start_kur_application(owner, kur_start())
    db.session.commit()
    return application



@pytest.mark.parametrize("roles", [("member",), ("member", "umkm_staff")])
def test_someone_elses_kur_application_is_404(client, login_as, make_user, kur_start, roles):
    application = _application(make_user, kur_start)
    login_as(*roles)
    assert client.get(f"/kur/{application.id}").status_code == 404
    for action in ("checklist", "appointment", "submitted"):
        response = client.post(f"/kur/{application.id}/{action}", data={"doc_ktp": "y"})
        assert response.status_code == 404, action
    assert db.session.get(KurApplication, application.id).doc_ktp is False



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
    # Shown the kit's one way (``|rupiah``), on the member's pages and the staff's.
    assert "<dd>Rp 25.000.000</dd>" in client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Rp 25.000.000" in client.get("/kur").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-5000000"}, "Tulis jumlah dalam rupiah"),
        ({"amount": "dua juta"}, "Tulis jumlah dalam rupiah"),
        ({"amount": "600.000.000"}, "Jumlah harus antara Rp 1.000.000 dan Rp 500.000.000."),
        ({"amount": "0"}, "Jumlah harus antara Rp 1.000.000 dan Rp 500.000.000."),
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
    application = applications.start_kur_application(member, kur_start())
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
    old = applications.start_kur_application(make_user(), kur_start(business_name="Tenun Ndun", regency="tts"))
    old.stage_changed_at = utcnow() - timedelta(days=30)
    applications.start_kur_application(make_user(), kur_start(business_name="Laundry Bana"))
    db.session.commit()
    login_as("member", "umkm_staff")
    html = client.get("/staff/kur").get_data(as_text=True)
    assert html.index("Tenun Ndun") < html.index("Laundry Bana")
    assert "30 hari di tahap ini" in html
    html = client.get("/staff/kur?regency=tts").get_data(as_text=True)
    assert "Tenun Ndun" in html and "Laundry Bana" not in html
    html = client.get("/staff/kur?stage=submitted").get_data(as_text=True)
    assert "Tenun Ndun" not in html


# --- query budgets ---------------------------------------------------------------------


def _budget(client, count_queries, url) -> int:
    client.get(url)  # warm up
    with count_queries() as log:
        assert client.get(url).status_code == 200
    return log.count




def test_kur_pages_cost_the_same_with_1_or_50_items(client, login_as, make_user, kur_start, count_queries):
    staff = login_as("member", "umkm_staff")
    mine = applications.start_kur_application(staff, kur_start())
    db.session.commit()
    urls = ["/kur", "/staff/kur", f"/kur/{mine.id}", f"/staff/kur/{mine.id}"]
    small = {url: _budget(client, count_queries, url) for url in urls}
    for n in range(49):
        applications.start_kur_application(make_user(), kur_start(business_name=f"Usaha {n}"))
        if n < 3:  # a longer history on the detail pages too
            applications.move_kur_application(staff, mine, applications.next_stages(mine)[0], "ok")
    db.session.commit()
    large = {url: _budget(client, count_queries, url) for url in urls}
    assert small == large
    assert max(large.values()) <= 10, large


def test_staff_list_pages_through_the_kit_pager(client, login_as, make_user, kur_start):
    """One pager (``_macros/pager.html``) and one page argument (``page_arg``): the next
    page keeps the filters, a page past the end is empty but answers, junk is a 400."""
    for n in range(21):
        applications.start_kur_application(make_user(), kur_start(business_name=f"Usaha {n:02d}"))
    db.session.commit()
    login_as("member", "umkm_staff")
    html = client.get("/staff/kur?regency=kota-kupang&sort=newest").get_data(as_text=True)
    assert 'rel="next"' in html and "Halaman 1" in html
    assert "page=2" in html and "regency=kota-kupang" in html and "sort=newest" in html
    second = client.get("/staff/kur?regency=kota-kupang&sort=newest&page=2").get_data(as_text=True)
    assert "Halaman 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("Usaha ") == 1
    assert client.get("/staff/kur?page=99999").status_code == 200
    assert client.get("/staff/kur?page=abc").status_code == 400
