"""Language: Bahasa Indonesia by default, English by a visible switch."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from accounts.models import User
from core.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def test_default_is_bahasa_indonesia(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Daftar gratis" in html


def test_switch_to_english_is_remembered_by_cookie(client):
    response = client.post("/lang", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html


def test_switch_is_stored_on_the_account(client, login_as):
    user = login_as("member")
    client.post("/lang", data={"lang": "en", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    client.delete_cookie("rp_lang")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x"])
def test_switch_never_redirects_off_site(client, target):
    response = client.post("/lang", data={"lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_ignored(client):
    client.post("/lang", data={"lang": "xx", "next": "/"})
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_every_catalog_is_complete_and_current(tmp_path):
    """Every string in the code has an English translation (none empty or fuzzy)."""
    for directory in sorted((ROOT / "translations").iterdir()):
        if not directory.is_dir():
            continue
        part = directory.name
        po_path = directory / "en" / "LC_MESSAGES" / "messages.po"
        assert po_path.exists(), f"missing catalog for {part}"
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        assert not missing, f"{part}: untranslated {missing[:5]}"

        sys.path.insert(0, str(ROOT / "translations"))
        import extract

        pot = tmp_path / f"{part}.pot"
        extract.extract(part, pot)
        with pot.open("rb") as handle:
            extracted = read_po(handle)
        known = {m.id for m in catalog}
        new = [m.id for m in extracted if m.id and m.id not in known]
        assert not new, f"{part}: run `make extract-messages PART={part}`; new strings {new[:5]}"


def test_translations_compile(tmp_path):
    for directory in (ROOT / "translations").iterdir():
        if directory.is_dir():
            result = subprocess.run(
                [str(Path(sys.executable).with_name("pybabel")), "compile", "-d", str(directory),
                 "-o", str(tmp_path / "m.mo"), "-l", "en",
                 "-i", str(directory / "en" / "LC_MESSAGES" / "messages.po")],
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr
