"""Logs never contain passwords or reset codes."""
from __future__ import annotations

import logging
import re

SENTINEL = "SENTINEL-passw0rd-7731 kupang"


def test_no_password_or_code_reaches_the_logs(client, app, caplog, login_as, make_user):
    caplog.set_level(logging.DEBUG)
    client.post("/register", data={
        "name": "Yohanes Tefa", "phone": "0812 4444 5555", "password": SENTINEL,
        "regency": "belu", "locale": "id", "consent": "y"})
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
