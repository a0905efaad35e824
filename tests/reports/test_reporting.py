"""Reporting: the form, code + secret, the anonymous path, bad input."""
from __future__ import annotations

import re

from sqlalchemy import func, inspect, select, text

from accounts.models import AuditEvent
from community.models import Hotline
from community.reports import codes
from community.reports.models import Report, ReportIdentifier
from core.extensions import db
from notifications.models import Notification, OutboxMessage

USER_AGENT = "Mozilla/5.0 (Linux; Android 10; SENTINEL-UA-4471)"


def count_reports() -> int:
    return db.session.scalar(select(func.count(Report.id)))


def codes_from(html: str) -> tuple[str, str]:
    code = re.search(r'id="report-code">([A-Z0-9-]+)<', html).group(1)
    secret = re.search(r'id="report-secret">([A-Z0-9-]+)<', html).group(1)
    return code, secret


def test_a_visitor_reports_anonymously_and_gets_a_code_and_a_secret(client, report_form):
    response = client.post("/forum/lapor/baru", data={**report_form, "anonymous": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code, secret = codes_from(response.get_data(as_text=True))
    report = db.session.scalar(select(Report))
    assert report.code == code and report.reporter_id is None and not report.has_contact
    assert report.secret_hash != secret and codes.secret_matches(secret, report.secret_hash)
    assert report.what == report_form["what"] and report.regency == "tts"
    assert {i.kind for i in report.identifiers} == {"phone", "company", "handle"}


def test_the_report_is_encrypted_at_rest(client, report_form, make_user):
    client.post("/forum/lapor/baru", data={**report_form, "contact_name": "Agustina",
                                           "contact_phone": "0813 3880 0111"})
    raw = db.session.execute(text("SELECT what, people, place, contact_name, contact_phone FROM reports")).one()
    assert all(value and "calo" not in value and "Agustina" not in value and "0111" not in value for value in raw)
    displays = db.session.execute(text("SELECT display, digest FROM report_identifiers")).all()
    assert displays and all("7744" not in d and "7744" not in g for d, g in displays)
    assert db.session.scalar(select(Report)).contact_phone == "+6281338800111"


def test_an_anonymous_report_links_to_no_account_session_address_or_device(app, client, login_as, report_form):
    member = login_as("member")
    client.post("/forum/lapor/baru", data={**report_form, "anonymous": "y"},
                headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    report = db.session.scalar(select(Report))
    assert report is not None and report.reporter_id is None
    # Nothing anywhere in the database mentions the member's id next to the report,
    # the address or the user agent: dump every row of every table and look.
    dump = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()).mappings():
            dump.append((table.name, dict(row)))
    flat = repr(dump)
    assert "10.9.8.7" not in flat and "SENTINEL-UA" not in flat and "Android" not in flat
    assert "reports" in {name for name, _row in dump}
    report_tables = [name for name in inspect(db.engine).get_table_names() if name.startswith("report")]
    for name, row in dump:
        if name in report_tables:
            assert member.id not in {row.get(col) for col in ("reporter_id", "actor_id", "author_id")}, name
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "report")) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    # And it is not among the member's reports (on the right page, not an error page).
    mine = client.get("/forum/lapor/saya")
    assert mine.status_code == 200 and "Laporan saya" in mine.get_data(as_text=True)
    assert report.code not in mine.get_data(as_text=True)


def test_a_member_reporting_under_their_account_sees_it_in_their_reports(client, login_as, report_form):
    member = login_as("member")
    client.post("/forum/lapor/baru", data=report_form)
    report = db.session.scalar(select(Report))
    assert report.reporter_id == member.id
    html = client.get("/forum/lapor/saya").get_data(as_text=True)
    assert report.code in html
    assert client.get(f"/forum/lapor/saya/{report.id}").status_code == 200


def test_another_members_report_is_404(client, login_as, make_user, make_report):
    owner = make_user()
    report, _secret = make_report(reporter=owner)
    login_as("member")
    assert client.get(f"/forum/lapor/saya/{report.id}").status_code == 404
    mine = client.get("/forum/lapor/saya")
    assert mine.status_code == 200 and "Laporan saya" in mine.get_data(as_text=True)
    assert report.code not in mine.get_data(as_text=True)


def test_danger_now_shows_the_emergency_lines_first_and_marks_urgent(client, report_form):
    db.session.add(Hotline(name="SEJIWA", number="119 ext 8", position=0))
    db.session.add(Hotline(name="Polisi", number="110", position=5))
    db.session.commit()
    html = client.get("/forum/lapor/baru?bahaya=1").get_data(as_text=True)
    lines = html.index('id="danger-title"')
    assert lines < html.index("<h1>") and lines < html.index("<form method=\"post\" class=\"form\"")
    assert html.index("110") < html.index("0800-1000") < html.index("129") < html.index("119 ext 8")
    assert 'name="urgent" type="checkbox" value="y"' in html and "checked" in html[html.index('name="urgent"') - 80:]
    response = client.post("/forum/lapor/baru", data={**report_form, "urgent": "y", "anonymous": "y"})
    done = response.get_data(as_text=True)
    assert done.index('id="danger-title"') < done.index('id="report-code"')
    assert db.session.scalar(select(Report)).urgent is True


def test_status_lookup_needs_the_code_and_the_secret(client, make_report):
    report, secret = make_report()
    html = client.post("/forum/lapor/status", data={"code": report.code.lower().replace("-", " "),
                                                     "secret": secret.lower()}).get_data(as_text=True)
    assert 'id="report-status">diterima<' in html
    # The code alone, or with a wrong secret, shows nothing of the report.
    for data in ({"code": report.code}, {"code": report.code, "secret": "AAAA-BBBB-CCCC-DDDD"}):
        page = client.post("/forum/lapor/status", data=data).get_data(as_text=True)
        assert 'id="report-status"' not in page and "Calo" not in page
    assert "tidak cocok" in page


def test_wrong_secrets_are_rate_limited_but_the_right_one_is_not_counted(client, app, monkeypatch, make_report):
    monkeypatch.setitem(app.config, "REPORT_LOOKUP_LIMIT", "3/hour")
    monkeypatch.setitem(app.config, "REPORT_LOOKUP_CODE_LIMIT", "100/hour")
    report, secret = make_report()
    for _ in range(5):
        assert client.post("/forum/lapor/status", data={"code": report.code, "secret": secret}).status_code == 200
    statuses = [client.post("/forum/lapor/status", data={"code": report.code, "secret": "WRONG-0000"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.post("/forum/lapor/status", data={"code": report.code, "secret": secret}).status_code == 429


def test_guessing_one_code_from_many_addresses_is_limited_per_code(app, monkeypatch, make_report):
    monkeypatch.setitem(app.config, "REPORT_LOOKUP_CODE_LIMIT", "2/hour")
    report, secret = make_report()
    statuses = []
    for n in range(3):
        device = app.test_client()
        statuses.append(device.post("/forum/lapor/status", data={"code": report.code, "secret": "X"},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"}).status_code)
    assert statuses == [200, 200, 429]


def test_bad_input_gives_a_clear_message_and_saves_nothing(client, report_form):
    cases = [
        ({"kind": ""}, "Pilih yang paling sesuai"),
        ({"kind": "role=admin"}, "Pilih salah satu dari daftar."),
        ({"what": "x" * 10_001}, "10 sampai 5.000"),
        ({"what": ""}, "Tulis singkat apa yang terjadi"),
        ({"regency": ""}, "Pilih kabupaten/kota"),
        ({"phones": "bukan nomor"}, "tidak dikenali"),
        ({"phones": "\n".join(f"08123456{n:04d}" for n in range(11))}, "Paling banyak 10 baris"),
        ({"contact_phone": "12ab"}, "Nomor HP tidak dikenali"),
        ({"anonymous": "y", "contact_phone": "081338800111"}, "Anda memilih anonim"),
    ]
    for change, message in cases:
        html = client.post("/forum/lapor/baru", data={**report_form, **change}).get_data(as_text=True)
        assert message in html, change
        assert report_form["place"] in html  # what was typed is kept
    assert count_reports() == 0
    assert db.session.scalar(select(func.count(ReportIdentifier.id))) == 0
