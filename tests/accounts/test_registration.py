"""Registration: phone normalisation, consent, validation that saves nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from accounts.models import Consent, User
from accounts.phones import normalise_phone
from core.extensions import db
from notifications.models import Notification, OutboxMessage
from tests.factories import confirm_registration

GOOD = {
    "name": "Maria Nenobais",
    "phone": "0812-3456-7890",
    "email": "",
    "password": "tenun ikat dari timor",
    "regency": "kota-kupang",
    "country_returned": "MY",
    "return_year": "2023",
    "locale": "id",
    "consent": "y",
}


def users_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "081234567890", "(0812) 3456-7890"],
)
def test_indonesian_phone_formats_normalise_to_e164(typed):
    assert normalise_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["12345", "0812", "hello", "+1 202 555 01", "0" * 50])
def test_invalid_phones_refused(typed):
    assert normalise_phone(typed) is None


def test_register_creates_member_with_consent_and_logs_in(client):
    """A new number: an account waiting for the phone's confirmation, a link to the
    phone, and the member is in once they open it."""
    response = client.post("/register", data=GOOD)
    assert response.status_code == 200
    assert "Periksa pesan di HP Anda" in response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.phone == "+6281234567890"
    assert user.roles == {"member"}
    assert user.password_hash.startswith("$argon2id$")
    assert user.confirmed_at is None
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.purpose == "privacy_notice" and consent.version and consent.granted_at
    # Not usable before the phone's holder confirms.
    login = client.post("/login", data={"identifier": GOOD["phone"], "password": GOOD["password"]})
    assert "tidak cocok" in login.get_data(as_text=True)
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).all()
    assert message.channel == "whatsapp" and message.requested
    assert client.get(message.url).status_code == 200  # a GET only shows the button
    db.session.expire_all()
    assert db.session.get(User, user.id).confirmed_at is None
    assert confirm_registration(client, "+6281234567890").status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Halo, Maria" in home
    # The link works once.
    again = client.post(message.url)
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_confirmation_link_goes_to_the_phone_from_site_url(client, app, monkeypatch):
    from notifications.channels import OVERRIDE_KEY
    from notifications.jobs import dispatch_due
    from tests.notifications.doubles import RecordingChannel

    whatsapp = RecordingChannel("whatsapp")
    monkeypatch.setitem(app.extensions, OVERRIDE_KEY, {"whatsapp": whatsapp})
    client.post("/register", data=GOOD, headers={"Host": "evil.example"})
    dispatch_due()
    (message,) = whatsapp.sent
    assert message.to == "+6281234567890"
    assert "https://rumahpurna.test/register/confirm/" in message.text
    assert "evil" not in message.text


def test_register_without_consent_saves_nothing(client):
    response = client.post("/register", data={**GOOD, "consent": ""})
    assert response.status_code == 200
    assert "perlu menyetujui pemberitahuan privasi" in response.get_data(as_text=True)
    assert users_count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 10_000, "Nama paling panjang 120 karakter"),
        ("name", "   ", "Tulis nama Anda"),
        ("phone", "12345", "Nomor HP tidak dikenali"),
        ("password", "pendek", "minimal 8 karakter"),
        ("password", "password123", "terlalu umum"),
        ("email", "bukan-email", "Alamat email tidak valid"),
        ("return_year", "2999", "tidak boleh di masa depan"),
        ("return_year", "-5", "Tulis tahun seperti 2023"),
        ("regency", "atlantis", "Pilih salah satu dari daftar."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, field, value, message):
    response = client.post("/register", data={**GOOD, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if message != "Pilih salah satu dari daftar.":
        assert message in html
    assert 'aria-invalid="true"' in html
    assert users_count() == 0
    # What was typed is kept (except the password).
    if field != "password" and field != "name":
        assert "Maria Nenobais" in html


def test_long_passphrase_with_any_characters_accepted(client):
    response = client.post(
        "/register", data={**GOOD, "password": "Sayang ☀ anak-anakku di Kupang — " * 4}
    )
    assert response.status_code == 200 and "Periksa pesan di HP Anda" in response.get_data(as_text=True)
    assert users_count() == 1


def _page(response) -> str:
    """The page without its CSRF token (random per session)."""
    return re.sub(r'value="[A-Za-z0-9_.-]{40,}"', "", response.get_data(as_text=True))


def test_existing_number_gets_the_same_answer_and_its_owner_is_told(app, make_user):
    """Registration never confirms that a number is on the platform: the same page
    and status as for a new number; the owner hears about it by message."""
    owner = make_user(phone="+6281234567890", name="Yuliana Lay")
    taken = app.test_client().post("/register", data={**GOOD, "phone": "+62 812-3456-7890"})
    fresh = app.test_client().post("/register", data={**GOOD, "phone": "0812-3456-7891"})
    assert taken.status_code == fresh.status_code == 200
    assert _page(taken).replace("7890", "XXXX") == _page(fresh).replace("7891", "XXXX")
    assert "sudah terdaftar" not in _page(taken)
    db.session.expire_all()
    assert users_count() == 2  # the owner and the new (waiting) account
    assert db.session.get(User, owner.id).name == "Yuliana Lay"  # nothing changed
    notice = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert notice.title == "Ada yang mencoba mendaftar dengan nomor HP Anda"
    phone_message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.user_id == owner.id, OutboxMessage.channel == "whatsapp"))
    assert phone_message is not None and "confirm" not in (phone_message.url or "")
    # The password typed by whoever tried does not open the owner's account.
    login = app.test_client().post("/login", data={"identifier": owner.phone, "password": GOOD["password"]})
    assert "tidak cocok" in _page(login)


def test_duplicate_phone_refused_in_any_format(client, make_user):
    make_user(phone="+6281234567890")
    response = client.post("/register", data={**GOOD, "phone": "+62 812-3456-7890"})
    assert "Periksa pesan di HP Anda" in response.get_data(as_text=True)
    assert users_count() == 1


def test_registering_again_before_confirming_replaces_the_waiting_account(client):
    client.post("/register", data=GOOD)
    client.post("/register", data={**GOOD, "name": "Maria Nenobais Lay", "password": "jagung bose pagi"})
    assert users_count() == 1
    db.session.expire_all()
    user = db.session.scalar(select(User))
    assert user.name == "Maria Nenobais Lay"
    links = db.session.scalars(select(OutboxMessage.url).where(OutboxMessage.key.like("%:confirm:%"))).all()
    assert len(links) == 2
    # Only the newest link works (the password changed with the second registration).
    stale = client.post(links[0]) if links[0] != links[1] else None
    assert stale is None or "/login" in stale.headers["Location"]
    assert confirm_registration(client, "+6281234567890").status_code == 302
    assert "Halo, Maria" in client.get("/").get_data(as_text=True)


def test_duplicate_email_refused(client, make_user):
    make_user(email="maria@example.id")
    response = client.post("/register", data={**GOOD, "email": "Maria@Example.id"})
    assert "Periksa pesan di HP Anda" in response.get_data(as_text=True)
    assert "sudah dipakai" not in response.get_data(as_text=True)
    assert users_count() == 2
    waiting = db.session.scalar(select(User).where(User.phone == "+6281234567890"))
    assert waiting.email is None  # another account's email is not taken over


def test_extra_fields_cannot_grant_roles(client):
    client.post("/register", data={**GOOD, "role": "admin", "roles": "admin", "active": "0"})
    user = db.session.scalar(select(User))
    assert user.roles == {"member"} and user.active


def test_register_page_has_accessible_fields(client):
    html = client.get("/register").get_data(as_text=True)
    assert 'autocomplete="tel"' in html and 'autocomplete="new-password"' in html
    assert 'for="phone"' in html
    assert "Kota Kupang" in html and "Sumba Barat Daya" in html


def test_unconfirmed_registrations_are_forgotten_after_a_week(client, make_user):
    from datetime import timedelta

    from accounts.registration import purge_unconfirmed_registrations
    from core.db import utcnow

    confirmed = make_user()
    client.post("/register", data=GOOD)
    assert purge_unconfirmed_registrations(now=utcnow()) == 0
    assert purge_unconfirmed_registrations(now=utcnow() + timedelta(days=8)) == 1
    db.session.commit()
    assert db.session.scalars(select(User.id)).all() == [confirmed.id]  # the confirmed one stays
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(Consent.id))) == 0
