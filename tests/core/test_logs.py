"""Logs never contain passwords or reset codes."""
from __future__ import annotations

import logging
import re

from tests.factories import confirm_registration

SENTINEL = "SENTINEL-passw0rd-7731 kupang"


def test_no_password_or_code_reaches_the_logs(client, app, caplog, login_as, make_user):
    caplog.set_level(logging.DEBUG)
    client.post("/register", data={
        "name": "Yohanes Tefa", "phone": "0812 4444 5555", "password": SENTINEL,
        "regency": "belu", "locale": "id", "consent": "y"})
    assert confirm_registration(client, "+6281244445555").status_code == 302
    client.post("/logout")
    client.post("/login", data={"identifier": "081244445555", "password": SENTINEL + "x"})
    client.post("/login", data={"identifier": "081244445555", "password": SENTINEL})
    client.post("/account/password", data={"current_password": SENTINEL, "new_password": SENTINEL + " baru"})
    client.post("/logout")
    member = make_user()
    login_as("admin")
    html = client.post(f"/admin/users/{member.id}/reset-code").get_data(as_text=True)
    code = re.search(r'<p class="code">([A-Z0-9-]+)</p>', html).group(1)
    app.test_client().post("/reset-code", data={"identifier": member.phone, "code": code, "new_password": SENTINEL})
    assert "SENTINEL" not in caplog.text
    assert code not in caplog.text and code.replace("-", "") not in caplog.text


def test_no_report_text_or_contact_reaches_logs_outbox_or_notifications(client, app, caplog, login_as, auth,
                                                                        make_user):
    """Reports to the Satgas (issue 13): text, contacts, identifiers and notes stay
    out of the logs, the outbox and the inbox; only the code and status travel."""
    from sqlalchemy import select

    from community.reports.models import Report
    from core.extensions import db
    from notifications.models import Notification, OutboxMessage

    caplog.set_level(logging.DEBUG)
    member = make_user()
    auth.login(member)
    client.post("/forum/lapor/baru", data={
        "kind": "held", "what": f"Adik saya ditahan agen {SENTINEL}", "regency": "malaka",
        "place": f"Johor {SENTINEL}", "people": f"Ibu Lina {SENTINEL}", "phones": "+60 12-345 6789",
        "companies": f"PT {SENTINEL}", "contact_name": f"Kakak {SENTINEL}", "contact_phone": "081338800999"})
    report = db.session.scalar(select(Report))
    assert report is not None and SENTINEL in report.what  # the report IS stored
    client.post("/logout")
    login_as("satgas")
    base = f"/forum/lapor/desk/{report.id}"
    client.post(f"{base}/notes", data={"text": f"catatan {SENTINEL}"})
    client.post(f"{base}/verify", data={"seen_status": "received"})
    client.post(f"{base}/refer", data={"seen_status": "verifying", "body": "other", "note": f"Ke {SENTINEL}"})
    assert SENTINEL in client.get(base).get_data(as_text=True)
    messages = [repr((n.title, n.body, n.params, n.url)) for n in db.session.scalars(select(Notification))]
    messages += [repr((m.title, m.body, m.params, m.url)) for m in db.session.scalars(select(OutboxMessage))]
    assert len(messages) == 2 and all(report.code in text for text in messages)
    assert not any("SENTINEL" in text or "6789" in text or "0999" in text for text in messages)
    assert "SENTINEL" not in caplog.text and "6789" not in caplog.text and "0999" not in caplog.text


def test_a_visitors_contact_message_carries_no_report_text_or_contact(client, app, caplog, login_as, make_user):
    """A visitor who asked to be messaged at each new status: the phone number and
    the report's text are in no log line, no outbox text, nobody's inbox and no
    call task; the address is encrypted in the outbox and gone once delivered."""
    from datetime import timedelta

    from sqlalchemy import select, text

    from community.reports.models import Report
    from core.extensions import db
    from notifications.jobs import dispatch_due
    from notifications.models import CallTask, Notification, OutboxMessage
    from tests.notifications.conftest import NOON

    caplog.set_level(logging.DEBUG)
    colleague = make_user(roles=("member", "moderator"))
    client.post("/forum/lapor/baru", data={
        "kind": "held", "what": f"Adik saya ditahan agen {SENTINEL}", "regency": "malaka",
        "place": f"Johor {SENTINEL}", "people": f"Ibu Lina {SENTINEL}", "phones": "+60 12-345 6789",
        "contact_name": f"Kakak {SENTINEL}", "contact_phone": "081338800999", "contact_notify": "y"})
    report = db.session.scalar(select(Report))
    assert report is not None and report.contact_notify
    login_as("satgas")
    base = f"/forum/lapor/desk/{report.id}"
    client.post(f"{base}/verify", data={"seen_status": "received"})
    client.post(f"{base}/refer", data={"seen_status": "verifying", "body": "other", "note": f"Ke {SENTINEL}"})
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 2 and all(row.user_id is None for row in rows)
    assert all(row.contact == "+6281338800999" for row in rows)  # the positive: it is there, encrypted
    raw = repr(db.session.execute(text("SELECT contact, title, body, params, url, outside_text FROM outbox_messages")).all())
    assert "0999" not in raw and "SENTINEL" not in raw and report.code not in raw and "6789" not in raw
    dispatch_due(now=NOON)
    dispatch_due(now=NOON + timedelta(minutes=5))
    db.session.expire_all()
    assert [row.status for row in db.session.scalars(select(OutboxMessage))] == ["sent", "sent"]
    assert [row[0] for row in db.session.execute(text("SELECT contact FROM outbox_messages"))] == [None, None]
    assert db.session.scalar(select(Notification.id)) is None and db.session.scalar(select(CallTask.id)) is None
    assert colleague.id
    assert "SENTINEL" not in caplog.text and "0999" not in caplog.text and "6789" not in caplog.text
    assert report.code not in caplog.text and "ref=" in caplog.text


def test_no_nik_reaches_logs_urls_outbox_or_notifications(client, app, caplog, auth, make_user):
    """Civil-registration help (issue 10): a NIK and KK number given by a member stay
    out of the logs, every URL, the outbox and the inbox; the registrar sees them."""
    import io

    from PIL import Image
    from sqlalchemy import select

    from community.adminduk.models import HelpRequest
    from core.extensions import db
    from notifications.models import Notification, OutboxMessage

    nik, kk = "5371016512900012", "5371010101150003"
    caplog.set_level(logging.DEBUG)
    member = make_user()
    registrar = make_user(roles=("member", "registrar"))
    auth.login(member)
    photo = io.BytesIO()
    Image.new("RGB", (20, 20)).save(photo, "JPEG")
    photo.seek(0)
    response = client.post("/forum/adminduk/requests/new", data={
        "services": ["ktp-lost"], "regency": "kota-kupang", "description": "KTP hilang",
        "nik": nik, "kk_number": kk, "consent": "y", "files": [(photo, "ktp.jpg")]},
        content_type="multipart/form-data")
    urls = [response.headers["Location"]]
    help_request = db.session.scalar(select(HelpRequest))
    assert help_request.nik == nik  # the NIK IS stored
    urls.append(client.get(urls[0]).request.url)
    client.post("/logout")
    auth.login(registrar)
    client.post("/account/confirm", data={"current_password": "kopi bajawa pagi hari"})
    base = f"/forum/adminduk/desk/requests/{help_request.id}"
    client.post(f"{base}/status", data={"status": "in_review", "expected": "submitted"})
    client.post(f"{base}/status", data={"status": "needs_info", "note": "Kirim KK", "expected": "in_review"})
    numbers = client.get(f"{base}/numbers")
    assert nik in numbers.get_data(as_text=True)
    urls.append(numbers.request.url)
    messages = [repr((n.title, n.body, n.params, n.url)) for n in db.session.scalars(select(Notification))]
    messages += [repr((m.key, m.title, m.body, m.params, m.url)) for m in db.session.scalars(select(OutboxMessage))]
    assert len(messages) >= 3
    for text in [*messages, *urls, caplog.text]:
        assert nik not in text and kk not in text
        assert "5371016512" not in text
