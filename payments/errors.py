"""The one refusal error of the payments package."""
from __future__ import annotations

from core.errors import Refused


class PaymentRefused(Refused):
    """An operation was refused; the message (an ``N_`` msgid) is safe to show the
    user, and ``str(error)`` is it in the current language."""
