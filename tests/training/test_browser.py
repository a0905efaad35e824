"""On 360 px phones without JavaScript: a member registers for a training and sees
the confirmation in the inbox; staff move her KUR application and she sees that too."""
from __future__ import annotations

import pytest

from core.extensions import db
from mentoring.kur import applications
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
    application = applications.start_kur_application(member, kur_start(business_name="Kopi Mama Maria"))
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


_LINES_OF_TEXT = """el => new Set([...(() => { const r = document.createRange();
    r.selectNodeContents(el); return r.getClientRects(); })()]
    .filter(b => b.width > 0).map(b => Math.round(b.top))).size"""


def test_participant_list_fits_a_360_px_phone(live_server, phone_page_nojs, make_user, make_training,
                                              screenshot):
    """Issue 8 item 34: at 360 px the staff participant list keeps each phone number
    on one line, every attendance box is a 44×44 tap target, and the page does not
    scroll sideways; ticking a box by its target still records attendance."""
    from accounts.phones import display_phone
    from mentoring.training import operations

    staff = make_user(name="Yuliana Ndun", roles=["member", "umkm_staff"])
    training = make_training(capacity=3, title="Pembukuan untuk penjual se'i")
    people = [make_user(name=name) for name in (
        "Maria Goreti Nenobais", "Yohanes Benyamin Tefa", "Ester Adriana Bire Lomi", "Agustinus Seran")]
    for person in people:
        operations.register(person, training)
    db.session.commit()
    training_id = training.id

    page = phone_page_nojs
    _login(page, live_server, staff)
    page.goto(f"{live_server}/staff/trainings/{training_id}/registrants")
    _no_sideways_scroll(page)
    for person in people:
        number = page.get_by_text(display_phone(person.phone), exact=True)
        assert number.count() == 1, person.name
        assert number.evaluate(_LINES_OF_TEXT) == 1, (person.name, "phone number wraps")
    boxes = page.locator("input[type=checkbox][name=attended]")
    assert boxes.count() == 3  # the fourth is on the waitlist: nothing to tick
    for index in range(boxes.count()):
        target = boxes.nth(index).evaluate_handle("el => el.closest('label') || el").as_element()
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    screenshot(page, "training-registrants-360")

    first = boxes.nth(0).evaluate_handle("el => el.closest('label') || el").as_element()
    first.click(position={"x": 4, "y": 4})  # the corner of the target, off the box itself
    page.get_by_role("button", name="Simpan kehadiran").click()
    assert "1 orang hadir" in page.content()
    _no_sideways_scroll(page)
