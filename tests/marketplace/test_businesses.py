"""Businesses: registration (validation, nothing saved on error), members and
invitations, pause, staff review with notices, suspension, and access rules."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from marketplace.models import Business, BusinessMember, BusinessNote
from notifications.models import Notification

FORM = {
    "name": "Jagung Bose Mama Yuli",
    "category": "kuliner",
    "description": "Jagung bose dengan kacang merah dan labu, dimasak pagi hari.",
    "story": "",
    "regency": "kota-kupang",
    "address": "Pasar Oebobo",
    "opening_hours": "Setiap hari 07.00–14.00",
    "whatsapp": "0812-3456-7890",
    "nib": "",
    "delivers": "y",
}


def count_businesses() -> int:
    return db.session.scalar(select(func.count(Business.id)))


def test_member_registers_a_business_pending_review_with_e164_whatsapp(client, login_as):
    member = login_as("member")
    response = client.post("/pasar/usaha-saya/baru", data=FORM)
    assert response.status_code == 302
    business = db.session.scalar(select(Business))
    assert business.status == "pending"
    assert business.whatsapp == "+6281234567890"
    assert business.delivers and not business.cash_on_delivery
    assert business.member_ids() == {member.id}
    page = client.get(response.headers["Location"])
    assert "Menunggu pemeriksaan" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("field,value,message", [
    ("nib", "12345", "tepat 13 angka"),
    ("nib", "12345678901234", "tepat 13 angka"),
    ("nib", "12345abc90123", "tepat 13 angka"),
    ("whatsapp", "12345", "Nomor HP tidak dikenali"),
    ("name", "", "Tulis nama usaha"),
    ("name", "x" * 10_000, "Paling panjang 120"),
    ("description", "Jagung\x00bose", "karakter tersembunyi"),
    ("name", "Jagung \u202eesob", "pembalik arah"),
    ("category", "narkoba", "Pilih salah satu dari daftar."),
])
def test_bad_input_is_refused_and_nothing_saved(client, login_as, field, value, message):
    login_as("member")
    response = client.post("/pasar/usaha-saya/baru", data={**FORM, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_businesses() == 0


def test_nib_with_13_digits_and_spaces_is_kept_as_digits(client, login_as):
    login_as("member")
    client.post("/pasar/usaha-saya/baru", data={**FORM, "nib": "1234 5678 90123"})
    assert db.session.scalar(select(Business.nib)) == "1234567890123"


def test_address_or_only_at_market_is_required(client, login_as):
    login_as("member")
    response = client.post("/pasar/usaha-saya/baru", data={**FORM, "address": ""})
    assert "hanya berjualan di pasar" in response.get_data(as_text=True)
    assert count_businesses() == 0
    client.post("/pasar/usaha-saya/baru", data={**FORM, "address": "", "only_at_market": "y"})
    assert count_businesses() == 1


def test_a_member_may_run_several_businesses(client, login_as):
    login_as("member")
    client.post("/pasar/usaha-saya/baru", data=FORM)
    client.post("/pasar/usaha-saya/baru", data={**FORM, "name": "Tenun Ikat Ina Boi", "category": "kerajinan"})
    page = client.get("/pasar/usaha-saya").get_data(as_text=True)
    assert "Jagung Bose Mama Yuli" in page and "Tenun Ikat Ina Boi" in page


def test_role_field_in_post_changes_nothing(client, login_as):
    login_as("member")
    client.post("/pasar/usaha-saya/baru", data={**FORM, "status": "approved", "verified": "y"})
    business = db.session.scalar(select(Business))
    assert business.status == "pending" and not business.verified


def test_someone_elses_business_answers_404(client, login_as, make_business):
    business = make_business()
    login_as("member")
    for path in ("", "/ubah"):
        assert client.get(f"/pasar/usaha-saya/{business.id}{path}").status_code == 404
    for path in ("/libur", "/buka", "/kirim-ulang", "/anggota"):
        assert client.post(f"/pasar/usaha-saya/{business.id}{path}").status_code == 404
    assert client.get(f"/pasar/usaha-saya/{business.id + 1000}").status_code == 404


def test_family_member_is_invited_by_phone_and_counts_once_accepted(client, auth, make_user, make_business):
    owner = make_user()
    sister = make_user(phone="+6281311112222")
    business = make_business(owner=owner)
    auth.login(owner)
    response = client.post(f"/pasar/usaha-saya/{business.id}/anggota", data={"phone": "0813-1111-2222"})
    assert response.status_code == 302
    membership = db.session.scalar(select(BusinessMember).where(BusinessMember.user_id == sister.id))
    assert membership.accepted_at is None
    db.session.refresh(business)
    assert sister.id not in business.member_ids()
    # Not yet a member: her pages answer 404.
    auth.logout()
    auth.login(sister)
    assert client.get(f"/pasar/usaha-saya/{business.id}").status_code == 404
    inbox = db.session.scalar(select(Notification).where(Notification.user_id == sister.id))
    assert inbox is not None
    assert "Terima" in client.get("/pasar/usaha-saya").get_data(as_text=True)
    client.post(f"/pasar/undangan/{membership.id}", data={"answer": "accept"})
    assert client.get(f"/pasar/usaha-saya/{business.id}").status_code == 200


def test_invitation_to_unknown_number_is_refused_without_telling(client, login_as, make_business):
    owner = login_as("member")
    business = make_business(owner=owner)
    response = client.post(f"/pasar/usaha-saya/{business.id}/anggota", data={"phone": "0813-9999-8888"},
                           follow_redirects=True)
    assert "Undangan tidak bisa dikirim" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BusinessMember.id))) == 1


def test_someone_elses_invitation_answers_404(client, login_as, make_user, make_business):
    business = make_business()
    sister = make_user()
    membership = BusinessMember(business_id=business.id, user_id=sister.id)
    db.session.add(membership)
    db.session.commit()
    login_as("member")
    assert client.post(f"/pasar/undangan/{membership.id}", data={"answer": "accept"}).status_code == 404
    db.session.refresh(membership)
    assert membership.accepted_at is None


def test_owner_pauses_and_reopens(client, login_as, make_business):
    owner = login_as("member")
    business = make_business(owner=owner)
    client.post(f"/pasar/usaha-saya/{business.id}/libur")
    db.session.refresh(business)
    assert business.paused and not business.is_public
    client.post(f"/pasar/usaha-saya/{business.id}/buka")
    db.session.refresh(business)
    assert not business.paused and business.is_public


def test_pending_business_cannot_be_paused(client, login_as, make_business):
    owner = login_as("member")
    business = make_business(owner=owner, status="pending")
    response = client.post(f"/pasar/usaha-saya/{business.id}/libur", follow_redirects=True)
    assert "Hanya usaha yang sudah disetujui" in response.get_data(as_text=True)
    db.session.refresh(business)
    assert not business.paused


def _notices(user) -> list[str]:
    """In the order they were sent (a table has no order of its own)."""
    return list(db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id).order_by(Notification.id)))


def test_staff_ask_for_changes_then_approve_and_owner_is_told_each_time(client, auth, make_user, make_business):
    owner = make_user()
    staff = make_user(roles=("umkm_staff",))
    business = make_business(owner=owner, status="pending")
    auth.login(staff)
    client.post(f"/pasar/staf/usaha/{business.id}/minta-perubahan",
                data={"reason": "Tambahkan foto dapur dan jam buka hari Minggu."})
    db.session.refresh(business)
    assert business.status == "changes_requested"
    assert business.review_note == "Tambahkan foto dapur dan jam buka hari Minggu."
    auth.logout()
    auth.login(owner)
    page = client.get(f"/pasar/usaha-saya/{business.id}").get_data(as_text=True)
    assert "Tambahkan foto dapur" in page
    client.post(f"/pasar/usaha-saya/{business.id}/kirim-ulang")
    db.session.refresh(business)
    assert business.status == "pending"
    auth.logout()
    auth.login(staff)
    client.post(f"/pasar/staf/usaha/{business.id}/setujui")
    db.session.refresh(business)
    assert business.status == "approved" and business.is_public
    assert _notices(owner) == ["Usaha Anda perlu dilengkapi", "Usaha Anda sudah tampil di Pasar"]


def test_decline_needs_a_reason_and_tells_the_owner(client, auth, make_user, make_business):
    owner = make_user()
    business = make_business(owner=owner, status="pending")
    auth.login(make_user(roles=("umkm_staff",)))
    response = client.post(f"/pasar/staf/usaha/{business.id}/tolak", data={"reason": ""}, follow_redirects=True)
    assert "Tulis alasannya" in response.get_data(as_text=True)
    db.session.refresh(business)
    assert business.status == "pending"
    client.post(f"/pasar/staf/usaha/{business.id}/tolak", data={"reason": "Bukan usaha, tetapi iklan pinjol."})
    db.session.refresh(business)
    assert business.status == "declined" and business.review_note == "Bukan usaha, tetapi iklan pinjol."
    assert _notices(owner) == ["Usaha Anda belum bisa ditampilkan"]


def test_suspend_with_reason_badges_and_internal_notes(client, auth, make_user, make_business):
    owner = make_user()
    business = make_business(owner=owner)
    auth.login(make_user(roles=("umkm_staff",)))
    client.post(f"/pasar/staf/usaha/{business.id}/lencana", data={"verified": "y", "returnee": "y"})
    client.post(f"/pasar/staf/usaha/{business.id}/catatan", data={"body": "Sudah dikunjungi 3 Des, dapur bersih."})
    client.post(f"/pasar/staf/usaha/{business.id}/tangguhkan", data={"reason": "Keluhan pembeli, sedang dicek."})
    db.session.refresh(business)
    assert business.verified and business.returnee
    assert business.suspended and business.suspended_reason == "Keluhan pembeli, sedang dicek."
    assert not business.is_public
    assert db.session.scalar(select(BusinessNote.body)) == "Sudah dikunjungi 3 Des, dapur bersih."
    assert _notices(owner) == ["Usaha Anda ditangguhkan"]
    # Internal notes never reach the owner's pages.
    auth.logout()
    auth.login(owner)
    page = client.get(f"/pasar/usaha-saya/{business.id}").get_data(as_text=True)
    assert "Keluhan pembeli" in page and "dapur bersih" not in page


def test_approving_twice_says_changed_meanwhile(client, login_as, make_business):
    business = make_business(status="pending")
    login_as("umkm_staff")
    client.post(f"/pasar/staf/usaha/{business.id}/setujui")
    response = client.post(f"/pasar/staf/usaha/{business.id}/setujui", follow_redirects=True)
    assert "baru saja diubah" in response.get_data(as_text=True)


STAFF_ROLES_NOT_MARKET = ["member", "counselor", "registrar", "moderator", "admin"]


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/pasar/staf")]


def test_every_staff_route_requires_the_umkm_staff_role(app):
    rules = staff_rules(app)
    assert len(rules) >= 9
    for rule in rules:
        assert getattr(app.view_functions[rule.endpoint], "required_roles", None) == ("umkm_staff",), rule


@pytest.mark.parametrize("role", STAFF_ROLES_NOT_MARKET)
def test_other_roles_get_403_on_every_staff_route(app, client, login_as, make_business, role):
    business = make_business(status="pending")
    login_as(role)
    walked = 0
    for rule in staff_rules(app):
        url = re.sub(r"<(?:int:)?(\w+)>", str(business.id), rule.rule)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(url, method=method, data={"reason": "x"})
        assert response.status_code == 403, (role, url)
        walked += 1
    assert walked == len(staff_rules(app)) >= 9
    db.session.refresh(business)
    assert business.status == "pending"


def member_rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.rule.startswith("/pasar/usaha-saya/<int:business_id>")]


def test_every_member_route_answers_404_to_someone_else(app, client, login_as, make_business, make_product):
    from marketplace import sales
    from marketplace.models import MarketPhoto, SalesWeek

    business = make_business()
    product = make_product(business)
    owner = business.members[0].user
    photo = MarketPhoto(business_id=business.id, product_id=product.id, thumb_key="x", thumb_width=1,
                        thumb_height=1, large_key="y", large_width=1, large_height=1)
    db.session.add(photo)
    week = sales.record_week(owner, business, sales.this_monday(), 1000, 1)
    db.session.commit()
    values = {"business_id": business.id, "product_id": product.id, "photo_id": photo.id,
              "member_id": business.members[0].id, "week_id": week.id}
    login_as("member")
    walked = 0
    for rule in member_rules(app):
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"name": "x", "price": "1", "reason": "x"})
            assert response.status_code == 404, (method, url, response.status_code)
            walked += 1
    assert walked == 23  # every member route and method (update when routes are added)
    assert db.session.scalar(select(func.count(SalesWeek.id))) == 1
    assert db.session.get(Business, business.id).name == business.name
