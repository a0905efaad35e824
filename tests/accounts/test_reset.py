"""Password reset: by email when SMTP is configured, otherwise by an office code."""
from __future__ import annotations

import re
from datetime import time, timedelta

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


class _FakeSMTP:
    """Stands in for ``smtplib.SMTP``: records messages, or refuses to connect."""

    sent: list = []
    down = False

    def __init__(self, host, port, timeout=None):
        if _FakeSMTP.down:
            raise OSError("connection refused")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        _FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    """Email configured, SMTP replaced by ``_FakeSMTP`` (the real email channel runs)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.invalid")
    monkeypatch.setattr("notifications.email.smtplib.SMTP", _FakeSMTP)
    monkeypatch.setattr(_FakeSMTP, "sent", [])
    monkeypatch.setattr(_FakeSMTP, "down", False)
    return _FakeSMTP


def _send_due(minutes: int = 0):
    from notifications.jobs import dispatch_due

    return dispatch_due(now=utcnow() + timedelta(minutes=minutes))


def _link(message) -> str:
    return re.search(r"https?://\S+/reset/\S+", message.get_content()).group(0)


def test_reset_link_by_email(client, make_user, smtp, app):
    member = make_user(email="martha@example.id")
    response = client.post("/forgot", data={"email": "martha@example.id"})
    unknown = client.post("/forgot", data={"email": "nobody@example.id"})
    assert response.status_code == unknown.status_code == 200
    assert "Jika email itu terdaftar" in response.get_data(as_text=True)
    assert "Jika email itu terdaftar" in unknown.get_data(as_text=True)
    def same(r):
        # The typed address, and the CSRF token (signed with a timestamp in seconds, so
        # two requests a second apart differ there and nowhere else).
        html = r.get_data(as_text=True).replace("nobody@example.id", "martha@example.id")
        return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)  # every token

    assert 'name="csrf_token" value=""' in same(unknown)  # the language switch's token, blanked
    assert same(response) == same(unknown)
    assert smtp.sent == []  # nothing leaves inside the request: the outbox sends it
    assert _send_due()["sent"] == 1
    (message,) = smtp.sent
    assert message["To"] == "martha@example.id"
    link = _link(message)
    assert link.startswith("https://rumahpurna.test/reset/")
    path = link.removeprefix("https://rumahpurna.test")
    assert client.post(path, data={"new_password": NEW}).status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, member.id).password_hash, NEW)
    # The link works once: the password changed, so the link no longer matches.
    reused = client.post(path, data={"new_password": "lain kali saja ya"})
    assert reused.status_code == 302 and "/forgot" in reused.headers["Location"]


def test_reset_link_comes_from_site_url_not_from_forged_host_headers(client, make_user, smtp, app, monkeypatch):
    """Behind one proxy (PROXY_COUNT=1) an attacker's Host and X-Forwarded-Host do
    not reach the link in the victim's mailbox."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    make_user(email="yuliana@example.id")
    response = client.post(
        "/forgot", data={"email": "yuliana@example.id"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example",
                 "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    _send_due()
    (message,) = smtp.sent
    assert _link(message).startswith("https://rumahpurna.test/reset/")
    assert "evil.example" not in message.get_content()


def test_forgot_answers_200_when_smtp_is_down_and_the_link_goes_later(client, make_user, smtp):
    make_user(email="agustina@example.id")
    smtp.down = True
    known = client.post("/forgot", data={"email": "agustina@example.id"})
    unknown = client.post("/forgot", data={"email": "nobody@example.id"})
    assert known.status_code == unknown.status_code == 200
    assert "Jika email itu terdaftar" in known.get_data(as_text=True)
    assert _send_due()["retry"] == 1 and smtp.sent == []
    smtp.down = False
    assert _send_due(minutes=2)["sent"] == 1
    assert smtp.sent[0]["To"] == "agustina@example.id"


def test_reset_link_goes_whatever_the_email_preference_and_quiet_hours(client, make_user, smtp):
    from notifications.models import NotificationPreference

    member = make_user(email="ester@example.id")
    db.session.add(NotificationPreference(user_id=member.id, email=False, quiet_from=time(0),
                                          quiet_until=time(14)))
    db.session.commit()
    client.post("/forgot", data={"email": "ester@example.id"})
    assert _send_due()["sent"] == 1 and len(smtp.sent) == 1


def test_reset_link_message_expires_with_the_link(client, make_user, smtp, app):
    make_user(email="ester@example.id")
    smtp.down = True
    client.post("/forgot", data={"email": "ester@example.id"})
    smtp.down = False
    minutes = app.config["PASSWORD_RESET_LINK_MINUTES"]
    assert _send_due(minutes=minutes + 1)["expired"] == 1 and smtp.sent == []


def test_tampered_link_refused(client):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 302 and "/forgot" in response.headers["Location"]


def test_purge_job_removes_old_codes(client, login_as, make_user):
    from accounts.resets import purge_expired_reset_codes

    member = make_user()
    login_as("admin")
    client.post(f"/admin/users/{member.id}/reset-code")
    assert purge_expired_reset_codes(now=utcnow()) == 0
    assert purge_expired_reset_codes(now=utcnow() + timedelta(days=2)) == 1
