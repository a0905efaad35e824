"""The Satgas queue draws each row once and keeps it (community/fragments.py,
``report_row``): rows are kept, every change to a report shows at the next visit
(status, urgency, kind, region, when it happened and how sure), the language is
the officer's, no kept row holds anything about the reporter, and only desk
roles ever see a kept row."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from community import fragments
from community.reports.models import Report
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
