"""A newcomer on a 360 px phone: registers in Bahasa Indonesia, logs out, logs in
with the phone number typed as 0812-…, switches to English and sees the profile."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _confirmation_path(phone: str) -> str:
    from sqlalchemy import select

    from accounts.models import User
    from accounts.phones import normalise_phone
    from core.extensions import db
    from notifications.models import OutboxMessage

    db.session.expire_all()
    return db.session.scalar(
        select(OutboxMessage.url).join(User, User.id == OutboxMessage.user_id)
        .where(User.phone == normalise_phone(phone), OutboxMessage.key.like("account:%:confirm:%"))
    )


def _journey(page, base: str, phone: str, shot, prefix: str) -> None:
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_role("link", name="Daftar gratis").click()
    page.get_by_label("Nama lengkap").fill("Maria Nenobais")
    page.get_by_label("Nomor HP (WhatsApp)").fill(phone)
    page.get_by_label("Kata sandi").fill("pagi di pantai lasiana")
    page.get_by_label("Kabupaten/kota tempat tinggal").select_option("kota-kupang")
    page.get_by_label("Pulang dari negara (boleh dikosongkan)").select_option("MY")
    page.get_by_label("Saya sudah membaca").check()
    shot(page, f"{prefix}-1-register")
    page.get_by_role("button", name="Daftar", exact=True).click()
    assert "Periksa pesan di HP Anda" in page.content()
    page.goto(base + _confirmation_path(phone))  # the link the WhatsApp message carries
    page.get_by_role("button", name="Aktifkan akun saya").click()
    assert "Halo, Maria" in page.content()
    shot(page, f"{prefix}-2-beranda")

    page.locator(".bottomnav").get_by_role("link", name="Akun").click()
    page.get_by_role("button", name="Keluar").click()
    assert "Anda sudah keluar" in page.content()

    page.get_by_role("link", name="Masuk", exact=True).first.click()
    page.get_by_label("Nomor HP atau email").fill(phone)
    page.get_by_label("Kata sandi").fill("pagi di pantai lasiana")
    page.get_by_role("button", name="Masuk").click()
    assert "Halo, Maria" in page.content()

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".bottomnav").get_by_role("link", name="Account").click()
    content = page.content()
    assert "My account" in content and "Maria Nenobais" in content and "Kota Kupang" in content
    shot(page, f"{prefix}-3-account-en")


def test_newcomer_journey_on_a_phone(live_server, phone_page, screenshot):
    _journey(phone_page, live_server, "0812-3456-7001", screenshot, "journey")


@pytest.mark.parametrize("path", ["/", "/register", "/login", "/privacy"])
def test_no_horizontal_scroll_at_360px(live_server, phone_page, path):
    phone_page.goto(live_server + path)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_newcomer_journey_without_javascript(live_server, phone_page_nojs, screenshot):
    _journey(phone_page_nojs, live_server, "0812-3456-7002", screenshot, "journey-nojs")


def test_wrong_password_message_on_a_phone(live_server, phone_page, make_user):
    user = make_user()
    phone_page.goto(live_server + "/login")
    phone_page.get_by_label("Nomor HP atau email").fill(user.phone)
    phone_page.get_by_label("Kata sandi").fill("salah sekali")
    phone_page.get_by_role("button", name="Masuk").click()
    assert "tidak cocok" in phone_page.locator(".field__error").inner_text()
    # The typed identifier is kept.
    assert phone_page.get_by_label("Nomor HP atau email").input_value() == user.phone
