"""A member's KUR applications: their data export and erasure on account deletion."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from mentoring.kur.models import KurApplication
from notifications.services import cancel_messages


def export_for(user) -> dict | None:
    """The member's applications with their history (None: nothing to export)."""
    applications = db.session.scalars(
        select(KurApplication).where(KurApplication.user_id == user.id)
    ).all()
    if not applications:
        return None
    return {
        "kur_applications": [
            {
                "business_name": a.business_name,
                "business_months": a.business_months,
                "regency": a.regency,
                "amount": a.amount,
                "bank": a.bank,
                "stage": a.stage,
                "rejection_reason": a.rejection_reason,
                "documents": {
                    "ktp": a.doc_ktp, "kk": a.doc_kk,
                    "business_letter": a.doc_business_letter, "npwp": a.doc_npwp,
                },
                "bank_appointment_at": (
                    a.bank_appointment_at.isoformat() if a.bank_appointment_at else None
                ),
                "created_at": a.created_at.isoformat(),
                "history": [
                    {"stage": e.to_stage, "note": e.note, "at": e.created_at.isoformat()}
                    for e in a.events
                ],
            }
            for a in applications
        ],
    }


def erase_for(user) -> None:
    """Cancel every pending KUR message and erase the member's applications."""
    for application in db.session.scalars(
        select(KurApplication).where(KurApplication.user_id == user.id)
    ).all():
        cancel_messages(f"kur:{application.id}:")
        db.session.delete(application)
    db.session.flush()
