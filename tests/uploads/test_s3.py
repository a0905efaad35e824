"""The S3 backend against moto's standalone S3 server on a loopback port
(started here; never the internet). Skips when moto is not installed locally;
CI installs it from requirements-dev.txt."""
from __future__ import annotations

import io
import socket
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage

from core.db import utcnow
from core.extensions import db
from core.storage import S3Storage, build_storage
from core.uploads import (
    PRODUCT_PHOTO_VARIANTS,
    StoredFile,
    UploadRefused,
    delete_stored,
    read_stored,
    save_upload,
    send_stored,
    sweep_orphan_uploads,
)
from tests.uploads.conftest import jpeg_bytes, pdf_bytes, raw_pdf

moto_server = pytest.importorskip("moto.server", reason="moto[server] not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(app, s3_endpoint, monkeypatch):
    """The app's storage switched to a fresh bucket on the local S3 server."""
    bucket = f"rp-{utcnow().timestamp():.0f}-{socket.gethostname()[:5].lower()}".replace("_", "-")
    config = {
        "UPLOAD_STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing",
        "S3_PREFIX": "uploads",
    }
    backend = build_storage(config)
    assert isinstance(backend, S3Storage)
    backend.client.create_bucket(Bucket=bucket)
    monkeypatch.setitem(app.extensions, "storage", backend)
    yield backend
    for obj in list(backend.list()):
        backend.remove_listed(obj.key)
    backend.client.delete_bucket(Bucket=bucket)


def upload(data: bytes, name="ktp.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_image_with_variants_round_trips_through_s3(s3):
    row = save_upload(upload(jpeg_bytes(size=(900, 600))), owner="marketplace",
                      variants=PRODUCT_PHOTO_VARIANTS)
    db.session.commit()
    keys = {row.key, row.variant_named("thumb").key, row.variant_named("large").key}
    assert {obj.key for obj in s3.list()} == keys
    listed = s3.client.list_objects_v2(Bucket=s3.bucket)["Contents"]
    assert all(item["Key"].startswith("uploads/marketplace/") for item in listed)
    assert read_stored(row)[:3] == b"\xff\xd8\xff"
    assert row.variant_named("thumb").size <= 40_000


def test_pdf_served_from_s3_as_attachment(app, s3):
    data = pdf_bytes(pages=2)
    row = save_upload(upload(data, "akta.pdf"), owner="adminduk")
    with app.test_request_context():
        response = send_stored(row)
    assert response.get_data() == data
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"


def test_refused_file_never_reaches_the_bucket(s3):
    with pytest.raises(UploadRefused, match="skrip"):
        save_upload(upload(raw_pdf(b"/OpenAction << /S /JavaScript /JS (1) >>"), "x.pdf"), owner="adminduk")
    assert list(s3.list()) == []


def test_rollback_and_delete_after_commit_on_s3(s3):
    rolled_back = save_upload(upload(jpeg_bytes()), owner="adminduk")
    key = rolled_back.key
    assert s3.exists(key)
    db.session.rollback()
    assert not s3.exists(key)

    kept = save_upload(upload(jpeg_bytes()), owner="adminduk")
    db.session.commit()
    assert s3.exists(kept.key)
    delete_stored(kept)
    db.session.commit()
    assert not s3.exists(kept.key) and db.session.query(StoredFile).count() == 0
    with pytest.raises(FileNotFoundError, match="adminduk/"):
        s3.get(kept.key)


def test_orphan_sweep_on_s3(s3):
    kept = save_upload(upload(jpeg_bytes()), owner="adminduk")
    db.session.commit()
    orphan = save_upload(upload(jpeg_bytes()), owner="adminduk")
    orphan_key = orphan.key
    db.session.info.clear()  # the process died before commit
    db.session.rollback()
    assert sweep_orphan_uploads() == 0
    assert sweep_orphan_uploads(now=utcnow() + timedelta(hours=7)) == 1
    assert not s3.exists(orphan_key) and s3.exists(kept.key)


def test_member_deletion_removes_her_documents_from_the_bucket(s3, make_user):
    """Issue 10: deleting the account deletes the files from whichever backend holds them."""
    from accounts.services import delete_account
    from community.adminduk import requests as adminduk_requests

    member = make_user()
    adminduk_requests.open_request(member, services=["ktp-lost"], regency="kota-kupang", description="x",
                                   files=[jpeg_bytes(), pdf_bytes()], consent=True)
    db.session.commit()
    assert len(list(s3.list())) == 2
    delete_account(member)
    db.session.commit()
    assert list(s3.list()) == []
