"""Fixtures for the marketplace tests: businesses in any state, products."""
from __future__ import annotations

import itertools

import pytest

from core.extensions import db
from marketplace import businesses, products
from marketplace.models import APPROVED

_n = itertools.count(1)

BUSINESS_DATA = dict(
    name="Se'i Babi Om Yos",
    category="kuliner",
    description="Se'i babi asap kayu kosambi, resep keluarga dari Rote.",
    story="Enam tahun bekerja di Malaysia, pulang dan membuka dapur se'i.",
    regency="kota-kupang",
    address="Jl. Timor Raya No. 12, Oesapa",
    only_at_market=False,
    whatsapp="+6281234567890",
    opening_hours="Senin–Sabtu 08.00–17.00",
    nib=None,
    delivers=True,
    cash_on_delivery=True,
    stall_only=False,
)


@pytest.fixture
def make_business(make_user):
    """A business owned by ``owner`` (a new member by default), approved unless
    ``status`` says otherwise; extra keyword arguments are model fields."""

    def factory(owner=None, status=APPROVED, **fields):
        owner = owner or make_user()
        data = {**BUSINESS_DATA, "name": f"{BUSINESS_DATA['name']} {next(_n)}"}
        data.update({k: v for k, v in fields.items() if k in businesses.EDITABLE_FIELDS})
        business = businesses.register_business(owner, data)
        business.status = status
        for key, value in fields.items():
            if key not in businesses.EDITABLE_FIELDS:
                setattr(business, key, value)
        db.session.commit()
        return business

    return factory


@pytest.fixture
def make_product():
    def factory(business, **fields):
        data = dict(name=f"Se'i babi {next(_n)}", description="Se'i babi asap, 250 gram.",
                    price=85000, unit="pack", tags="se'i, babi")
        data.update(fields)
        product = products.add_product(business.members[0].user, business, data)
        db.session.commit()
        return product

    return factory


from tests.uploads.conftest import upload_root  # noqa: E402,F401  (the local upload folder, emptied)
