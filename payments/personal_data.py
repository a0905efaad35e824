"""A payer's invoices in their data export (UU PDP). Invoices are financial
records: on account deletion they stay, tied to the anonymised account."""
from __future__ import annotations

from accounts.models import User
from payments.services import invoices_of


def export_for(user: User) -> dict | None:
    invoices = invoices_of(user)
    if not invoices:
        return None
    return {
        "invoices": [
            {
                "id": i.id, "for": i.description, "for_en": i.description_en, "amount_rupiah": i.amount, "currency": i.currency,
                "status": i.status, "method": i.method, "receipt_number": i.receipt_number,
                "created_at": i.created_at.isoformat(), "paid_at": i.paid_at.isoformat() if i.paid_at else None,
            }
            for i in invoices
        ]
    }
