"""Invoices and the money recorded against them: the API feature packages use.

Feature packages create an invoice for a subject of theirs (``subject_kind``,
``subject_id``) with the amount from their own server-side record, then follow
its state through the ``invoice_status_changed`` signal. Services only flush.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from accounts.models import User
from core.db import paginated, utcnow
from core.extensions import db
from core.signals import invoice_status_changed
from core.status import StatusChanged
from core.status import change_status as guarded_change
from notifications.services import N_
from payments.errors import PaymentRefused
from payments.models import (
    CASH,
    CURRENCY,
    EXPIRED,
    OPEN,
    PAID,
    QRIS,
    REFUNDED,
    STRIPE,
    VOID,
    Invoice,
    PaymentIssue,
)
from payments.money import from_stripe_amount
from payments.providers import provider_for, stripe_provider

log = logging.getLogger("rumahpurna.payments")

MAX_AMOUNT = 100_000_000  # Rp 100 juta: nothing the city charges comes close


def stripe_enabled() -> bool:
    """Whether card/e-wallet payment through Stripe Checkout is on (a key is set)."""
    return stripe_provider().enabled()


def create_invoice(
    payer: User,
    *,
    subject_kind: str,
    subject_id: int,
    amount: int,
    description: str,
    description_en: str | None = None,
    due_at: datetime | None = None,
) -> Invoice:
    """A new open invoice of ``amount`` whole rupiah for ``payer``, described in
    Indonesian (``description``) and English. The amount must come from the caller's
    server-side record, never from a form."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise ValueError(f"invoice amount out of range: {amount!r}")
    invoice = Invoice(
        payer_id=payer.id,
        payer=payer,
        subject_kind=subject_kind,
        subject_id=subject_id,
        amount=amount,
        currency=CURRENCY,
        description=description[:200],
        description_en=description_en[:200] if description_en else None,
        due_at=due_at,
        status=OPEN,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def get_invoice(invoice_id: int) -> Invoice | None:
    return db.session.get(Invoice, invoice_id)


def invoices_for(subject_kind: str, subject_ids: Iterable[int]) -> dict[int, Invoice]:
    """The newest invoice of each subject, in one query."""
    ids = list(set(subject_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Invoice)
        .where(Invoice.subject_kind == subject_kind, Invoice.subject_id.in_(ids))
        .order_by(Invoice.id)
    )
    return {invoice.subject_id: invoice for invoice in rows}


def change_status(invoice: Invoice, expected: Iterable[str], new: str, **values) -> bool:
    """Move ``invoice`` to ``new`` only from one of the ``expected`` states
    (``core.status.change_status``: of two actors at once, one wins). Tells the
    subject's owner through ``invoice_status_changed``. Returns whether it moved."""
    old = invoice.status
    try:
        guarded_change(Invoice, invoice, tuple(expected), new, updated_at=utcnow(), **values)
    except StatusChanged:
        db.session.refresh(invoice)
        return False
    db.session.refresh(invoice)
    invoice_status_changed.send(invoice, old_status=old, new_status=new)
    return True


def record_manual_payment(actor: User, invoice: Invoice, *, method: str, receipt_number: str) -> Invoice:
    """Staff record money received in cash or by QRIS to the city's account, with
    the receipt number. Only an open invoice can be paid."""
    if method not in (CASH, QRIS):
        raise PaymentRefused(N_("Cara bayar tidak dikenal."))
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise PaymentRefused(N_("Nomor kuitansi wajib diisi."))
    moved = change_status(
        invoice, (OPEN,), PAID,
        method=method, receipt_number=receipt_number[:60], recorded_by_id=actor.id, paid_at=utcnow(),
    )
    if not moved:
        raise PaymentRefused(N_("Tagihan ini sudah berubah sementara itu. Periksa statusnya."))
    return invoice


def start_checkout(payer: User, invoice: Invoice, *, success_url: str, cancel_url: str) -> str:
    """The Stripe Checkout address for an open invoice of ``payer``. Reuses the
    current session while it lives; a new attempt only after it expired. The
    success page marks nothing paid: only the verified webhook does."""
    provider = stripe_provider()
    if not provider.enabled():
        raise PaymentRefused(N_("Pembayaran daring belum tersedia. Bayar tunai atau QRIS di kantor UMKM."))
    if invoice.payer_id != payer.id or invoice.status != OPEN:
        raise PaymentRefused(N_("Tagihan ini tidak bisa dibayar lagi."))
    now = utcnow()
    if invoice.stripe_session_url and invoice.stripe_session_expires_at and invoice.stripe_session_expires_at > now:
        return invoice.stripe_session_url
    if invoice.stripe_session_id:
        # The previous session is over: a fresh attempt gets a fresh idempotency key.
        invoice.checkout_attempt += 1
    session = provider.create_checkout(invoice, success_url, cancel_url)
    invoice.stripe_session_id = session.id
    invoice.stripe_session_url = session.url
    invoice.stripe_session_expires_at = session.expires_at
    db.session.flush()
    return session.url


def live_checkout_url(invoice: Invoice) -> str | None:
    """The address of the invoice's Checkout Session while it can still be paid."""
    if invoice.status != OPEN or not invoice.stripe_session_url or invoice.stripe_session_expires_at is None:
        return None
    return invoice.stripe_session_url if invoice.stripe_session_expires_at > utcnow() else None


def void_invoice(invoice: Invoice, reason: str) -> bool:
    """Close an unpaid invoice nobody should pay any more (a day cancelled)."""
    live = live_checkout_url(invoice)
    moved = change_status(invoice, (OPEN,), VOID, closed_reason=reason[:300])
    if moved and live:
        _expire_session(invoice)
    return moved


def expire_invoice(invoice: Invoice) -> bool:
    """Close an unpaid invoice whose time to pay has passed."""
    live = live_checkout_url(invoice)
    moved = change_status(invoice, (OPEN,), EXPIRED, closed_reason="payment time passed")
    if moved and live:
        _expire_session(invoice)
    return moved


def _expire_session(invoice: Invoice) -> None:
    """Close the invoice's open Checkout Session at Stripe so nobody pays a closed
    invoice. Should Stripe be unreachable, a late payment still becomes a payment
    issue for staff (never "paid")."""
    try:
        stripe_provider().expire_checkout(invoice.stripe_session_id)
    except Exception:
        log.warning("could not expire the Checkout Session of invoice %s", invoice.id, exc_info=True)


def refund_invoice(actor: User | None, invoice: Invoice, reason: str) -> bool:
    """Give back the money of a paid invoice (the city cancelled the day). Stripe
    payments are refunded through Stripe; cash and QRIS are handed back at the
    office. Returns whether the invoice moved to refunded."""
    if invoice.status != PAID:
        return False
    reference = provider_for(invoice).refund(invoice)
    return change_status(
        invoice, (PAID,), REFUNDED,
        refund_reference=reference, refunded_at=utcnow(), closed_reason=reason[:300],
    )


def close_invoice(invoice: Invoice, reason: str, actor: User | None = None) -> str:
    """Void an open invoice or refund a paid one; returns the resulting status."""
    if invoice.status == OPEN:
        void_invoice(invoice, reason)
    elif invoice.status == PAID:
        refund_invoice(actor, invoice, reason)
    return invoice.status


def report_issue(invoice: Invoice | None, kind: str, detail: str, reference: str | None = None) -> PaymentIssue:
    """Log a payment problem for staff (never marks anything paid)."""
    issue = PaymentIssue(invoice_id=invoice.id if invoice else None, kind=kind, detail=detail[:500], reference=reference)
    db.session.add(issue)
    db.session.flush()
    log.warning("payment issue %s on invoice %s: %s", kind, invoice.id if invoice else None, detail)
    return issue


def staff_invoices(status: str | None = None, limit: int = 100, offset: int = 0) -> list[Invoice]:
    """Invoices for the staff list, newest first."""
    query = paginated(select(Invoice).order_by(Invoice.id.desc()), limit, offset)
    if status:
        query = query.where(Invoice.status == status)
    return list(db.session.scalars(query))


def open_issues() -> list[PaymentIssue]:
    return list(db.session.scalars(
        select(PaymentIssue).where(PaymentIssue.resolved_at.is_(None)).order_by(PaymentIssue.id.desc())
    ))


def invoices_of(payer: User) -> list[Invoice]:
    """A payer's own invoices, newest first."""
    return list(db.session.scalars(
        select(Invoice).where(Invoice.payer_id == payer.id).order_by(Invoice.id.desc())
    ))


@dataclass(frozen=True)
class ReconciliationRow:
    """One Checkout Session: what Stripe says beside what we recorded."""

    session_id: str
    invoice: Invoice | None
    stripe_status: str | None
    stripe_payment_status: str | None
    stripe_amount: int | None  # whole rupiah, None when Stripe does not know it
    stripe_currency: str | None

    @property
    def stripe_paid(self) -> bool:
        return self.stripe_payment_status == "paid"

    @property
    def agrees(self) -> bool:
        if self.invoice is None or self.stripe_status is None:
            return False
        amount_ok = self.stripe_amount == self.invoice.amount and self.stripe_currency == self.invoice.currency
        recorded_paid = self.invoice.status in (PAID, REFUNDED) and self.invoice.method == STRIPE
        if self.stripe_paid:
            return amount_ok and recorded_paid
        return not recorded_paid


def _rupiah_or_none(minor) -> int | None:
    try:
        return from_stripe_amount(minor)
    except (TypeError, ValueError):
        return None


def reconcile(sessions: list[dict], since: datetime) -> list[ReconciliationRow]:
    """Pair Stripe's sessions with our invoices (two queries at most)."""
    by_id = {s["id"]: s for s in sessions if s.get("id")}
    ours = {
        invoice.stripe_session_id: invoice
        for invoice in db.session.scalars(
            select(Invoice).where(
                or_(Invoice.stripe_session_id.in_(list(by_id)), Invoice.created_at >= since),
                Invoice.stripe_session_id.is_not(None),
            )
        )
    }
    rows = []
    for session_id in sorted(set(by_id) | set(ours), reverse=True):
        session = by_id.get(session_id) or {}
        amount = session.get("amount_total")
        rows.append(ReconciliationRow(
            session_id=session_id,
            invoice=ours.get(session_id),
            stripe_status=session.get("status"),
            stripe_payment_status=session.get("payment_status"),
            stripe_amount=_rupiah_or_none(amount),
            stripe_currency=str(session["currency"]).upper() if session.get("currency") else None,
        ))
    return rows


__all__ = [
    "CASH", "EXPIRED", "OPEN", "PAID", "QRIS", "REFUNDED", "STRIPE", "VOID",
    "PaymentRefused", "close_invoice", "create_invoice", "expire_invoice", "get_invoice",
    "invoices_for", "record_manual_payment", "refund_invoice", "start_checkout",
    "stripe_enabled", "void_invoice",
]
