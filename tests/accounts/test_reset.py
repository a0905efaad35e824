"""Password reset: by email when SMTP is configured, otherwise by an office code."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent, ResetCode, User
from accounts.passwords import verify_password
from core.db import utcnow
from core.extensions import db

NEW = "kain tenun dari ibu"


def _code_from(html: str) -> str:
    return re.search(r'<p class="code">([A-Z0-9-]+)</p>', html).group(1)


def test_admin_generates_a_code_shown_once_that_works_once(client, app, login_as, make_user):
    member = make_user()
    admin = login_as("admin", "member")
    response = client.post(f"/admin/users/{member.id}/reset-code")
    assert response.headers["Cache-Control"] == "no-store"
    code = _code_from(response.get_data(as_text=True))
    stored = db.session.scalar(select(ResetCode).where(ResetCode.user_id == member.id))
    assert code.replace("-", "") not in stored.code_hash  # only a hash is kept
    assert code not in client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.reset_code")).actor_id == admin.id

    visitor = app.test_client()
    response = visitor.post("/reset-code", data={"identifier": member.phone, "code": code.lower(), "new_password": NEW})
    assert response.status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, member.id).password_hash, NEW)
    again = visitor.post("/reset-code", data={"identifier": member.phone, "code": code, "new_password": "lagi dan lagi sekali"})
    assert "tidak cocok atau sudah kedaluwarsa" in again.get_data(as_text=True)


def test_expired_or_wrong_code_refused(client, login_as, make_user, app):
    member = make_user()
    login_as("admin")
    code = _code_from(client.post(f"/admin/users/{member.id}/reset-code").get_data(as_text=True))
    visitor = app.test_client()
    wrong = visitor.post("/reset-code", data={"identifier": member.phone, "code": "AAAA-BBBB", "new_password": NEW})
    assert "tidak cocok" in wrong.get_data(as_text=True)
    row = db.session.scalar(select(ResetCode))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = visitor.post("/reset-code", data={"identifier": member.phone, "code": code, "new_password": NEW})
    assert "kedaluwarsa" in expired.get_data(as_text=True)
    db.session.expire_all()
    assert not verify_password(db.session.get(User, member.id).password_hash, NEW)


def test_code_expires_in_24_hours(client, login_as, make_user):
    member = make_user()
    login_as("admin")
    client.post(f"/admin/users/{member.id}/reset-code")
    row = db.session.scalar(select(ResetCode))
    assert timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=24)


def test_only_admins_make_codes(client, login_as, make_user):
    member = make_user()
    login_as("counselor", "registrar", "umkm_staff", "moderator", "member")
    assert client.post(f"/admin/users/{member.id}/reset-code").status_code == 403


def test_forgot_page_without_email_explains_the_office_code(client):
    html = client.get("/forgot").get_data(as_text=True)
    assert "Saya punya kode dari petugas" in html
    assert 'type="email"' not in html


@pytest.fixture
def outbox(app, monkeypatch):
    sent = []
    app.config["MAIL_SERVER"] = "smtp.example.invalid"
    monkeypatch.setattr("accounts.views.send_email", lambda to, subject, body: sent.append((to, subject, body)))
    yield sent
    app.config["MAIL_SERVER"] = ""


def test_reset_link_by_email(client, make_user, outbox, app):
    member = make_user(email="martha@example.id")
    response = client.post("/forgot", data={"email": "martha@example.id"})
    unknown = client.post("/forgot", data={"email": "nobody@example.id"})
    assert "Jika email itu terdaftar" in response.get_data(as_text=True)
    assert "Jika email itu terdaftar" in unknown.get_data(as_text=True)
    assert len(outbox) == 1 and outbox[0][0] == "martha@example.id"
    link = re.search(r"https?://\S+/reset/\S+", outbox[0][2]).group(0)
    path = link.split("localhost", 1)[1]
    assert client.post(path, data={"new_password": NEW}).status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, member.id).password_hash, NEW)
    # The link works once: the password changed, so the link no longer matches.
    reused = client.post(path, data={"new_password": "lain kali saja ya"})
    assert reused.status_code == 302 and "/forgot" in reused.headers["Location"]


def test_tampered_link_refused(client):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 302 and "/forgot" in response.headers["Location"]


def test_purge_job_removes_old_codes(client, login_as, make_user):
    from accounts.services import purge_expired_reset_codes

    member = make_user()
    login_as("admin")
    client.post(f"/admin/users/{member.id}/reset-code")
    assert purge_expired_reset_codes(now=utcnow()) == 0
    assert purge_expired_reset_codes(now=utcnow() + timedelta(days=2)) == 1
