"""Signal receivers of the stalls part (thin: the work is in the services)."""
from __future__ import annotations

from core.signals import invoice_status_changed
from marketplace.stalls import fees


@invoice_status_changed.connect
def _invoice_changed(invoice, old_status: str, new_status: str, **_extra):
    fees.invoice_changed(invoice, old_status, new_status)
