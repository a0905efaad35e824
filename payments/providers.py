"""The payment providers behind one interface.

- ``CashProvider``: money handed to staff (cash, or QRIS paid to the city's
  account) and recorded by them with a receipt number. Always available.
- ``StripeProvider``: Stripe Checkout through the ``stripe`` library. Off when no
  ``STRIPE_SECRET_KEY`` is set. Only this module talks to Stripe.

Tests plug a double into the library's own HTTP-client hook
(``STRIPE_HTTP_CLIENT``, a ``stripe.HTTPClient`` subclass), so the real library
code builds and parses every request and nothing reaches the network.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import stripe
from flask import current_app

from core.db import utcnow
from payments.models import CASH, STRIPE, Invoice
from payments.money import to_stripe_amount

# Stripe accepts 30 minutes to 24 hours; a short life keeps abandoned sessions few.
CHECKOUT_SESSION_MINUTES = 60


class Provider(Protocol):
    """What every provider offers the services."""

    name: str

    def enabled(self) -> bool:
        """Whether this provider can be used in this deployment."""

    def refund(self, invoice: Invoice) -> str | None:
        """Give the money of a paid invoice back; returns the provider's reference."""


class CashProvider:
    """Cash or QRIS, received and recorded by staff; refunds are handed back at
    the office (the staff member records it)."""

    name = CASH

    def enabled(self) -> bool:
        return True

    def refund(self, invoice: Invoice) -> str | None:
        return None


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: datetime


class StripeProvider:
    """Stripe Checkout (one session per invoice attempt) and refunds."""

    name = STRIPE

    def enabled(self) -> bool:
        return bool(current_app.config.get("STRIPE_SECRET_KEY"))

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            current_app.config["STRIPE_SECRET_KEY"],
            http_client=current_app.config.get("STRIPE_HTTP_CLIENT"),
            max_network_retries=2,
        )

    def create_checkout(self, invoice: Invoice, success_url: str, cancel_url: str) -> CheckoutSession:
        """One Checkout Session for this invoice attempt. The idempotency key makes a
        double click or a retry (ours or the library's) return the same session."""
        expires_at = utcnow() + timedelta(minutes=CHECKOUT_SESSION_MINUTES)
        # Stripe's page names what is paid for in the payer's language.
        payer_language = invoice.payer.locale if invoice.payer is not None else None
        session = self.client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": str(invoice.id),
                "metadata": {"invoice_id": str(invoice.id)},
                "payment_intent_data": {"metadata": {"invoice_id": str(invoice.id)}},
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": invoice.currency.lower(),
                            "unit_amount": to_stripe_amount(invoice.amount),
                            "product_data": {"name": invoice.description_for(payer_language)[:200]},
                        },
                    }
                ],
                "success_url": success_url,
                "cancel_url": cancel_url,
                "expires_at": int(expires_at.timestamp()),
            },
            options={"idempotency_key": f"invoice-{invoice.id}-checkout-{invoice.checkout_attempt}"},
        )
        return CheckoutSession(id=session.id, url=session.url, expires_at=expires_at)

    def expire_checkout(self, session_id: str) -> None:
        """Close a Checkout Session nobody should pay any more."""
        self.client().v1.checkout.sessions.expire(session_id)

    def refund(self, invoice: Invoice) -> str | None:
        refund = self.client().v1.refunds.create(
            params={"payment_intent": invoice.stripe_payment_intent},
            options={"idempotency_key": f"invoice-{invoice.id}-refund"},
        )
        return refund.id

    def sessions_since(self, since: datetime, limit: int = 100) -> list[dict]:
        """Checkout Sessions created since ``since`` as Stripe reports them."""
        page = self.client().v1.checkout.sessions.list(
            params={"limit": limit, "created": {"gte": int(since.timestamp())}}
        )
        return [session.to_dict() for session in page.data]


def cash() -> CashProvider:
    return CashProvider()


def stripe_provider() -> StripeProvider:
    return StripeProvider()


def provider_for(invoice: Invoice) -> Provider:
    """The provider that took this invoice's money."""
    return stripe_provider() if invoice.method == STRIPE else cash()
