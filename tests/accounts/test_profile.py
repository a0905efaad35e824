"""Profile, contact details and password changes."""
from __future__ import annotations

from accounts.models import User
from accounts.passwords import verify_password
from core.extensions import db
from tests.factories import PASSWORD


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_account_page_shows_profile(client, login_as):
    login_as("member", name="Yuliana Ndun", regency="rote-ndao")
    html = client.get("/account").get_data(as_text=True)
    assert "Yuliana Ndun" in html and "Rote Ndao" in html


def test_edit_profile(client, login_as):
    user = login_as("member")
    response = client.post(
        "/account/profile",
        data={"name": "Daniel Lay", "regency": "alor", "country_returned": "SG",
              "return_year": "2020", "locale": "en"},
    )
    assert response.status_code == 302
    user = reload(user)
    assert (user.name, user.regency, user.country_returned, user.return_year, user.locale) == (
        "Daniel Lay", "alor", "SG", 2020, "en")


def test_profile_form_ignores_undeclared_fields(client, login_as):
    user = login_as("member")
    client.post(
        "/account/profile",
        data={"name": "Daniel Lay", "regency": "alor", "locale": "id", "role": "admin",
              "phone": "+6281111111111", "active": "0", "password_hash": "x"},
    )
    user = reload(user)
    assert user.roles == {"member"} and user.phone != "+6281111111111" and user.active


def test_bad_profile_input_saves_nothing(client, login_as):
    user = login_as("member", name="Ester Bana")
    response = client.post(
        "/account/profile", data={"name": "x" * 10_000, "regency": "alor", "locale": "id"}
    )
    assert response.status_code == 200
    assert "Nama paling panjang" in response.get_data(as_text=True)
    assert reload(user).name == "Ester Bana"


def test_contact_change_needs_current_password(client, login_as):
    user = login_as("member")
    response = client.post(
        "/account/contact", data={"phone": "0812 7777 6666", "email": "", "current_password": "salah sekali"}
    )
    assert "Kata sandi tidak cocok" in response.get_data(as_text=True)
    assert reload(user).phone != "+6281277776666"
    response = client.post(
        "/account/contact", data={"phone": "0812 7777 6666", "email": "ester@example.id", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    user = reload(user)
    assert user.phone == "+6281277776666" and user.email == "ester@example.id"


def test_contact_change_refuses_a_taken_phone(client, login_as, make_user):
    other = make_user(phone="+6281277776666")
    user = login_as("member")
    response = client.post(
        "/account/contact", data={"phone": "081277776666", "email": "", "current_password": PASSWORD}
    )
    assert "sudah dipakai akun lain" in response.get_data(as_text=True)
    assert reload(user).phone != other.phone


def test_change_password_needs_current_and_a_good_new_one(client, login_as):
    user = login_as("member")
    wrong = client.post("/account/password", data={"current_password": "salah sekali", "new_password": "sambal lu'at pedas"})
    assert "tidak cocok" in wrong.get_data(as_text=True)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "12345678"})
    assert "terlalu umum" in weak.get_data(as_text=True)
    assert verify_password(reload(user).password_hash, PASSWORD)
    ok = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "sambal lu'at pedas"})
    assert ok.status_code == 302
    assert verify_password(reload(user).password_hash, "sambal lu'at pedas")


def test_confirm_password_before_sensitive_page(client, login_as):
    login_as("member")
    response = client.post("/account/confirm?next=/account", data={"current_password": "salah sekali"})
    assert "Kata sandi tidak cocok" in response.get_data(as_text=True)
    response = client.post("/account/confirm?next=//evil.example", data={"current_password": PASSWORD})
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["reauth_at"]


def test_staff_see_links_to_their_workspaces_only(client, login_as):
    login_as("member", "counselor")
    html = client.get("/account").get_data(as_text=True)
    assert "Dasbor konselor" in html
    assert "Kelola pengguna" not in html and "Antrean moderasi" not in html


def test_members_see_no_staff_section(client, login_as):
    login_as("member")
    page = client.get("/account")
    assert page.status_code == 200 and "Akun saya" in page.get_data(as_text=True)  # the right page
    assert "Pekerjaan staf" not in page.get_data(as_text=True)


def test_admin_sees_admin_workspaces(client, login_as):
    login_as("admin")
    html = client.get("/account").get_data(as_text=True)
    assert "Kelola pengguna" in html and "Log audit" in html and "Dasbor konselor" not in html
