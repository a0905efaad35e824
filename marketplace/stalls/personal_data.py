"""Stall applications in a member's data export, and what account deletion does
to them (UU PDP): applications still in play are withdrawn (their fees voided or
refunded, reminders cancelled) and no longer name the person."""
from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from marketplace import cache
from marketplace.stalls import fees
from marketplace.stalls.models import IN_PLAY, STALL_HOLDING, WITHDRAWN, StallApplication


def _applications_of(user: User) -> list[StallApplication]:
    return list(db.session.scalars(
        select(StallApplication).where(StallApplication.applicant_id == user.id).order_by(StallApplication.id)
    ))


def export_for(user: User) -> dict | None:
    rows = _applications_of(user)
    if not rows:
        return None
    return {
        "stall_applications": [
            {
                "business": a.business.name,
                "market": a.market.name,
                "day": a.market_day.day.isoformat() if a.market_day else None,
                "lease_start": a.lease_start.isoformat() if a.lease_start else None,
                "lease_months": a.lease_months,
                "status": a.status,
                "stall": a.stall.code if a.stall else None,
                "note": a.note,
                "created_at": a.created_at.isoformat(),
            }
            for a in rows
        ]
    }


def erase_for(user: User) -> None:
    for application in _applications_of(user):
        if application.status in IN_PLAY:
            if application.status in STALL_HOLDING:
                cache.bump()  # the stall map and the business's page show the holding
            application.status = WITHDRAWN
            fees.application_closed(application, "account deleted")
        application.applicant_id = None
        application.note = None
    db.session.flush()
