"""UU PDP: a member downloads all their data and deletes their account."""
from __future__ import annotations

import json

from sqlalchemy import select

from accounts.models import Consent, User
from core.extensions import db
from core.signals import account_deleting, collect_personal_data
from tests.factories import PASSWORD


def test_export_needs_the_password(client, login_as):
    login_as("member")
    response = client.post("/account/data", data={"current_password": "salah sekali"})
    assert response.status_code == 200 and "Kata sandi tidak cocok" in response.get_data(as_text=True)


def test_export_contains_the_members_data_and_no_secrets(client, login_as):
    user = login_as("member", name="Agustina Manafe", email="agustina@example.id")
    response = client.post("/account/data", data={"current_password": PASSWORD})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["name"] == "Agustina Manafe"
    assert data["account"]["phone"] == user.phone
    assert data["account"]["email"] == "agustina@example.id"
    text = response.get_data(as_text=True)
    assert "argon2" not in text and user.session_token not in text


def test_export_includes_sections_from_other_parts(client, login_as):
    def receiver(user):
        return ("forum", {"posts": [f"post by {user.id}"]})

    collect_personal_data.connect(receiver)
    try:
        user = login_as("member")
        data = json.loads(client.post("/account/data", data={"current_password": PASSWORD}).get_data(as_text=True))
        assert data["forum"] == {"posts": [f"post by {user.id}"]}
    finally:
        collect_personal_data.disconnect(receiver)


def test_delete_account_erases_and_ends_sessions(app, client, login_as):
    calls = []

    def receiver(user):
        calls.append(user.id)

    account_deleting.connect(receiver)
    try:
        user = login_as("member", email="hapus@example.id")
        other_device = app.test_client()
        other_device.post("/login", data={"identifier": user.phone, "password": PASSWORD, "remember": "y"})
        phone = user.phone
        refused = client.post("/account/delete", data={"current_password": PASSWORD})
        assert "Centang kotak ini" in refused.get_data(as_text=True)
        response = client.post("/account/delete", data={"current_password": PASSWORD, "confirm": "y"})
        assert response.status_code == 302
    finally:
        account_deleting.disconnect(receiver)
    assert calls == [user.id]
    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert deleted.name == "" and deleted.phone is None and deleted.email is None
    assert deleted.deleted_at is not None and not deleted.roles
    assert db.session.scalar(select(Consent).where(Consent.user_id == user.id)) is None
    assert client.get("/account").status_code == 302
    assert other_device.get("/account").status_code == 302
    # The phone number is free again for a new registration.
    again = client.post("/login", data={"identifier": phone, "password": PASSWORD})
    assert "tidak cocok" in again.get_data(as_text=True)
