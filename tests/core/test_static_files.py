"""The stylesheet is linked by its content's digest and kept by the browser for a
year (core/static_files.py): a member on 3G does not wait for a revalidation round
trip on every page, and a changed file gets a new address."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from core.static_files import static_version

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def _stylesheet_link(html: str) -> str:
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


def test_pages_link_the_stylesheet_by_its_digest_and_it_is_kept_a_year(client, login_as):
    digest = hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:12]
    anonymous = _stylesheet_link(client.get("/").get_data(as_text=True))
    login_as("member")
    member = _stylesheet_link(client.get("/account").get_data(as_text=True))
    assert anonymous == member == f"/static/css/app.css?v={digest}"

    response = client.get(member)
    assert response.status_code == 200 and response.data == STYLESHEET.read_bytes()
    kept = response.headers["Cache-Control"]
    assert "public" in kept and "max-age=31536000" in kept and "immutable" in kept
    assert "no-store" not in kept  # a logged-in person's static file is not personal
    again = client.get(member, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and "max-age=31536000" in again.headers["Cache-Control"]


def test_without_the_current_digest_the_file_is_asked_again_each_time(client):
    for path in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        response = client.get(path)
        assert response.status_code == 200
        assert "max-age=31536000" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_address(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: #222; }")
    first = static_version(app, "site.css")
    sheet.write_text("body { color: #111; margin: 0; }")
    second = static_version(app, "site.css")
    assert first and second and first != second
    assert second == hashlib.sha256(sheet.read_bytes()).hexdigest()[:12]
    with app.test_client() as client:
        old = client.get(f"/static/site.css?v={first}")
        assert old.status_code == 200 and b"margin" in old.data
        assert "max-age=31536000" not in old.headers["Cache-Control"]  # an old page's link
        assert "immutable" in client.get(f"/static/site.css?v={second}").headers["Cache-Control"]
    assert static_version(app, "../config.py") is None and static_version(app, "missing.css") is None
