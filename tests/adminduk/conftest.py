"""Fixtures of the adminduk tests: a member, a registrar, requests made through
the services, and document photos made by the tests."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from community.adminduk import requests as request_services
from community.adminduk.defaults import seed_defaults
from core.extensions import db

# A valid NIK: Kota Kupang (5371), district 01, a woman born 25/12/1990 (25+40=65), serial 0012.
NIK = "5371016512900012"
KK = "5371010101150003"


def photo(size=(60, 40), color=(120, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _clean_uploads(app):
    import shutil

    from core.storage import storage

    root = getattr(storage(), "root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
    yield


@pytest.fixture
def member(make_user):
    return make_user(roles=("member",), name="Maria Nenobais", regency="kota-kupang")


@pytest.fixture
def registrar(make_user):
    return make_user(roles=("member", "registrar"), name="Fransiskus Benu")


@pytest.fixture
def open_request(member):
    """``open_request(**overrides)``: a committed request of ``member`` by default."""

    def make(owner=None, *, services=("ktp-address",), nik=None, files=(), consent=None, **fields):
        owner = owner or member
        help_request = request_services.open_request(
            owner, services=list(services), regency=fields.pop("regency", "kota-kupang"),
            description=fields.pop("description", "KTP saya masih alamat lama."), nik=nik,
            files=list(files), consent=bool(nik or files) if consent is None else consent, **fields,
        )
        db.session.commit()
        return help_request

    return make


@pytest.fixture
def guides_seeded():
    seed_defaults()
    db.session.commit()
