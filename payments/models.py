"""Invoices, the money recorded against them, the provider events already
processed, and the payment problems staff must look at.

Amounts are whole rupiah (``int``); the currency is always IDR. An invoice names
what it is for by a generic ``(subject_kind, subject_id)`` pair, so this package
never imports a feature package.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

CURRENCY = "IDR"

OPEN = "open"
PAID = "paid"
EXPIRED = "expired"
REFUNDED = "refunded"
VOID = "void"
STATUSES = (OPEN, PAID, EXPIRED, REFUNDED, VOID)

CASH = "cash"
QRIS = "qris"
STRIPE = "stripe"
METHODS = (CASH, QRIS, STRIPE)

# Payment problems staff must look at (never marked paid automatically).
ISSUE_AMOUNT_MISMATCH = "amount_mismatch"
ISSUE_PAID_AFTER_CLOSE = "paid_after_close"
ISSUE_UNKNOWN_INVOICE = "unknown_invoice"


class Invoice(db.Model):
    """What one person owes for one thing (a stall on a market day, a booth month)."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index("ix_invoices_subject", "subject_kind", "subject_id"),
        Index("ix_invoices_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    # What it is for, in Indonesian, and in English (None on invoices made before
    # English descriptions existed: those show the Indonesian one in both languages).
    description: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[int]  # whole rupiah
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it was paid (cash, qris, stripe) and the receipt or provider reference.
    method: Mapped[str | None] = mapped_column(String(20))
    receipt_number: Mapped[str | None] = mapped_column(String(60))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stripe Checkout: the current session (a new one after it expires) and the payment.
    checkout_attempt: Mapped[int] = mapped_column(default=0)
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_session_url: Mapped[str | None] = mapped_column(String(1000))
    stripe_session_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255), index=True)
    refund_reference: Mapped[str | None] = mapped_column(String(255))
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    payer: Mapped[User | None] = relationship(foreign_keys=[payer_id], lazy="joined")

    def description_for(self, language: str | None) -> str:
        """What the invoice is for, in ``language`` ("id" or "en")."""
        if language == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class ProviderEvent(db.Model):
    """A provider event (Stripe event id) already processed: each is handled once.

    The row is added in the same transaction as the event's effect, so a handler
    that fails leaves no row and the provider's retry is processed again."""

    __tablename__ = "payment_provider_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(100))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(40), default="processed")
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentIssue(db.Model):
    """Something about a payment that staff must check by hand (an amount that does
    not match, money for an invoice already closed). Never contains card data."""

    __tablename__ = "payment_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice | None] = relationship(lazy="joined")
