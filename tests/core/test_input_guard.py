"""Control characters, bidi overrides and zero-width characters are refused in
every text field (``core.forms.BaseForm``) and in every path and query string
(the before-request guard); the engine never logs SQL parameters."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from community.models import Post
from core.db import utcnow
from core.extensions import db
from core.forms import BIDI_MESSAGE, CONTROL_MESSAGE, refused_character_message
from tests.factories import PASSWORD

REFUSED = "karakter tersembunyi yang tidak diizinkan"
REGISTRATION = {
    "name": "Maria Nenobais", "phone": "0812-3456-7890", "email": "",
    "password": "tenun ikat dari timor", "regency": "kota-kupang", "country_returned": "MY",
    "return_year": "2023", "locale": "id", "consent": "y",
}


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Maria\x00", False, CONTROL_MESSAGE),
        ("Maria\x07", True, CONTROL_MESSAGE),
        ("baris satu\nbaris dua\r\n\tdst", True, None),
        ("baris satu\nbaris dua", False, CONTROL_MESSAGE),
        ("abc\u202edcb", True, BIDI_MESSAGE),
        ("abc\u2066x\u2069", False, BIDI_MESSAGE),
        ("Ma\u200bria", False, CONTROL_MESSAGE),
        ("Ma\u200bria", True, None),
        ("Keluarga \U0001f468\u200d\U0001f469\u200d\U0001f467", False, None),
        ("Maria\u200dNenobais", False, CONTROL_MESSAGE),
        ("Se'i sapi — Rp 25.000 ☀", False, None),
    ],
)
def test_refused_character_message(text, multiline, refused):
    assert refused_character_message(text, multiline=multiline) is refused


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_nul_in_registration_is_a_field_error_and_saves_nothing(client, caplog):
    caplog.set_level(logging.DEBUG)
    for field, value in [("name", "Maria\x00Nenobais"), ("phone", "0812\x003456 7890"),
                         ("email", "maria@example.id\x00"), ("password", "tenun ikat\x00 timor")]:
        response = client.post("/register", data={**REGISTRATION, field: value})
        assert response.status_code == 200, field
        assert REFUSED in response.get_data(as_text=True), field
    assert users() == 0
    response = client.post("/register", data={**REGISTRATION, "name": "Maria \u202eNenobais"})
    assert "pembalik arah tulisan" in response.get_data(as_text=True)
    assert users() == 0
    assert "+6281234567890" not in caplog.text


def test_nul_in_login_and_reset_code_is_a_field_error(client, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user()
    response = client.post("/login", data={"identifier": user.phone + "\x00", "password": PASSWORD})
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD + "\x00"})
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    response = client.post("/reset-code", data={"identifier": user.phone, "code": "AB\x00CD",
                                                "new_password": "kopi manggarai pagi"})
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    assert user.password_hash not in caplog.text
    # The same login without the NUL works: the refusal is about the character only.
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert response.status_code == 302


def test_nul_in_profile_saves_nothing(client, login_as):
    user = login_as("member", name="Yohana Tefa")
    response = client.post("/account/profile", data={
        "name": "Yohana\x00 Tefa", "regency": "kota-kupang", "country_returned": "",
        "return_year": "", "locale": "id"})
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Yohana Tefa"


def test_nul_in_forum_reply_saves_nothing(app, client, login_as, monkeypatch):
    from community import demo, posting
    from community.models import Category

    demo.seed_defaults()
    category = Category(slug="usaha-umkm", name_id="Usaha & UMKM", name_en="Business",
                        description_id="Usaha.", description_en="Business.")
    db.session.add(category)
    db.session.commit()
    monkeypatch.setitem(app.config, "FORUM_POST_INTERVAL_SECONDS", 0)
    author = login_as("member", created_at=utcnow() - timedelta(days=30))
    thread = posting.create_thread(author, category, "Jualan se'i sapi", "Ada yang mau gabung?",
                                    anonymous=False).post.thread
    db.session.commit()
    before = db.session.scalar(select(func.count(Post.id)))
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Saya ikut\x00 juga"})
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Post.id))) == before
    # Line breaks are fine in a multi-line field.
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Saya ikut.\r\nSampai besok."})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Post.id))) == before + 1


@pytest.mark.parametrize(
    "url",
    ["/forum/c/usaha%00umkm", "/forum/search?q=kopi%00", "/forum/?page=1%00", "/login?next=/%00",
     "/forum/c/x?%00=1", "/forum/u/ab%01c", "/account?x=%7f"],
)
def test_control_characters_in_path_or_query_answer_400(client, login_as, url):
    login_as("member")
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Alamat berisi karakter yang tidak diizinkan" in html


def test_control_character_page_is_translated(client):
    client.set_cookie("rp_lang", "en")
    response = client.get("/login?next=%00")
    assert response.status_code == 400
    assert "The address contains characters that are not allowed" in response.get_data(as_text=True)


def test_ordinary_query_strings_pass(client, login_as):
    login_as("member")
    assert client.get("/forum/search?q=se%27i+sapi+%E2%98%80").status_code == 200


def test_engine_hides_sql_parameters(app, make_user):
    assert db.engine.hide_parameters is True
    user = make_user(phone="+6281299990001")
    db.session.add(User(name="Kembar", phone=user.phone, password_hash="secret-hash-value",
                        regency="kota-kupang"))
    with pytest.raises(IntegrityError, match="SQL parameters hidden") as raised:
        db.session.flush()
    db.session.rollback()
    # No parameter is shown (PostgreSQL's own DETAIL still names the duplicate key).
    assert "secret-hash-value" not in str(raised.value)
    assert "Kembar" not in str(raised.value)


def test_every_form_derives_from_base_form():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = [
        str(path.relative_to(root)) for path in root.rglob("*.py")
        if ".venv" not in path.parts and "tests" not in path.parts
        and "FlaskForm" in path.read_text(encoding="utf-8")
    ]
    assert users == ["core/forms.py"]
