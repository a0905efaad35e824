"""The province dashboard and CSV, a member's data export and account deletion,
demo data."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from community.reports import dashboard, desk
from community.reports.models import Report, ReportIdentifier
from core.db import utcnow
from core.extensions import db
from tests.factories import PASSWORD


def test_dashboard_counts_and_median_days_to_first_action(client, login_as, make_user, make_report):
    officer = make_user(roles=("satgas",))
    now = utcnow()
    for days, kind, regency in ((3, "fees", "tts"), (2, "fees", "belu"), (1, "held", "tts")):
        report = make_report(kind=kind, regency=regency, contact_name="Agustina Manafe")[0]
        report.created_at = now - timedelta(days=days)
        db.session.commit()
        if days > 1:
            desk.start_verifying(officer, report, "received", now=report.created_at + timedelta(days=days))
    db.session.commit()
    stats = dashboard.province_stats()
    assert stats.total == 3 and dict(stats.kinds)["fees"] == 2 and dict(stats.regencies) == {"tts": 2, "belu": 1}
    assert stats.median_days_to_first_action == 2.5 and sum(count for _m, count in stats.months) == 3
    login_as("satgas")
    html = client.get("/forum/lapor/desk/dashboard").get_data(as_text=True)
    assert '<svg role="img"' in html and 'id="median-days">2.5<' in html and 'id="total-reports">3<' in html
    response = client.get("/forum/lapor/desk/dashboard.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["kind", "fees", "2"] in rows and ["regency", "tts", "2"] in rows
    assert ["median_days_to_first_action", "all", "2.5"] in rows
    body = response.get_data(as_text=True)
    assert "Agustina" not in body and "calo" not in body.lower() and "LPR-" not in body


def test_the_export_holds_the_members_own_reports_only(client, auth, make_user, make_report):
    member = make_user()
    mine = make_report(reporter=member, what="Calo di Oesao minta Rp7 juta untuk ke Malaysia.")[0]
    make_report(reporter=make_user(), what="Laporan orang lain tentang calo di Atambua.")
    officer = make_user(roles=("satgas",))
    desk.add_note(officer, mine, "NOTE-SENTINEL internal")
    db.session.commit()
    auth.login(member)
    client.post("/account/confirm", data={"current_password": PASSWORD})
    response = client.post("/account/data", data={"current_password": PASSWORD})
    data = json.loads(response.get_data(as_text=True))
    reports = data["reports"]["reports"]
    assert [r["code"] for r in reports] == [mine.code] and "Oesao" in reports[0]["what"]
    assert "NOTE-SENTINEL" not in response.get_data(as_text=True) and "Atambua" not in response.get_data(as_text=True)


def test_deleting_an_account_keeps_referred_reports_unlinked_and_says_so(client, auth, make_user, make_report):
    member = make_user()
    referred = make_report(reporter=member, phones="0812 3801 7744", contact_name="Maria",
                           contact_phone="+6281338800111")[0]
    waiting = make_report(reporter=member, phones="0812 3801 7744")[0]
    officer = make_user(roles=("satgas",))
    desk.start_verifying(officer, referred, "received")
    desk.refer(officer, referred, "verifying", "polri")
    db.session.commit()
    auth.login(member)
    html = client.get("/account/delete").get_data(as_text=True)
    assert "1 laporan Anda ke Satgas sudah diteruskan" in html
    response = client.post("/account/delete", data={"current_password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Report, referred.id)
    assert kept is not None and kept.reporter_id is None and kept.contact_name is None and kept.contact_phone is None
    assert kept.status == "referred" and kept.identifiers
    assert db.session.get(Report, waiting.id) is None
    assert db.session.scalar(select(func.count(ReportIdentifier.id))) == 1


def test_no_deletion_note_without_referred_reports(client, login_as):
    login_as("member")
    page = client.get("/account/delete")
    assert page.status_code == 200 and "Hapus akun" in page.get_data(as_text=True)
    assert "Satgas" not in page.get_data(as_text=True)


def test_demo_data_has_every_status_and_the_officer_login(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    statuses = set(db.session.scalars(select(Report.status)))
    assert statuses == {"received", "verifying", "referred", "closed"}
    runner.invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count(Report.id))) == 7
    from accounts.services import find_by_login

    officer = find_by_login("+6281200000050")
    assert officer.name == "Melkianus Kana" and officer.has_role("satgas")
    first = db.session.scalar(select(Report).order_by(Report.created_at))
    from community.reports import linking

    assert linking.links_for(first)[1] >= 2
