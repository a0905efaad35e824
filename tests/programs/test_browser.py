"""On 360 px phones without JavaScript: a member registers for a training and sees
the confirmation in the inbox; staff move her KUR application and she sees that too."""
from __future__ import annotations

import pytest

from core.extensions import db
from mentoring.programs import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_training_and_kur_journey(live_server, phone_page_nojs, phone_page, make_user,
                                  make_training, kur_start, screenshot):
    member = make_user(name="Maria Nenobais")
    staff = make_user(name="Yuliana Ndun", roles=["member", "umkm_staff"])
    training = make_training(title="Barista dengan kopi Bajawa", tags=",barista,")
    application = services.start_kur_application(member, kur_start(business_name="Kopi Mama Maria"))
    db.session.commit()
    training_id, application_id = training.id, application.id

    page = phone_page_nojs
    _login(page, live_server, member)
    page.goto(f"{live_server}/trainings?tag=barista")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Barista dengan kopi Bajawa").click()
    page.get_by_role("button", name="Daftar pelatihan ini").click()
    assert "Anda terdaftar" in page.content()
    _no_sideways_scroll(page)
    screenshot(page, "programs-1-registered")

    page.goto(f"{live_server}/inbox")
    assert "Pendaftaran pelatihan diterima" in page.content()
    assert "Barista dengan kopi Bajawa" in page.content()
    screenshot(page, "programs-2-inbox")

    _login(phone_page, live_server, staff)
    phone_page.goto(f"{live_server}/staff/kur")
    phone_page.get_by_role("link", name="Kopi Mama Maria").click()
    phone_page.get_by_label("Pindah ke tahap").select_option("submitted")
    phone_page.get_by_label("Catatan untuk anggota").fill("Berkas diterima Bank NTT Cabang Kupang.")
    phone_page.get_by_role("button", name="Simpan dan beri tahu anggota").click()
    assert "Anggota sudah diberi tahu" in phone_page.content()
    _no_sideways_scroll(phone_page)
    screenshot(phone_page, "programs-3-staff-moved")

    page.goto(f"{live_server}/inbox")
    assert "Kabar pengajuan KUR Anda" in page.content()
    page.get_by_role("link", name="Kabar pengajuan KUR Anda").first.click()
    assert page.url.endswith(f"/kur/{application_id}")
    content = page.content()
    assert "Berkas diserahkan ke bank" in content
    assert "Berkas diterima Bank NTT Cabang Kupang." in content
    _no_sideways_scroll(page)
    screenshot(page, "programs-4-kur")
    assert training_id
