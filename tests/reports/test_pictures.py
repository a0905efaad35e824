"""Photos and screenshots go through the shared upload pipeline: images only,
EXIF/GPS dropped, encrypted at rest, attack files refused with nothing saved,
served only to the desk and audited."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from accounts.models import AuditEvent
from community.reports.models import Report, ReportAttachment
from core.extensions import db
from core.uploads import StoredFile
from tests.uploads.conftest import (  # upload_root is a fixture
    exif_with_gps,
    jpeg_bytes,
    png_bomb,
    raw_pdf,
    upload_root,  # noqa: F401
)


def post_with(client, report_form, files):
    data = {**report_form, "anonymous": "y",
            "pictures": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/forum/lapor/baru", data=data, content_type="multipart/form-data")


def test_a_screenshot_is_cleaned_encrypted_and_shown_only_to_the_desk(client, login_as, report_form,
                                                                     upload_root):  # noqa: F811
    photo = jpeg_bytes(size=(64, 48), exif=exif_with_gps())
    assert post_with(client, report_form, [("chat.jpg", photo)]).status_code == 200
    report = db.session.scalar(select(Report))
    attachment = db.session.scalar(select(ReportAttachment))
    stored = attachment.file
    assert attachment.report_id == report.id and stored.encrypted and stored.uploaded_by_id is None
    on_disk = (upload_root / stored.key).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8") and b"JFIF" not in on_disk and b"PhoneMaker" not in on_disk
    assert "chat" not in stored.key
    officer = login_as("satgas")
    response = client.get(f"/forum/lapor/desk/{report.id}/pictures/{attachment.id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    picture = Image.open(io.BytesIO(response.data))
    assert picture.size == (64, 48) and not picture.getexif().get(0x8825)
    assert b"PhoneMaker" not in response.data
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.picture_view"))
    assert event.actor_id == officer.id and event.object_id == report.id
    client.post("/logout")
    login_as("moderator")
    assert client.get(f"/forum/lapor/desk/{report.id}/pictures/{attachment.id}").status_code == 403


def test_attack_files_are_refused_and_nothing_is_saved(client, report_form, upload_root):  # noqa: F811
    attacks = [
        ("evil.jpg", b"<html><script>alert(1)</script></html>"),
        ("bomb.png", png_bomb()),
        ("doc.pdf", raw_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ]
    for name, content in attacks:
        html = post_with(client, report_form, [("ok.jpg", jpeg_bytes()), (name, content)]).get_data(as_text=True)
        assert "Pilih gambarnya lagi" in html, name
        assert report_form["place"] in html
    too_many = post_with(client, report_form, [(f"{n}.jpg", jpeg_bytes()) for n in range(4)])
    assert "Paling banyak 3 gambar" in too_many.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 0
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    assert [p for p in upload_root.rglob("*") if p.is_file()] == []


def test_an_upload_over_the_size_cap_is_413(client, app, monkeypatch, report_form):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    response = post_with(client, report_form, [("big.jpg", b"\xff\xd8" + b"0" * 60_000)])
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_the_members_export_holds_her_report_pictures(client, auth, make_user, report_form,
                                                     upload_root):  # noqa: F811
    import json
    import zipfile

    from tests.factories import PASSWORD

    member = make_user()
    auth.login(member)
    data = {**report_form, "pictures": [(io.BytesIO(jpeg_bytes(size=(30, 20))), "chat.jpg")]}
    client.post("/forum/lapor/baru", data=data, content_type="multipart/form-data")
    report = db.session.scalar(select(Report))
    assert report.reporter_id == member.id and report.attachments
    client.post("/account/confirm", data={"current_password": PASSWORD})
    response = client.post("/account/data", data={"current_password": PASSWORD})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert f"files/reports/{report.code}-1.jpg" in names
    picture = Image.open(io.BytesIO(archive.read(f"files/reports/{report.code}-1.jpg")))
    assert picture.size == (30, 20)
    assert json.loads(archive.read("data.json"))["reports"]["reports"][0]["code"] == report.code
