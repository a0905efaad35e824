from __future__ import annotations

import pytest

from core.extensions import db
from payments import services
from tests.payments.stripe_double import SECRET_KEY, WEBHOOK_SECRET, StripeDouble, sign


@pytest.fixture
def stripe_double(app, monkeypatch):
    double = StripeDouble()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(app.config, "STRIPE_HTTP_CLIENT", double)
    return double


@pytest.fixture
def make_invoice(make_user):
    def factory(payer=None, amount=25_000, **fields):
        payer = payer or make_user()
        invoice = services.create_invoice(
            payer, subject_kind=fields.pop("subject_kind", "test"), subject_id=fields.pop("subject_id", 1),
            amount=amount, description=fields.pop("description", "Lapak A-01, Minggu"),
            description_en=fields.pop("description_en", None),
        )
        db.session.commit()
        return invoice

    return factory


@pytest.fixture
def post_event(client):
    def do(payload: str, signature: str | None = None, **kwargs):
        headers = {"Stripe-Signature": signature if signature is not None else sign(payload, **kwargs)}
        return client.post("/payments/stripe/webhook", data=payload, headers=headers,
                           content_type="application/json")

    return do
