"""A member's training registrations: their data export and erasure on account deletion."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from mentoring.training import operations
from mentoring.training.models import TrainingRegistration


def export_for(user) -> dict | None:
    """The member's registrations for their data export (None: nothing to export)."""
    registrations = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.user_id == user.id)
    ).all()
    if not registrations:
        return None
    return {
        "training_registrations": [
            {
                "training": r.session.title,
                "starts_at": r.session.starts_at.isoformat(),
                "status": r.status,
                "attended": r.attended,
                "registered_at": r.created_at.isoformat(),
            }
            for r in registrations
        ],
    }


def erase_for(user) -> None:
    """Free the member's seats (the waitlist moves up), cancel reminders, and erase
    their registrations."""
    registrations = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.user_id == user.id)
    ).all()
    for registration in registrations:
        operations.cancel_registration(user, registration, erasing=True)
    for registration in registrations:
        db.session.delete(registration)
    db.session.flush()
