"""The staff KUR list keeps each drawn row (mentoring/kur/listing.py, staff_row)
and its filter form (core/filter_forms.py): every change to an application shows
at the next visit (stage, days waiting, amount, business, the member's name), the
language is the viewer's, and the list is the staff's only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from accounts.models import User
from core import filter_forms
from core import kept as fragments
from core.db import utcnow
from core.extensions import db
from mentoring.kur import applications
from mentoring.kur.forms import KurFilterForm
from mentoring.kur.models import KurApplication
from tests.factories import Auth


@pytest.fixture(autouse=True)
def _empty_caches():
    fragments.clear()
    filter_forms.forget()
    yield
    fragments.clear()
    filter_forms.forget()


def _row(html: str, application_id: int) -> str:
    start = html.index(f'href="/staff/kur/{application_id}"')
    return html[start:html.index("</li>", start)]


def test_kept_rows_follow_every_change_at_the_next_visit(app, client, login_as, make_user, kur_start):
    owner = make_user(name="Mama Dorkas")
    application = applications.start_kur_application(owner, kur_start(business_name="Tenun Ndun"))
    application.stage_changed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login_as("member", "umkm_staff")

    def listed() -> str:
        response = client.get("/staff/kur")
        assert response.status_code == 200
        return _row(response.get_data(as_text=True), application.id)

    row = listed()
    assert "Tenun Ndun" in row and "Mama Dorkas" in row and "3 hari di tahap ini" in row
    assert any(key[0] == "kur-staff" for key in fragments.entries()), "the rows are kept"
    assert listed() == row

    def changed(**values) -> str:
        db.session.execute(update(KurApplication).where(KurApplication.id == application.id).values(**values))
        db.session.commit()
        return listed()

    assert "5 hari di tahap ini" in changed(stage_changed_at=utcnow() - timedelta(days=5))
    assert "Survei dan wawancara bank" in changed(stage="survey")
    assert "Rp 30.000.000" in changed(amount=30_000_000)
    assert "Tenun Ikat Ndun" in changed(business_name="Tenun Ikat Ndun")
    finished = changed(stage="disbursed")
    assert "hari di tahap ini" not in finished and "badge--muted" in finished
    db.session.execute(update(User).where(User.id == owner.id).values(name="Mama Dorkas Tallo"))
    db.session.commit()
    assert "Mama Dorkas Tallo" in listed()

    colleague = app.test_client()
    Auth(colleague).login(make_user(roles=("member", "umkm_staff"), locale="en"))
    english = colleague.get("/staff/kur").get_data(as_text=True)
    assert "All stages" in english and "Semua tahap" not in english
    assert "Mama Dorkas Tallo" in _row(english, application.id)
    changed(stage="survey")
    assert "days in this stage" in _row(colleague.get("/staff/kur").get_data(as_text=True), application.id)

    member_phone = app.test_client()
    Auth(member_phone).login(owner)
    assert member_phone.get("/staff/kur").status_code in (403, 404)


def test_the_filters_are_kept_per_choice(client, login_as, make_user, kur_start, monkeypatch):
    validated = []
    validate = KurFilterForm.validate
    monkeypatch.setattr(KurFilterForm, "validate", lambda form, *a, **k: validated.append(1) or validate(form, *a, **k))
    surveyed = applications.start_kur_application(make_user(), kur_start(business_name="Laundry Bana"))
    waiting = applications.start_kur_application(make_user(), kur_start(business_name="Bengkel Oesapa"))
    surveyed.stage = "survey"
    db.session.commit()
    login_as("member", "umkm_staff")
    for _ in range(2):
        html = client.get("/staff/kur?stage=survey&sort=newest").get_data(as_text=True)
        assert "Laundry Bana" in html and "Bengkel Oesapa" not in html
        assert '<option selected value="survey">' in html and '<option selected value="newest">' in html
    assert len(validated) == 1
    everything = client.get("/staff/kur?stage=bogus").get_data(as_text=True)
    assert "Laundry Bana" in everything and f'href="/staff/kur/{waiting.id}"' in everything
