"""PostgreSQL: copies of one Stripe event delivered at the same moment, and two
staff recording the same cash payment at once."""
from __future__ import annotations

import time
from functools import partial

import pytest

from accounts.models import User
from core.extensions import db
from payments import services, webhooks
from payments.errors import PaymentRefused
from payments.models import Invoice, ProviderEvent
from tests.conftest import POSTGRES
from tests.payments.stripe_double import event, sign

pytestmark = pytest.mark.skipif(not POSTGRES, reason="concurrency needs PostgreSQL (TEST_DATABASE_URL)")


def test_copies_of_one_event_at_the_same_moment_pay_once(app, make_invoice, make_user, stripe_double, monkeypatch, run_together):
    payer = make_user()
    invoice = make_invoice(payer=payer)
    services.start_checkout(payer, invoice, success_url="http://x", cancel_url="http://x")
    db.session.commit()
    payload = event("checkout.session.completed", stripe_double.pay(invoice.stripe_session_id))
    real = webhooks.HANDLERS["checkout.session.completed"]

    def slow(obj):
        result = real(obj)
        time.sleep(0.3)  # hold the transaction open while the other copies arrive
        return result

    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", slow)
    changes = []
    from core.signals import invoice_status_changed

    def receiver(sender, **kw):
        changes.append(kw["new_status"])

    invoice_status_changed.connect(receiver)

    def deliver(_i):
        response = app.test_client().post(
            "/payments/stripe/webhook", data=payload, content_type="application/json",
            headers={"Stripe-Signature": sign(payload)},
        )
        return response.status_code, response.json["status"]

    try:
        results = run_together([partial(deliver, i) for i in range(4)])
    finally:
        invoice_status_changed.disconnect(receiver)
    assert sorted(results) == [(200, "duplicate")] * 3 + [(200, "processed")]
    assert changes == ["paid"]
    db.session.expire_all()
    assert db.session.query(ProviderEvent).count() == 1
    assert db.session.get(Invoice, invoice.id).status == "paid"


def test_two_staff_record_one_payment_at_once(make_invoice, make_user, run_together):
    invoice = make_invoice()
    staff = [make_user(roles=("umkm_staff",)).id for _ in range(2)]

    def record(i):
        inv = db.session.get(Invoice, invoice.id)
        try:
            services.record_manual_payment(db.session.get(User, staff[i]), inv, method="cash", receipt_number=f"K{i}")
            db.session.commit()
            return "paid"
        except PaymentRefused:
            db.session.rollback()
            return "refused"

    assert sorted(run_together([partial(record, i) for i in range(2)])) == ["paid", "refused"]
