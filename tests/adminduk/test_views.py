"""adminduk pages: every role on every route, someone else's request, bad input,
documents behind a recent password (audited), the audit page, query budgets."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from accounts.models import AuditEvent
from community.adminduk import desk
from community.adminduk.models import HelpRequest, RequestService
from core.db import utcnow
from core.extensions import db
from tests.adminduk.conftest import NIK, photo
from tests.factories import PASSWORD

PREFIX = "/forum/adminduk"
OTHER_STAFF = ["counselor", "umkm_staff", "moderator", "satgas"]


def rules(app, part: str):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + part)]


def build(rule, help_request, attachment_id=1) -> str:
    values = {"request_id": help_request.id, "attachment_id": attachment_id, "slug": "ktp-new",
              "number": 1, "office_id": 1, "outreach_id": 1}
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def confirm_password(client):
    assert client.post("/account/confirm", data={"current_password": PASSWORD}).status_code == 302


def test_every_desk_route_requires_registrar_or_admin(app):
    walked = rules(app, "/desk") + rules(app, "/admin")
    assert len(walked) == 16
    for rule in walked:
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        expected = ("admin",) if rule.rule.startswith(PREFIX + "/admin") else ("registrar", "admin")
        assert roles == expected, rule.endpoint


@pytest.mark.parametrize("role", ["member", *OTHER_STAFF])
def test_other_roles_get_403_on_every_desk_page(app, client, login_as, open_request, role):
    help_request = open_request()
    login_as(role)
    walked = 0
    for rule in rules(app, "/desk") + rules(app, "/admin"):
        for method in sorted(rule.methods & {"GET", "POST"}):
            assert client.open(build(rule, help_request), method=method).status_code == 403, rule.rule
            walked += 1
    assert walked == 19
    assert db.session.get(HelpRequest, help_request.id).status == "submitted"


def test_registrar_sees_queue_request_dashboard(client, login_as, open_request, guides_seeded):
    help_request = open_request(nik=NIK)
    login_as("member", "registrar")
    for path in ("/desk", f"/desk/requests/{help_request.id}", "/desk/dashboard", "/desk/outreach",
                 "/desk/guides", "/desk/guides/ktp-new"):
        response = client.get(PREFIX + path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        assert NIK not in response.get_data(as_text=True)
    assert "Maria Nenobais" in client.get(PREFIX + "/desk").get_data(as_text=True)


def test_admin_works_the_desk_too(client, login_as, open_request):
    help_request = open_request()
    login_as("member", "admin")
    assert client.get(f"{PREFIX}/desk/requests/{help_request.id}").status_code == 200
    assert client.get(f"{PREFIX}/admin/document-views").status_code == 200


MEMBER_RULES = ("/requests/<int:request_id>",)


def test_another_member_gets_404_and_other_staff_403(app, client, login_as, open_request):
    help_request = open_request(files=[photo()])
    member_rules = [r for r in rules(app, "/requests/") if "request_id" in r.arguments]
    assert len(member_rules) == 3
    login_as("member")
    for rule in member_rules:
        for method in sorted(rule.methods & {"GET", "POST"}):
            assert client.open(build(rule, help_request), method=method, data={"body": "x"}).status_code == 404
    client.post("/logout")
    login_as("member", "counselor")
    for rule in member_rules:
        for method in sorted(rule.methods & {"GET", "POST"}):
            assert client.open(build(rule, help_request), method=method, data={"body": "x"}).status_code == 403
    # Whether the request exists or not: the same 403.
    assert client.get(f"{PREFIX}/requests/999").status_code == 403


def test_member_sees_her_request_and_can_download_her_document(client, auth, member, open_request):
    help_request = open_request(nik=NIK, files=[photo()])
    auth.login(member)
    page = client.get(f"{PREFIX}/requests/{help_request.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Terkirim" in body and NIK not in body and "5371" in body
    assert page.headers["Cache-Control"] == "no-store"
    (attachment_id,) = re.findall(rf"{PREFIX}/requests/{help_request.id}/files/(\d+)", body)
    response = client.get(f"{PREFIX}/requests/{help_request.id}/files/{attachment_id}")
    assert response.status_code == 200 and response.data[:3] == b"\xff\xd8\xff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0  # her own: no audit row


def test_new_request_form_bad_nik_keeps_input_and_saves_nothing(client, auth, member):
    auth.login(member)
    response = client.post(f"{PREFIX}/requests/new", data={
        "services": ["ktp-new"], "regency": "kota-kupang", "description": "Belum punya KTP",
        "nik": "5371013102900012", "consent": "y",
    }, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "bukan tanggal yang ada" in body and "Belum punya KTP" in body
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 0


def test_new_request_in_english_says_so_in_english(client, auth, member):
    member.locale = "en"
    db.session.commit()
    auth.login(member)
    client.post("/lang", data={"lang": "en"})
    response = client.post(f"{PREFIX}/requests/new", data={
        "services": ["ktp-new"], "regency": "kota-kupang", "description": "x", "nik": "5371016512900000",
    }, content_type="multipart/form-data")
    assert "The last four digits of the NIK cannot be 0000" in response.get_data(as_text=True)


def test_new_request_with_photo_and_no_nik_in_the_url(client, auth, member):
    auth.login(member)
    response = client.post(f"{PREFIX}/requests/new", data={
        "services": ["ktp-lost", "kk-update"], "regency": "tts", "description": "KTP hilang",
        "nik": NIK, "consent": "y", "files": [(io.BytesIO(photo()), "ktp maria.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert NIK not in response.headers["Location"] and "/requests/" in response.headers["Location"]
    help_request = db.session.scalar(select(HelpRequest))
    assert help_request.nik == NIK and help_request.services == ["kk-update", "ktp-lost"]


def test_upload_over_the_cap_is_413_and_saves_nothing(app, client, auth, member, monkeypatch):
    auth.login(member)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    response = client.post(f"{PREFIX}/requests/new", data={
        "services": ["ktp-lost"], "regency": "tts", "description": "x", "consent": "y",
        "files": [(io.BytesIO(b"\xff\xd8\xff" + b"0" * 60_000), "big.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 0


def test_html_renamed_jpg_is_refused_with_a_message(client, auth, member):
    auth.login(member)
    response = client.post(f"{PREFIX}/requests/new", data={
        "services": ["ktp-lost"], "regency": "tts", "description": "x", "consent": "y",
        "files": [(io.BytesIO(b"<html><script>alert(1)</script></html>"), "ktp.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 200 and "Hanya foto" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 0


def test_registrar_document_and_numbers_need_recent_password_and_are_audited(client, auth, registrar, open_request):
    help_request = open_request(nik=NIK, files=[photo()])
    attachment_id = db.session.scalar(select(func.max(RequestService.request_id)))  # any id works for 302
    auth.login(registrar)
    page = client.get(f"{PREFIX}/desk/requests/{help_request.id}").get_data(as_text=True)
    (attachment_id,) = re.findall(rf"/desk/requests/{help_request.id}/files/(\d+)", page)
    url = f"{PREFIX}/desk/requests/{help_request.id}/files/{attachment_id}"
    assert client.get(url).headers["Location"].startswith("/account/confirm")
    assert client.get(f"{PREFIX}/desk/requests/{help_request.id}/numbers").status_code == 302
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    confirm_password(client)
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    numbers = client.get(f"{PREFIX}/desk/requests/{help_request.id}/numbers")
    assert NIK in numbers.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["adminduk.document.view", "adminduk.nik.view"]
    assert all(e.actor_id == registrar.id and e.subject_user_id == help_request.member_id for e in events)
    assert all(NIK not in (e.detail or "") for e in events)


def test_whose_documents_did_registrar_x_open_is_one_query(client, auth, make_user, registrar, open_request, count_queries):
    from accounts import audit
    from community.adminduk.documents import DOCUMENT_VIEW, views_by

    other = make_user(roles=("member", "registrar"), name="Yuliana Ndun")
    help_request = open_request(files=[photo()])
    audit.record(registrar, DOCUMENT_VIEW, subject=help_request.member, object_id=1)
    audit.record(other, DOCUMENT_VIEW, subject=help_request.member, object_id=1)
    audit.record(registrar, "accounts.login", subject=registrar)
    db.session.commit()
    start, end = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    registrar_id = registrar.id
    db.session.expire_all()
    with count_queries() as log:
        events = views_by(registrar_id, start, end)
        names = [(e.actor.name, e.subject.name) for e in events]
    assert log.count == 1
    assert names == [("Fransiskus Benu", "Maria Nenobais")]
    assert views_by(registrar_id, end, end + timedelta(hours=1)) == []
    admin = make_user(roles=("member", "admin"))
    auth.login(admin)
    page = client.get(f"{PREFIX}/admin/document-views?registrar={registrar.id}").get_data(as_text=True)
    assert "<td>Fransiskus Benu</td>" in page and "<td>Maria Nenobais</td>" in page
    assert "<td>Yuliana Ndun</td>" not in page


def _bulk_requests(member, count: int) -> None:
    now = utcnow()
    statuses = ["submitted", "in_review", "needs_info", "ready", "at_dukcapil", "done", "closed"]
    rows = [{"member_id": member.id, "regency": "kota-kupang" if i % 3 else "tts", "description": "x",
             "status": statuses[i % 7], "status_changed_at": now - timedelta(hours=i),
             "created_at": now - timedelta(hours=i)} for i in range(count)]
    db.session.execute(insert(HelpRequest), rows)
    ids = db.session.scalars(select(HelpRequest.id)).all()
    db.session.execute(insert(RequestService), [{"request_id": i, "service": "ktp-new" if i % 2 else "moving"}
                                                for i in ids])
    db.session.commit()


def test_queue_query_budget_with_ten_thousand_requests(client, auth, member, registrar, count_queries):
    _bulk_requests(member, 10_000)
    auth.login(registrar)
    counts = {}
    for per_page in (1, 50):
        with count_queries() as log:
            response = client.get(f"{PREFIX}/desk?status=all&per_page={per_page}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/desk/requests/") == per_page
        counts[per_page] = log.count
    assert counts[1] == counts[50] <= 10, counts
    filtered = client.get(PREFIX + "/desk?status=in_review&service=moving&regency=tts")
    assert filtered.status_code == 200


def test_queue_puts_overdue_first(app, member, registrar, open_request):
    fresh = open_request()
    old = open_request()
    waiting_on_member = open_request()
    desk.change_status(registrar, waiting_on_member, "in_review")
    desk.change_status(registrar, waiting_on_member, "needs_info", "Kirim KK")
    long_ago = utcnow() - timedelta(days=app.config["ADMINDUK_OVERDUE_DAYS"] + 1)
    for r in (old, waiting_on_member):
        db.session.execute(HelpRequest.__table__.update().where(HelpRequest.id == r.id)
                           .values(status_changed_at=long_ago - timedelta(hours=r.id)))
    db.session.commit()
    page = desk.queue_page(desk.QueueFilters(), registrar, 1)
    assert [r.id for r in page.items][0] == old.id
    assert desk.is_overdue(db.session.get(HelpRequest, old.id))
    assert not desk.is_overdue(db.session.get(HelpRequest, waiting_on_member.id))
    assert {r.id for r in page.items} == {fresh.id, old.id, waiting_on_member.id}


def test_desk_refusals_are_flashed_and_save_nothing(client, auth, registrar, open_request):
    """A stale status change and an appointment in the past are refused with their
    own words (``refusal_to_flash``), and the request is left as it was."""
    from community.adminduk.models import Appointment, StatusChange

    help_request = open_request()
    auth.login(registrar)
    base = f"{PREFIX}/desk/requests/{help_request.id}"
    history = db.session.scalar(select(func.count(StatusChange.id)))
    stale = client.post(f"{base}/status", data={"status": "in_review", "note": "",
                                                 "expected": "done"}, follow_redirects=True)
    assert "diubah orang lain" in stale.get_data(as_text=True)
    past = client.post(f"{base}/appointment", data={"starts_at": "2020-05-04T09:30", "place": "Dukcapil"},
                       follow_redirects=True)
    assert "harus di masa depan" in past.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HelpRequest, help_request.id).status == help_request.status
    assert db.session.scalar(select(func.count(StatusChange.id))) == history
    assert db.session.scalar(select(func.count(Appointment.id))) == 0
