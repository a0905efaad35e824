"""The shared upload pipeline (core/uploads.py) on the local backend: type by
content, re-encoding, attack files, atomic writes and the orphan sweep."""
from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from core import uploads
from core.db import utcnow
from core.extensions import db
from core.storage import LocalStorage, check_key, storage
from core.uploads import (
    DOCUMENT,
    IMAGE,
    PRODUCT_PHOTO_VARIANTS,
    StoredFile,
    UploadRefused,
    delete_stored,
    read_stored,
    save_upload,
    send_stored,
    sweep_orphan_uploads,
)
from tests.uploads.conftest import (
    exif_with_gps,
    jpeg_bytes,
    noisy_png,
    pdf_bytes,
    png_bomb,
    png_bytes,
    raw_pdf,
)


def upload(data: bytes, filename="photo.jpg", content_type="image/jpeg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def stored_paths(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- what is accepted, and how it is cleaned ---------------------------------------

def test_jpeg_is_reencoded_without_exif_or_gps_and_with_orientation_applied(upload_root):
    original = jpeg_bytes(size=(60, 20), exif=exif_with_gps(orientation=6))
    assert b"PhoneMaker" in original
    row = save_upload(upload(original), owner="adminduk")
    data = read_stored(row)
    assert row.kind == IMAGE and row.mime == "image/jpeg" and row.size == len(data)
    assert b"PhoneMaker" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert image.getexif() == {}
    # Orientation 6 (rotate 90): the stored picture is upright, 20 wide and 60 high.
    assert image.size == (20, 60) == (row.width, row.height)


def test_png_and_webp_keep_their_format(upload_root):
    png = save_upload(upload(png_bytes(), "a.png", "image/png"), owner="adminduk")
    assert png.mime == "image/png" and Image.open(io.BytesIO(read_stored(png))).mode == "RGBA"
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(out, "WEBP")
    webp = save_upload(upload(out.getvalue(), "a.webp"), owner="adminduk")
    assert webp.mime == "image/webp" and read_stored(webp)[8:12] == b"WEBP"


def test_large_images_are_scaled_down(app, upload_root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_IMAGE_SIDE", 100)
    row = save_upload(upload(jpeg_bytes(size=(400, 200))), owner="adminduk")
    assert (row.width, row.height) == (100, 50)


def test_product_photo_variants_stay_under_their_byte_caps(upload_root):
    row = save_upload(upload(noisy_png(), "p.png", "image/png"), owner="marketplace",
                      accept=(IMAGE,), variants=PRODUCT_PHOTO_VARIANTS)
    thumb, large = row.variant_named("thumb"), row.variant_named("large")
    assert thumb.mime == large.mime == "image/webp"
    assert thumb.size <= 40_000 and large.size <= 150_000
    assert len(read_stored(thumb)) == thumb.size
    assert max(thumb.width, thumb.height) <= 480 and max(large.width, large.height) <= 1280
    assert row.variant_named("missing") is row


def test_pdf_is_stored_as_is_with_its_page_count(upload_root):
    data = pdf_bytes(pages=3)
    row = save_upload(upload(data, "akta.pdf", "application/pdf"), owner="adminduk")
    assert row.kind == DOCUMENT and row.pages == 3 and read_stored(row) == data


def test_random_keys_never_the_original_name(upload_root):
    row = save_upload(upload(jpeg_bytes(), "../../etc/passwd KTP Maria.jpg"), owner="adminduk")
    assert "passwd" not in row.key and ".." not in row.key and "Maria" not in row.key
    assert row.key.startswith("adminduk/") and row.key.endswith(".jpg")
    path = (upload_root / row.key).resolve()
    assert upload_root.resolve() in path.parents and path.is_file()
    other = save_upload(upload(jpeg_bytes(), "../../etc/passwd KTP Maria.jpg"), owner="adminduk")
    assert other.key != row.key


@pytest.mark.parametrize("key", ["../x.jpg", "a/../../x.jpg", "/etc/passwd", "a/b", "A/B.jpg", "a//b.jpg"])
def test_storage_refuses_keys_it_could_not_have_made(key):
    with pytest.raises(ValueError, match="invalid storage key"):
        check_key(key)


# --- attack files ------------------------------------------------------------------

ATTACKS = {
    "html renamed .jpg": (b"<!doctype html><html><script>alert(document.cookie)</script></html>", "x.jpg"),
    "svg with script": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>', "x.svg"),
    "svg renamed .png": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.png"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "x.gif"),
    "zip renamed .pdf": (b"PK\x03\x04" + b"\x00" * 40, "x.pdf"),
    "empty": (b"", "x.jpg"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_files_are_refused_and_nothing_is_stored(name, upload_root):
    data, filename = ATTACKS[name]
    with pytest.raises(UploadRefused, match="(Hanya foto|kosong)"):
        save_upload(upload(data, filename), owner="adminduk")
    assert db.session.query(StoredFile).count() == 0
    assert [p for p in stored_paths(upload_root) if not p.startswith(".tmp")] == []


def test_images_only_refuses_pdf(upload_root):
    with pytest.raises(UploadRefused, match="Hanya foto JPEG, PNG atau WebP"):
        save_upload(upload(pdf_bytes()), owner="marketplace", accept=(IMAGE,))


def test_polyglot_jpeg_loses_its_hidden_payload(upload_root):
    """A real JPEG carrying HTML in a comment and a PDF/HTML/ZIP tail after the image."""
    image = jpeg_bytes(size=(32, 32))
    payload = b"<html><script>alert(1)</script></html>"
    comment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    polyglot = image[:2] + comment + image[2:] + b"%PDF-1.4 " + payload + b"PK\x03\x04"
    Image.open(io.BytesIO(polyglot)).load()  # Pillow reads it as a JPEG
    row = save_upload(upload(polyglot), owner="adminduk")
    data = read_stored(row)
    assert row.mime == "image/jpeg"
    assert b"<script" not in data and b"%PDF" not in data and b"PK\x03\x04" not in data


def test_pdf_header_with_html_body_is_refused(upload_root):
    with pytest.raises(UploadRefused, match="bukan PDF"):
        save_upload(upload(b"%PDF-1.4\n<html><script>alert(1)</script></html>"), owner="adminduk")


@pytest.mark.parametrize("side", [9000, 30000])
def test_decompression_bomb_is_refused(side, upload_root):
    """9000² passes Pillow's own limit but not ours; 30000² trips Pillow's."""
    bomb = png_bomb(side, side)
    assert len(bomb) < 200
    with pytest.raises(UploadRefused, match="terlalu besar"):
        save_upload(upload(bomb, "bomb.png"), owner="adminduk")
    assert db.session.query(StoredFile).count() == 0


def test_pillow_bomb_error_is_a_refusal_too(app, upload_root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_IMAGE_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(UploadRefused, match="terlalu besar"):
        save_upload(upload(jpeg_bytes(size=(100, 100))), owner="adminduk")


def test_corrupt_image_is_refused(upload_root):
    with pytest.raises(UploadRefused, match="rusak"):
        save_upload(upload(jpeg_bytes()[:40]), owner="adminduk")


@pytest.mark.parametrize("extra", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    # Names written with #xx escapes hide from a plain byte search; the parser sees them.
    b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
    b"/Names << /J#61vaScript << /Names [(x) << /S /J#61vaScript /J#53 (1) >>] >> >>",
    b"/OpenAction << /S /L#61unch /F (cmd.exe) >>",
    b"/AcroForm << /X#46A 5 0 R >>",
])
def test_pdf_with_javascript_or_launch_is_refused(extra, upload_root):
    with pytest.raises(UploadRefused, match="skrip"):
        save_upload(upload(raw_pdf(extra), "surat.pdf"), owner="adminduk")
    assert db.session.query(StoredFile).count() == 0


def test_plain_handwritten_pdf_is_accepted(upload_root):
    row = save_upload(upload(raw_pdf(), "surat.pdf"), owner="adminduk")
    assert row.pages == 1


def test_pdf_page_and_size_caps(app, upload_root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PDF_PAGES", 2)
    with pytest.raises(UploadRefused, match="halaman"):
        save_upload(upload(pdf_bytes(pages=3)), owner="adminduk")
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PDF_MB", 0)
    with pytest.raises(UploadRefused, match="terlalu besar"):
        save_upload(upload(pdf_bytes(pages=1)), owner="adminduk")


def test_oversize_request_is_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = client.post(
        "/login", data={"login": "x", "file": (io.BytesIO(b"\xff\xd8\xff" + b"0" * 20_000), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- atomic writes, rollback, deletion, the orphan sweep -----------------------------

def test_rollback_removes_the_files_it_wrote(upload_root):
    row = save_upload(upload(jpeg_bytes()), owner="adminduk", variants=PRODUCT_PHOTO_VARIANTS)
    keys = [row.key] + [child.key for child in row.variants]
    assert len(keys) == 3 and all(storage().exists(key) for key in keys)
    db.session.rollback()
    assert not any(storage().exists(key) for key in keys)


def test_commit_keeps_the_file_and_delete_removes_it_after_commit(upload_root):
    row = save_upload(upload(jpeg_bytes()), owner="adminduk", variants={"thumb": PRODUCT_PHOTO_VARIANTS["thumb"]})
    db.session.commit()
    keys = [row.key, row.variant_named("thumb").key]
    assert all(storage().exists(key) for key in keys)
    delete_stored(row)
    assert all(storage().exists(key) for key in keys)  # still there until the commit
    db.session.commit()
    assert not any(storage().exists(key) for key in keys)
    assert db.session.query(StoredFile).count() == 0


def test_delete_rolled_back_keeps_row_and_file(upload_root):
    row = save_upload(upload(jpeg_bytes()), owner="adminduk")
    db.session.commit()
    key = row.key
    delete_stored(row)
    db.session.rollback()
    assert storage().exists(key) and db.session.query(StoredFile).filter_by(key=key).count() == 1


def test_failed_rename_leaves_no_file_and_no_row(upload_root, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_upload(upload(jpeg_bytes()), owner="adminduk")
    assert stored_paths(upload_root) == []
    assert db.session.query(StoredFile).count() == 0


def test_crash_between_write_and_commit_leaves_an_orphan_the_sweep_removes(upload_root):
    kept = save_upload(upload(jpeg_bytes()), owner="adminduk")
    db.session.commit()
    orphan = save_upload(upload(jpeg_bytes()), owner="adminduk")
    orphan_key = orphan.key
    # The process dies: the row never commits and no rollback hook runs.
    db.session.info.clear()
    db.session.rollback()
    (upload_root / ".tmp").mkdir(exist_ok=True)
    (upload_root / ".tmp" / "deadbeef.part").write_bytes(b"half a file")
    assert storage().exists(orphan_key)

    assert sweep_orphan_uploads() == 0  # too young: it may still be committing
    later = utcnow() + timedelta(hours=7)
    assert sweep_orphan_uploads(now=later) == 2
    assert not storage().exists(orphan_key)
    assert not (upload_root / ".tmp" / "deadbeef.part").exists()
    assert storage().exists(kept.key) and read_stored(kept)


def test_sweep_is_in_the_scheduler_list():
    from core.scheduler import jobs

    assert "sweep-orphan-uploads" in {job.id for job in jobs()}


# --- serving -----------------------------------------------------------------------

def test_send_stored_headers(app, upload_root):
    pdf = save_upload(upload(pdf_bytes()), owner="adminduk")
    photo = save_upload(upload(jpeg_bytes()), owner="adminduk")
    with app.test_request_context():
        response = send_stored(pdf, attachment=False)  # documents are attachments regardless
        assert response.headers["Content-Disposition"] == f'attachment; filename="adminduk-{pdf.id}.pdf"'
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        inline = send_stored(photo, attachment=False, private=False, download_name='../"x".jpg')
        assert inline.headers["Content-Disposition"] == 'inline; filename="__x_.jpg"'
        assert inline.headers["Cache-Control"].startswith("public")
        assert send_stored(photo).headers["Content-Disposition"].startswith("attachment")


def test_send_stored_missing_object_is_404(app, upload_root):
    from werkzeug.exceptions import NotFound

    row = save_upload(upload(jpeg_bytes()), owner="adminduk")
    storage().delete(row.key)
    with app.test_request_context(), pytest.raises(NotFound, match="Not Found"):
        send_stored(row)


def test_default_backend_is_a_private_folder_under_instance(tmp_path):
    from flask import Flask

    from config import Config
    from core.storage import init_storage

    bare = Flask("bare", instance_path=str(tmp_path / "instance"))
    bare.config.from_object(Config)
    init_storage(bare)
    backend = bare.extensions["storage"]
    assert isinstance(backend, LocalStorage)
    assert backend.root == tmp_path / "instance" / "uploads"


def test_owner_must_be_a_package_name(upload_root):
    with pytest.raises(ValueError, match="package name"):
        save_upload(upload(jpeg_bytes()), owner="../x")


def test_module_documents_itself():
    assert uploads.__doc__ and "atomically" in uploads.__doc__
