"""Rupiah amounts and the provider's minor units.

Amounts in this codebase are whole rupiah. Stripe counts IDR in minor units
(two decimals), so Rp 25.000 travels as ``amount=2500000``. This module is the
one place that converts between the two.
"""
from __future__ import annotations

STRIPE_IDR_FACTOR = 100


def to_stripe_amount(rupiah: int) -> int:
    """Whole rupiah -> Stripe's IDR minor units (Rp 25.000 -> 2500000)."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int):
        raise TypeError("rupiah must be a whole number")
    if rupiah < 0:
        raise ValueError("an amount cannot be negative")
    return rupiah * STRIPE_IDR_FACTOR


def from_stripe_amount(minor: int) -> int:
    """Stripe's IDR minor units -> whole rupiah; refuses fractions of a rupiah."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError("minor units must be a whole number")
    rupiah, rest = divmod(minor, STRIPE_IDR_FACTOR)
    if rest or minor < 0:
        raise ValueError(f"{minor} is not a whole, non-negative rupiah amount")
    return rupiah


def format_rupiah(rupiah: int) -> str:
    """``Rp 25.000`` (Indonesian thousands separator), language-neutral."""
    return "Rp " + f"{rupiah:,}".replace(",", ".")
