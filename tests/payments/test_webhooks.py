"""Every webhook case, with payloads signed exactly as Stripe signs them."""
from __future__ import annotations

import time

import pytest

from core.extensions import db
from core.signals import invoice_status_changed
from payments import services, webhooks
from payments.models import Invoice, PaymentIssue, ProviderEvent
from tests.payments.stripe_double import charge_refunded, event, sign


@pytest.fixture
def session_for(app, make_invoice, make_user, stripe_double):
    """An invoice with an open Checkout Session; returns (invoice, paid session)."""

    def do(amount=25_000):
        payer = make_user()
        invoice = make_invoice(payer=payer, amount=amount)
        services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
        db.session.commit()
        return invoice, stripe_double.pay(invoice.stripe_session_id)

    return do


def _reload(invoice) -> Invoice:
    db.session.expire_all()
    return db.session.get(Invoice, invoice.id)


def test_completed_session_marks_paid(post_event, session_for):
    invoice, session = session_for()
    response = post_event(event("checkout.session.completed", session))
    assert response.status_code == 200
    invoice = _reload(invoice)
    assert invoice.status == "paid"
    assert invoice.method == "stripe"
    assert invoice.stripe_payment_intent == session["payment_intent"]


def test_bad_signature_is_refused(post_event, session_for):
    invoice, session = session_for()
    payload = event("checkout.session.completed", session)
    assert post_event(payload, signature=sign(payload, secret="whsec_wrong")).status_code == 400
    assert post_event(payload, signature="").status_code == 400
    assert post_event(payload, signature="t=abc,v1=00").status_code == 400
    assert _reload(invoice).status == "open"
    assert db.session.query(ProviderEvent).count() == 0


def test_signature_is_checked_on_the_raw_body(post_event, session_for):
    """Re-serialised JSON (other spacing) no longer matches the signature."""
    invoice, session = session_for()
    payload = event("checkout.session.completed", session)
    signature = sign(payload)
    assert post_event(payload.replace(", ", ",  "), signature=signature).status_code == 400
    assert _reload(invoice).status == "open"


def test_old_timestamp_is_refused(post_event, session_for):
    invoice, session = session_for()
    payload = event("checkout.session.completed", session)
    assert post_event(payload, timestamp=int(time.time()) - 301).status_code == 400
    assert _reload(invoice).status == "open"
    assert post_event(payload, timestamp=int(time.time()) - 10).status_code == 200
    assert _reload(invoice).status == "paid"


def test_each_event_is_processed_once(post_event, session_for):
    invoice, session = session_for()
    seen = []

    def receiver(sender, **changes):
        seen.append(changes["new_status"])

    invoice_status_changed.connect(receiver)
    try:
        payload = event("checkout.session.completed", session)
        first, second = post_event(payload), post_event(payload)
    finally:
        invoice_status_changed.disconnect(receiver)
    assert first.json["status"] == "processed"
    assert second.json["status"] == "duplicate"
    assert seen == ["paid"]
    assert db.session.query(ProviderEvent).count() == 1


def test_a_failed_handler_is_processed_on_stripes_retry(post_event, session_for, monkeypatch):
    invoice, session = session_for()
    payload = event("checkout.session.completed", session)

    def broken(_obj):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", broken)
    assert post_event(payload).status_code == 500
    assert _reload(invoice).status == "open"
    assert db.session.query(ProviderEvent).count() == 0
    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", webhooks.checkout_completed)
    assert post_event(payload).status_code == 200
    assert _reload(invoice).status == "paid"


def test_amount_mismatch_is_never_paid_and_logged_for_staff(post_event, session_for, stripe_double, caplog):
    invoice, session = session_for(amount=25_000)
    session = stripe_double.pay(session["id"], amount=100)
    with caplog.at_level("WARNING", logger="rumahpurna.payments"):
        assert post_event(event("checkout.session.completed", session)).status_code == 200
    assert _reload(invoice).status == "open"
    issue = db.session.query(PaymentIssue).one()
    assert issue.kind == "amount_mismatch" and issue.invoice_id == invoice.id
    assert "amount_mismatch" in caplog.text


def test_currency_mismatch_is_never_paid(post_event, session_for, stripe_double):
    invoice, session = session_for(amount=25_000)
    session = stripe_double.pay(session["id"], currency="usd")
    post_event(event("checkout.session.completed", session))
    assert _reload(invoice).status == "open"
    assert db.session.query(PaymentIssue).one().kind == "amount_mismatch"


def test_expired_session_after_payment_keeps_paid(post_event, session_for):
    invoice, session = session_for()
    post_event(event("checkout.session.completed", session))
    post_event(event("checkout.session.expired", {**session, "status": "expired"}))
    assert _reload(invoice).status == "paid"


def test_expired_session_lets_the_payer_start_again(post_event, session_for):
    invoice, session = session_for()
    post_event(event("checkout.session.expired", {**session, "status": "expired", "payment_status": "unpaid"}))
    invoice = _reload(invoice)
    assert invoice.status == "open" and invoice.stripe_session_url is None


def test_refund_before_completion_ends_refunded(post_event, session_for):
    """Out of order: the refund event arrives before the completed one."""
    invoice, session = session_for()
    post_event(event("charge.refunded", charge_refunded(session)))
    post_event(event("checkout.session.completed", session))
    assert _reload(invoice).status == "refunded"


def test_refund_after_completion_ends_refunded(post_event, session_for):
    invoice, session = session_for()
    post_event(event("checkout.session.completed", session))
    post_event(event("charge.refunded", charge_refunded(session)))
    assert _reload(invoice).status == "refunded"


def test_delayed_payment_waits_for_its_success_event(post_event, session_for):
    invoice, session = session_for()
    post_event(event("checkout.session.completed", {**session, "payment_status": "unpaid"}))
    assert _reload(invoice).status == "open"
    post_event(event("checkout.session.async_payment_succeeded", session))
    assert _reload(invoice).status == "paid"


def test_payment_for_a_closed_invoice_is_an_issue(post_event, session_for):
    invoice, session = session_for()
    services.void_invoice(invoice, "day cancelled")
    db.session.commit()
    post_event(event("checkout.session.completed", session))
    assert _reload(invoice).status == "void"
    assert db.session.query(PaymentIssue).one().kind == "paid_after_close"


def test_unknown_event_types_are_acknowledged(post_event, stripe_double):
    response = post_event(event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.json["status"] == "ignored"


def test_webhook_is_the_csrf_exempt_route(app, post_event, session_for, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    invoice, session = session_for()
    assert post_event(event("checkout.session.completed", session)).status_code == 200
    assert _reload(invoice).status == "paid"


def test_refund_through_stripe(app, post_event, session_for, stripe_double):
    invoice, session = session_for()
    post_event(event("checkout.session.completed", session))
    invoice = _reload(invoice)
    assert services.refund_invoice(None, invoice, "market day cancelled")
    db.session.commit()
    assert _reload(invoice).status == "refunded"
    assert stripe_double.calls[-1]["path"] == "/v1/refunds"
    assert stripe_double.calls[-1]["params"]["payment_intent"] == session["payment_intent"]
    assert stripe_double.calls[-1]["key"] == f"invoice-{invoice.id}-refund"
    # Stripe's own refund event arriving afterwards changes nothing.
    assert post_event(event("charge.refunded", charge_refunded(session))).json["status"] == "already"
