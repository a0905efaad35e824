"""The structured date of what happened: optional, never ahead, "about" or month
only; the queue filters and sorts by it, the dashboard measures the wait before
reporting, the export carries it."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from community.reports.models import Report
from core.extensions import db
from core.i18n import WITA
from tests.reports.test_budgets import add_reports, queue_queries


def _today() -> date:
    return datetime.now(WITA).date()


def _post(client, report_form, **fields):
    return client.post("/forum/lapor/baru", data={**report_form, **fields})


@pytest.mark.parametrize("typed, precision, stored, shown", [
    ("2026-03-15", "day", date(2026, 3, 15), "15 Mar 2026"),
    ("15/03/2026", "about", date(2026, 3, 15), "sekitar 15 Mar 2026"),
    ("2026-03-15", "month", date(2026, 3, 1), "Maret 2026"),
])
def test_a_date_beside_the_free_text_is_stored_as_sure_as_the_reporter_is(client, login_as, report_form,
                                                                         typed, precision, stored, shown):
    response = _post(client, report_form, happened_on=typed, happened_precision=precision)
    assert 'id="report-code"' in response.get_data(as_text=True)
    report = db.session.scalar(select(Report))
    assert (report.happened_on, report.happened_precision, report.happened) == (stored, precision, "Minggu lalu")
    login_as("satgas")
    page = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert f'id="happened-on">{shown}<' in page and "Minggu lalu" in page
    assert shown in client.get("/forum/lapor/desk").get_data(as_text=True)


def test_no_date_is_fine(client, report_form):
    _post(client, report_form, happened_precision="about")
    report = db.session.scalar(select(Report))
    assert report.happened_on is None and report.happened_precision is None


@pytest.mark.parametrize("typed, precision, message", [
    ((date.today() + timedelta(days=2)).isoformat(), "day", "Tanggal ini belum lewat"),
    ("kemarin sore", "day", "Tanggal tidak terbaca"),
    ("2026-02-30", "day", "Tanggal tidak terbaca"),
    ("1975-05-01", "day", "Tanggal terlalu lama"),
    ("2026-03-15", "sometime", "Pilih salah satu dari daftar"),
])
def test_a_bad_date_gives_a_clear_message_and_nothing_is_saved(client, report_form, typed, precision, message):
    response = _post(client, report_form, happened_on=typed, happened_precision=precision)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="report-code"' not in html
    assert message in html, html[html.find("field__error") - 200:html.find("field__error") + 300]
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_the_english_page_says_it_too(client, report_form):
    client.post("/lang", data={"lang": "en", "next": "/"})
    future = (date.today() + timedelta(days=2)).isoformat()
    html = _post(client, report_form, happened_on=future).get_data(as_text=True)
    assert "has not come yet" in html


def _dated(make_report, days_ago: int | None, created_days_ago: int = 0, precision: str = "day"):
    report = make_report(happened_on=_today() - timedelta(days=days_ago) if days_ago is not None else None,
                         happened_precision=precision)[0]
    if created_days_ago:
        report.created_at = report.created_at - timedelta(days=created_days_ago)
        db.session.commit()
    return report


def test_the_queue_filters_and_sorts_by_when_it_happened(client, login_as, make_report):
    old = _dated(make_report, 200)
    recent = _dated(make_report, 10, created_days_ago=5)
    undated = _dated(make_report, None, created_days_ago=1)
    middle = _dated(make_report, 60, created_days_ago=9)
    login_as("satgas")

    def codes(query: str) -> list[str]:
        html = client.get(f"/forum/lapor/desk?{query}").get_data(as_text=True)
        return [r.code for r in sorted((old, recent, undated, middle), key=lambda r: html.find(r.code))
                if r.code in html]

    assert codes("when=30") == [recent.code]
    assert codes("when=90") == [recent.code, middle.code]
    assert codes("when=none") == [undated.code]
    assert codes("sort=happened") == [recent.code, middle.code, old.code, undated.code]
    assert codes("") == [old.code, undated.code, recent.code, middle.code]  # newest sent first, as before
    # Unknown values are ignored, not an error page.
    assert codes("when=7&sort=x") == codes("")


def test_the_filters_cost_no_more_queries(client, login_as, count_queries):
    login_as("satgas")
    add_reports(200)
    plain = queue_queries(client, count_queries)
    assert queue_queries(client, count_queries, "/forum/lapor/desk?when=90&sort=happened&page=2") == plain


def test_the_dashboard_shows_how_long_people_wait_before_reporting(client, login_as, make_report):
    _dated(make_report, 10)
    _dated(make_report, 30)
    _dated(make_report, 4)
    _dated(make_report, 300, precision="month")  # a month only says too little to count days
    _dated(make_report, None)
    login_as("satgas")
    html = client.get("/forum/lapor/desk/dashboard").get_data(as_text=True)
    assert re.search(r'id="median-days-to-report">10(\.0)? <', html) and "3 laporan bertanggal" in html
    rows = list(csv.reader(io.StringIO(client.get("/forum/lapor/desk/dashboard.csv").get_data(as_text=True))))
    assert ["median_days_from_event_to_report", "dated", "10"] in rows


def test_the_export_carries_the_date(client, auth, make_user, report_form):
    member = make_user()
    auth.login(member)
    _post(client, report_form, happened_on="2026-03-15", happened_precision="about")
    from community.reports.personal_data import export_for

    [exported] = export_for(member)["reports"]
    assert exported["happened_on"] == "2026-03-15" and exported["happened_precision"] == "about"


def test_other_roles_cannot_filter_the_queue(client, login_as):
    login_as("moderator")
    assert client.get("/forum/lapor/desk?when=30&sort=happened").status_code == 403


def test_insert_without_a_date_keeps_old_reports_working(client, login_as):
    db.session.execute(insert(Report), [{"code": "LPR-OLD1-TEST", "secret_hash": "0" * 64, "kind": "fees",
                                         "regency": "tts", "status": "received", "what": "x" * 12}])
    db.session.commit()
    login_as("satgas")
    assert "LPR-OLD1-TEST" in client.get("/forum/lapor/desk?sort=happened").get_data(as_text=True)
