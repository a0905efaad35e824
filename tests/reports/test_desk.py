"""The Satgas desk: permissions for every role, the status machine, audits,
notes and contact, notices to the reporter."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from accounts.models import ROLES, AuditEvent
from community.reports import desk
from community.reports._common import ChangedMeanwhile, ReportRefused
from community.reports.models import Report, ReportNote
from core.extensions import db
from notifications.models import Notification, OutboxMessage
from tests.factories import PASSWORD

OTHER_ROLES = [role for role in ROLES if role not in ("satgas", "admin")]


def desk_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if rule.endpoint.startswith("community.reports.") and "/desk" in rule.rule),
        key=lambda rule: rule.rule,
    )


def build(rule, report) -> str:
    digest = report.identifiers[0].digest if report.identifiers else "0" * 64
    attachment_id = report.attachments[0].id if report.attachments else 1
    values = {"report_id": report.id, "digest": digest, "attachment_id": attachment_id}
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture
def report(make_report, make_user):
    return make_report(reporter=make_user(), phones="0812-3801-7744", contact_name="Agustina",
                       contact_phone="+6281338800111")[0]


def audits(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_every_desk_route_is_behind_the_satgas_or_admin_role(app):
    rules = desk_rules(app)
    assert len(rules) == 11
    for rule in rules:
        roles = app.view_functions[rule.endpoint].required_roles
        assert roles in (("satgas", "admin"), ("satgas",)), rule.endpoint


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_every_desk_page(app, client, login_as, report, role):
    login_as(role)
    walked = 0
    for rule in desk_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            assert client.open(build(rule, report), method=method).status_code == 403, (role, rule.rule)
            walked += 1
    assert walked == 11
    assert db.session.get(Report, report.id).status == "received"


def test_visitors_are_sent_to_login_from_the_desk(app, client, report):
    walked = 0
    for rule in desk_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(build(rule, report), method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        walked += 1
    assert walked == 11


def test_satgas_and_admin_open_every_desk_page(app, client, login_as, report):
    opened = 0
    for role in ("satgas", "admin"):
        login_as(role)
        for rule in desk_rules(app):
            if "GET" in rule.methods and "attachment_id" not in rule.arguments:
                assert client.get(build(rule, report)).status_code == 200, (role, rule.rule)
                opened += 1
        client.post("/logout")
    assert opened >= 2 * 5  # queue, report, identifier search, dashboard and its CSV, for each role


def test_the_queue_is_urgent_first_then_newest_with_filters(client, login_as, make_report):
    old_urgent = make_report(urgent=True, kind="held", regency="malaka")[0]
    newer = make_report(kind="fees", regency="belu")[0]
    newest = make_report(kind="fees", regency="tts")[0]
    login_as("satgas")
    html = client.get("/forum/lapor/desk").get_data(as_text=True)
    assert html.index(old_urgent.code) < html.index(newest.code) < html.index(newer.code)
    html = client.get("/forum/lapor/desk?kind=fees&regency=tts").get_data(as_text=True)
    assert newest.code in html and newer.code not in html and old_urgent.code not in html
    html = client.get("/forum/lapor/desk?status=verifying").get_data(as_text=True)
    assert newest.code not in html and "Tidak ada laporan" in html
    assert client.get("/forum/lapor/desk?kind=nonsense").status_code == 200


def test_verify_refer_close_each_audited_and_told_to_the_reporter(client, login_as, report):
    officer = login_as("satgas")
    base = f"/forum/lapor/desk/{report.id}"
    assert client.post(f"{base}/verify", data={"seen_status": "received"}).status_code == 302
    client.post(f"{base}/refer", data={"seen_status": "verifying", "body": "bp3mi_ntt",
                                       "note": "Surat no. 12/SATGAS/2026"})
    client.post(f"{base}/close", data={"seen_status": "referred", "reason": "acted_on"})
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert (report.status, report.referred_to, report.close_reason) == ("closed", "bp3mi_ntt", "acted_on")
    assert report.referral_note == "Surat no. 12/SATGAS/2026" and report.first_action_at is not None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.status")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail for e in events] == ["received->verifying", "verifying->referred", "referred->closed"]
    assert all(e.actor_id == officer.id and e.object_id == report.id for e in events)
    notices = db.session.scalars(select(Notification).where(Notification.user_id == report.reporter_id)).all()
    assert len(notices) == 3 and all(n.params == {"code": report.code} for n in notices)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # inbox only, never WhatsApp/SMS


@pytest.mark.parametrize("seen, action, data", [
    ("received", "refer", {"body": "polri"}),          # must be verified first
    ("received", "verify", {}),                         # stale: it is already verifying
    ("closed", "verify", {}),
])
def test_illegal_or_stale_transitions_are_refused(client, login_as, report, seen, action, data):
    officer = login_as("satgas")
    if seen == "closed" or action == "verify":
        desk.start_verifying(officer, report, "received")
        if seen == "closed":
            desk.close(officer, report, "verifying", "duplicate")
        db.session.commit()
    before = db.session.get(Report, report.id).status
    html = client.post(f"/forum/lapor/desk/{report.id}/{action}", data={"seen_status": seen, **data},
                       follow_redirects=True).get_data(as_text=True)
    assert "tidak diizinkan" in html or "baru saja diubah" in html
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == before


def test_the_status_machine_refuses_what_it_must(make_user, make_report):
    officer = make_user(roles=("satgas",))
    report = make_report()[0]
    with pytest.raises(ReportRefused, match="tidak diizinkan"):
        desk.refer(officer, report, "received", "polri")
    with pytest.raises(ReportRefused, match="Pilih alasan"):
        desk.close(officer, report, "received", "because")
    with pytest.raises(ReportRefused, match="nama lembaga"):
        desk.start_verifying(officer, report, "received")
        desk.refer(officer, report, "verifying", "other", "")
    with pytest.raises(ChangedMeanwhile, match="baru saja diubah"):
        desk.start_verifying(officer, report, "received")


def test_admins_cannot_change_status_or_see_the_contact_and_their_views_are_audited(client, login_as, report):
    login_as("admin")
    html = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert report.what in html and "Agustina" not in html and "0813" not in html
    assert audits("report.admin_view") == 1 and audits("report.contact_view") == 0
    assert client.post(f"/forum/lapor/desk/{report.id}/verify", data={"seen_status": "received"}).status_code == 403


def test_contact_only_to_satgas_and_every_view_audited(client, login_as, report):
    login_as("satgas")
    for _ in range(2):
        html = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
        assert "Agustina" in html and "0813-3880-0111" in html
    assert audits("report.contact_view") == 2
    assert client.get(f"/forum/lapor/desk/{report.id}").headers["Cache-Control"] == "no-store"


def test_internal_notes_never_reach_the_reporter(client, login_as, auth, make_user, make_report):
    member = make_user()
    report, secret = make_report(reporter=member)
    login_as("satgas")
    client.post(f"/forum/lapor/desk/{report.id}/notes", data={"text": "NOTE-SENTINEL saksi kedua di Soe"})
    html = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert "NOTE-SENTINEL" in html
    assert db.session.scalar(select(ReportNote)).text.startswith("NOTE-SENTINEL")
    client.post("/logout")
    auth.login(member)
    assert "NOTE-SENTINEL" not in client.get(f"/forum/lapor/saya/{report.id}").get_data(as_text=True)
    visitor = client.application.test_client()
    page = visitor.post("/forum/lapor/status", data={"code": report.code, "secret": secret}).get_data(as_text=True)
    assert 'id="report-status"' in page and "NOTE-SENTINEL" not in page


def test_an_empty_note_is_refused_and_nothing_saved(client, login_as, report):
    login_as("satgas")
    html = client.post(f"/forum/lapor/desk/{report.id}/notes", data={"text": "  "},
                       follow_redirects=True).get_data(as_text=True)
    assert "Tulis catatannya" in html
    assert db.session.scalar(select(func.count(ReportNote.id))) == 0


def test_a_visitor_sees_the_new_status_with_code_and_secret(client, make_user, make_report):
    report, secret = make_report()
    officer = make_user(roles=("satgas",))
    desk.start_verifying(officer, report, "received")
    desk.refer(officer, report, "verifying", "polri", "Polda NTT, unit PPA")
    db.session.commit()
    html = client.post("/forum/lapor/status", data={"code": report.code, "secret": secret}).get_data(as_text=True)
    assert 'id="report-status">diteruskan<' in html
    assert "Polda" not in html and "PPA" not in html


def test_an_admin_grants_the_satgas_role_and_the_desk_opens(client, auth, login_as, make_user):
    officer = make_user(name="Melkianus Kana")
    login_as("admin")
    page = client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "Petugas Satgas PMI" in page
    client.post("/account/confirm", data={"current_password": PASSWORD})
    client.post(f"/admin/users/{officer.id}/roles", data={"role": "satgas"})
    client.post("/logout")
    auth.login(officer)
    assert client.get("/forum/lapor/desk").status_code == 200
    assert "Meja Satgas" in client.get("/account").get_data(as_text=True)


def test_urgent_reports_alert_every_officer_in_the_inbox_only(client, make_user, report_form):
    officers = [make_user(roles=("satgas",)) for _ in range(2)]
    make_user(roles=("moderator",))
    client.post("/forum/lapor/baru", data={**report_form, "urgent": "y", "anonymous": "y"})
    client.post("/forum/lapor/baru", data={**report_form, "anonymous": "y"})
    urgent = db.session.scalar(select(Report).where(Report.urgent.is_(True)))
    notices = db.session.scalars(select(Notification)).all()
    assert sorted(n.user_id for n in notices) == sorted(o.id for o in officers)
    assert all(n.params == {"code": urgent.code} for n in notices)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_report_page_costs_the_same_with_many_identifiers_and_notes(client, login_as, make_report,
                                                                       count_queries):
    officer = login_as("satgas")
    few = make_report(phones="0812 3801 7744")[0]
    many = make_report(phones="\n".join(f"0812 3801 {n:04d}" for n in range(10)),
                       handles="\n".join(f"@calo{n}" for n in range(10)))[0]
    for report, notes in ((few, 1), (many, 20)):
        for n in range(notes):
            desk.add_note(officer, report, f"catatan {n}")
    db.session.commit()
    counts = []
    for url in [f"/forum/lapor/desk/{report.id}" for report in (few, many)]:
        client.get(url)
        # (the URL read before: reading report.id after a request may refresh the test's object)
        with count_queries() as log:
            assert client.get(url).status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1] <= 10, counts


def test_a_visitor_with_a_phone_is_told_by_the_officer_and_it_is_recorded(client, login_as, make_report):
    report = make_report(contact_name="Agustina", contact_phone="+6281338800111")[0]
    officer = login_as("satgas")
    base = f"/forum/lapor/desk/{report.id}"
    assert "Pelapor meminta dikabari" not in client.get(base).get_data(as_text=True)
    client.post(f"{base}/verify", data={"seen_status": "received"})
    html = client.get(base).get_data(as_text=True)
    assert "Pelapor meminta dikabari" in html and "sedang diperiksa" in html
    stale = client.post(f"{base}/told", data={"seen_status": "received"}, follow_redirects=True)
    assert "baru saja diubah" in stale.get_data(as_text=True)
    client.post(f"{base}/told", data={"seen_status": "verifying"})
    assert "Pelapor meminta dikabari" not in client.get(base).get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.reporter_told"))
    assert event.actor_id == officer.id and event.detail == "verifying"


def test_bad_desk_input_changes_nothing(client, login_as, report):
    officer = login_as("satgas")
    desk.start_verifying(officer, report, "received")
    db.session.commit()
    base = f"/forum/lapor/desk/{report.id}"
    for action, data in (("refer", {"body": "role=admin"}), ("refer", {"body": "other", "note": ""}),
                         ("close", {"reason": "bosan"}), ("verify", {"seen_status": ""})):
        html = client.post(f"{base}/{action}", data={"seen_status": "verifying", **data},
                           follow_redirects=True).get_data(as_text=True)
        assert "Periksa isian" in html or "Tulis nama lembaga" in html or "tidak diizinkan" in html, (action, data)
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == "verifying"
    assert audits("report.status") == 1


def test_the_pages_speak_english_too(client, report):
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get("/forum/lapor/baru?bahaya=1").get_data(as_text=True)
    assert "Make a report" in html and "Is someone in danger right now? Call first:" in html
