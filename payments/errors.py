"""The one refusal error of the payments package."""
from __future__ import annotations


class PaymentRefused(Exception):
    """An operation was refused; ``str(error)`` is a msgid safe to show the user."""
