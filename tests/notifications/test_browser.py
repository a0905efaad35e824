"""A member on a 360 px phone without JavaScript: the bell, the inbox, and the
notification settings, in Bahasa Indonesia and in English."""
from __future__ import annotations

from datetime import time

import pytest

from core.extensions import db
from notifications.models import NotificationPreference
from notifications.services import N_, notify
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_member_reads_a_notice_and_sets_quiet_hours(live_server, phone_page_nojs, make_user,
                                                     screenshot):
    page = phone_page_nojs
    member = make_user(name="Martha Pello")
    notify(member, key="demo:welcome", title=N_("Selamat datang di Rumah Purna"),
           body=N_("Atur cara kami menghubungi Anda di Akun, Pengaturan notifikasi."),
           url="/account/notifications")
    db.session.commit()

    page.goto(live_server + "/login")
    page.get_by_label("Nomor HP atau email").fill(member.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    assert page.locator(".bell__count").inner_text() == "1"

    page.locator("a.bell").click()
    assert page.get_by_role("heading", name="Kotak masuk").is_visible()
    screenshot(page, "notifications-1-inbox")
    page.get_by_role("link", name="Selamat datang di Rumah Purna").click()
    assert page.get_by_role("heading", name="Pengaturan notifikasi").is_visible()
    assert page.locator(".bell__count").count() == 0  # read now

    page.get_by_label("Waktu tenang selesai pukul").select_option("21:00")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Jam mulai dan jam selesai tidak boleh sama.").wait_for()  # the form posts and the page comes back
    assert page.get_by_text("Jam mulai dan jam selesai tidak boleh sama.").is_visible()
    screenshot(page, "notifications-2-preferences-error")
    db.session.expire_all()
    assert db.session.get(NotificationPreference, member.id) is None

    page.get_by_label("WhatsApp").uncheck()
    page.get_by_label("Waktu tenang mulai pukul").select_option("22:00")
    page.get_by_label("Waktu tenang selesai pukul").select_option("06:00")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Pengaturan notifikasi Anda sudah disimpan.").wait_for()  # the form posts and the page comes back
    assert page.get_by_text("Pengaturan notifikasi Anda sudah disimpan.").is_visible()
    db.session.expire_all()
    prefs = db.session.get(NotificationPreference, member.id)
    assert (prefs.whatsapp, prefs.quiet_from, prefs.quiet_until) == (False, time(22), time(6))

    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Notification settings").is_visible()
    assert page.get_by_text("Quiet hours (WITA)").is_visible()
    assert page.get_by_label("WhatsApp").is_checked() is False
    screenshot(page, "notifications-3-preferences-en")
