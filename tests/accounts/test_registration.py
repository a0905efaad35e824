"""Registration: phone normalisation, consent, validation that saves nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import Consent, User
from accounts.phones import normalise_phone
from core.extensions import db

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
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.phone == "+6281234567890"
    assert user.roles == {"member"}
    assert user.password_hash.startswith("$argon2id$")
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.purpose == "privacy_notice" and consent.version and consent.granted_at
    home = client.get("/").get_data(as_text=True)
    assert "Halo, Maria" in home


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
        ("regency", "atlantis", "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, field, value, message):
    response = client.post("/register", data={**GOOD, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if message != "Not a valid choice":
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
    assert response.status_code == 302


def test_duplicate_phone_refused_in_any_format(client, make_user):
    make_user(phone="+6281234567890")
    response = client.post("/register", data={**GOOD, "phone": "+62 812-3456-7890"})
    assert "sudah terdaftar" in response.get_data(as_text=True)
    assert users_count() == 1


def test_duplicate_email_refused(client, make_user):
    make_user(email="maria@example.id")
    response = client.post("/register", data={**GOOD, "email": "Maria@Example.id"})
    assert "sudah dipakai" in response.get_data(as_text=True)
    assert users_count() == 1


def test_extra_fields_cannot_grant_roles(client):
    client.post("/register", data={**GOOD, "role": "admin", "roles": "admin", "active": "0"})
    user = db.session.scalar(select(User))
    assert user.roles == {"member"} and user.active


def test_register_page_has_accessible_fields(client):
    html = client.get("/register").get_data(as_text=True)
    assert 'autocomplete="tel"' in html and 'autocomplete="new-password"' in html
    assert 'for="phone"' in html
    assert "Kota Kupang" in html and "Sumba Barat Daya" in html
