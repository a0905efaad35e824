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
