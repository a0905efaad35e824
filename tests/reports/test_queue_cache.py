"""The Satgas queue draws each row once and keeps it (community/fragments.py,
``report_row``): rows are kept, every change to a report shows at the next visit
(status, urgency, kind, region, when it happened and how sure), the language is
the officer's, no kept row holds anything about the reporter, and only desk
roles ever see a kept row. Its filter form is drawn once per choice and language
(core/filter_forms.py), and a made-up value still drops only its own filter."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from community import fragments
from community.reports.forms import QueueFilterForm
from community.reports.models import Report
from core import filter_forms
from core.extensions import db
from tests.factories import Auth

QUEUE = "/forum/lapor/desk"


@pytest.fixture(autouse=True)
def _empty_cache():
    fragments.clear()
    yield
    fragments.clear()


def _row(html: str, code: str) -> str:
    start = html.index(code)
    return html[start:html.index("</li>", start)]


def _queue(client, query: str = "") -> str:
    response = client.get(QUEUE + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_kept_rows_follow_every_change_at_the_next_visit(client, login_as, make_report):
    report = make_report(kind="recruiter")[0]
    code = report.code
    login_as("satgas")
    row = _row(_queue(client), code)
    assert "Calo" in row and "diterima" in row and "mendesak" not in row
    assert any(key[0] == "report-queue" for key in fragments.entries()), "the rows are kept"
    assert _row(_queue(client), code) == row

    def changed(**values) -> str:
        db.session.execute(update(Report).where(Report.id == report.id).values(**values))
        db.session.commit()
        return _row(_queue(client), code)

    assert "sedang diperiksa" in changed(status="verifying")
    assert "mendesak" in changed(urgent=True)
    assert "Ditahan" in changed(kind="held")
    assert "Kota Kupang" not in changed(regency="tts")
    assert "15 Mar 2026" in changed(happened_on=date(2026, 3, 15))
    assert "sekitar 15 Mar 2026" in changed(happened_precision="about")
    assert "sekitar 2 Apr 2026" in changed(happened_on=date(2026, 4, 2))
    closed = changed(status="closed")
    assert "mendesak" not in closed and "selesai" in closed  # urgent counts while open only

    client.post("/lang", data={"lang": "en", "next": QUEUE})
    row = _row(_queue(client), code)
    assert "Held" in row and "Ditahan" not in row and "selesai" not in row


def test_kept_rows_hold_nothing_of_the_reporter_and_reach_the_desk_only(app, client, login_as, make_user,
                                                                       make_report):
    reporter = make_user(name="Yohana Rahasiaputri", phone="+6281338017744")
    report = make_report(reporter, phones="0812-3801-9911")[0]
    login_as("satgas")
    assert report.code in _queue(client)
    colleague = app.test_client()
    Auth(colleague).login(make_user(roles=("member", "satgas")))
    assert report.code in colleague.get(QUEUE).get_data(as_text=True)
    kept = repr(fragments.entries())
    for secret in ("Yohana", "Rahasiaputri", "1338017744", "38017744", "3801-9911", "38019911"):
        assert secret not in kept
    member_phone = app.test_client()
    Auth(member_phone).login(reporter)
    assert member_phone.get(QUEUE).status_code == 403


def test_the_filters_are_kept_per_choice_and_a_made_up_one_drops_only_itself(client, login_as, make_report,
                                                                           monkeypatch):
    filter_forms.forget()
    validated = []
    validate = QueueFilterForm.validate
    monkeypatch.setattr(QueueFilterForm, "validate", lambda form, *a, **k: validated.append(1) or validate(form, *a, **k))
    calo = make_report(kind="recruiter")[0]
    held = make_report(kind="held")[0]
    db.session.execute(update(Report).where(Report.id == held.id).values(status="verifying"))
    db.session.commit()
    login_as("satgas")
    for _ in range(2):
        html = _queue(client, "?status=verifying")
        assert held.code in html and calo.code not in html and '<option selected value="verifying">' in html
    assert len(validated) == 1, "the form was built again for the same choice"
    mixed = _queue(client, "?status=verifying&kind=bogus")
    assert held.code in mixed and calo.code not in mixed
    client.post("/lang", data={"lang": "en", "next": QUEUE})
    english = _queue(client, "?status=verifying")
    assert "All kinds" in english and "Semua jenis" not in english and held.code in english
