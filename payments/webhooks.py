"""Stripe webhooks: verify, process each event once, reach the right final state.

- The signature is checked on the raw request body by the ``stripe`` library's
  own verification, with a tolerance on the timestamp (old replays refused).
- Each event id is recorded in ``payment_provider_events`` in the same
  transaction as its effect. A second copy (a retry, or two deliveries at the
  same moment) hits the unique index and is acknowledged without effect; a
  handler that fails rolls everything back, so Stripe's retry runs it again.
- Out of order: state only moves forward (open -> paid -> refunded), so a late
  ``checkout.session.completed`` after a refund, or an expired session after the
  payment, changes nothing.
- A payment is marked only when its amount and currency match the invoice;
  otherwise the invoice stays as it is and staff find a payment issue.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.extensions import db
from payments import services
from payments.models import (
    ISSUE_AMOUNT_MISMATCH,
    ISSUE_PAID_AFTER_CLOSE,
    ISSUE_UNKNOWN_INVOICE,
    OPEN,
    PAID,
    REFUNDED,
    STRIPE,
    Invoice,
    ProviderEvent,
)
from payments.money import to_stripe_amount

log = logging.getLogger("rumahpurna.payments")


class BadSignature(Exception):
    """The body was not signed by Stripe with our secret, or is too old."""


class DuplicateEvent(Exception):
    """Another copy of this event was processed at the same moment; the caller rolls
    back and acknowledges it."""


@dataclass(frozen=True)
class Outcome:
    event_id: str
    outcome: str  # processed, duplicate, ignored, issue


def verify(payload: bytes, signature: str | None) -> dict:
    """The event in ``payload`` after Stripe's own signature check on the raw body."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise BadSignature("no webhook secret configured")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=current_app.config["STRIPE_WEBHOOK_TOLERANCE_SECONDS"]
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise BadSignature(str(error)) from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadSignature("not an event")
    return event


def handle(payload: bytes, signature: str | None) -> Outcome:
    """Verify and process one delivery (the view commits, or rolls back on error)."""
    event = verify(payload, signature)
    event_id = str(event["id"])[:255]
    seen = db.session.scalar(
        select(ProviderEvent.id).where(ProviderEvent.provider == STRIPE, ProviderEvent.event_id == event_id)
    )
    if seen:
        log.info("stripe event %s already processed", event_id)
        return Outcome(event_id, "duplicate")
    record = ProviderEvent(provider=STRIPE, event_id=event_id, event_type=str(event["type"])[:100])
    db.session.add(record)
    try:
        # A copy being processed at this very moment holds the same key: this
        # waits for it and then fails here, before any effect.
        db.session.flush()
    except IntegrityError:
        raise DuplicateEvent(event_id) from None
    handler = HANDLERS.get(event["type"])
    obj = (event.get("data") or {}).get("object") or {}
    if handler is None:
        record.outcome = "ignored"
    else:
        invoice, outcome = handler(obj)
        record.invoice_id = invoice.id if invoice is not None else None
        record.outcome = outcome
    db.session.flush()
    return Outcome(event["id"], record.outcome)


def _invoice_for_session(session: dict) -> Invoice | None:
    invoice = None
    if session.get("id"):
        invoice = db.session.scalar(select(Invoice).where(Invoice.stripe_session_id == session["id"]))
    if invoice is None:
        reference = session.get("client_reference_id") or (session.get("metadata") or {}).get("invoice_id")
        if reference and str(reference).isdigit():
            invoice = db.session.get(Invoice, int(reference))
    return invoice


def _invoice_for_charge(charge: dict) -> Invoice | None:
    intent = charge.get("payment_intent")
    invoice = None
    if intent:
        invoice = db.session.scalar(select(Invoice).where(Invoice.stripe_payment_intent == intent))
    if invoice is None:
        reference = (charge.get("metadata") or {}).get("invoice_id")
        if reference and str(reference).isdigit():
            invoice = db.session.get(Invoice, int(reference))
    return invoice


def _session_paid(session: dict) -> tuple[Invoice | None, str]:
    invoice = _invoice_for_session(session)
    if invoice is None:
        services.report_issue(None, ISSUE_UNKNOWN_INVOICE, "paid session for no known invoice", session.get("id"))
        return None, "issue"
    amount, currency = session.get("amount_total"), str(session.get("currency") or "").upper()
    if amount != to_stripe_amount(invoice.amount) or currency != invoice.currency:
        services.report_issue(
            invoice, ISSUE_AMOUNT_MISMATCH,
            f"Stripe reports {amount} {currency}; invoice expects "
            f"{to_stripe_amount(invoice.amount)} {invoice.currency}",
            session.get("id"),
        )
        return invoice, "issue"
    if invoice.status in (PAID, REFUNDED):
        return invoice, "already"  # a refund seen first, or the same payment twice
    moved = services.change_status(
        invoice, (OPEN,), PAID,
        method=STRIPE, paid_at=utcnow(),
        stripe_payment_intent=session.get("payment_intent"),
        receipt_number=str(session.get("payment_intent") or session.get("id"))[:60],
    )
    if not moved:
        # Money arrived for an invoice that was closed meanwhile (expired, void).
        services.report_issue(
            invoice, ISSUE_PAID_AFTER_CLOSE,
            f"paid while the invoice was {invoice.status}; refund or reopen by hand",
            session.get("payment_intent") or session.get("id"),
        )
        return invoice, "issue"
    return invoice, "processed"


def checkout_completed(session: dict) -> tuple[Invoice | None, str]:
    if session.get("payment_status") != "paid":
        return _invoice_for_session(session), "waiting"  # a delayed method: wait for its event
    return _session_paid(session)


def checkout_expired(session: dict) -> tuple[Invoice | None, str]:
    """A session ran out: the invoice stays open and the next click makes a new one."""
    invoice = _invoice_for_session(session)
    if invoice is not None and invoice.status == OPEN and invoice.stripe_session_id == session.get("id"):
        invoice.stripe_session_url = None
        invoice.stripe_session_expires_at = None
    return invoice, "processed"


def charge_refunded(charge: dict) -> tuple[Invoice | None, str]:
    invoice = _invoice_for_charge(charge)
    if invoice is None:
        return None, "ignored"
    if not charge.get("refunded"):
        return invoice, "partial"  # partial refunds are handled by hand
    if invoice.status == REFUNDED:
        return invoice, "already"
    services.change_status(
        invoice, (OPEN, PAID), REFUNDED,
        refunded_at=utcnow(), refund_reference=(charge.get("refunds") or {}).get("id") or charge.get("id"),
        stripe_payment_intent=invoice.stripe_payment_intent or charge.get("payment_intent"),
    )
    return invoice, "processed"


def payment_failed(session: dict) -> tuple[Invoice | None, str]:
    return _invoice_for_session(session), "processed"


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": payment_failed,
    "checkout.session.expired": checkout_expired,
    "charge.refunded": charge_refunded,
}
