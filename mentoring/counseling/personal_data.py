"""Personal data: the member's counseling export, and what account deletion
erases (the receivers in ``handlers.py`` call these)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.counseling.availability import get_profile_for
from mentoring.counseling.booking import cancel_appointment
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    CANCELLED,
    Appointment,
    HandoverNote,
    SessionNote,
    WellbeingCheck,
)
from notifications.services import cancel_messages


def export_for(user: User) -> dict | None:
    """The member's counseling data for their export (never counselors' notes)."""
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.member_id == user.id).order_by(Appointment.starts_at)
    ).unique().all()
    checks = db.session.scalars(
        select(WellbeingCheck).where(WellbeingCheck.member_id == user.id)
    ).unique().all()
    profile = get_profile_for(user)
    if not appointments and not checks and profile is None:
        return None
    data: dict = {
        "appointments": [
            {
                "counselor": a.counselor.name,
                "starts_at": a.starts_at.isoformat(),
                "ends_at": a.ends_at.isoformat(),
                "mode": a.mode,
                "status": a.status,
                "topic": a.topic,
                "pseudonym": a.pseudonym,
                "cancel_reason": a.cancel_reason if a.cancelled_by_id == user.id else None,
                "decline_reason": a.decline_reason,
                "late_cancellation": a.late_cancellation,
                "created_at": a.created_at.isoformat(),
            }
            for a in appointments
        ],
        "wellbeing_checks": [
            {"answers": json.loads(c.answers), "created_at": c.created_at.isoformat()}
            for c in checks
        ],
    }
    if profile is not None:
        data["counselor_profile"] = {
            "bio": profile.bio,
            "languages": profile.languages,
            "modes": profile.modes,
            "place": profile.place,
        }
    return data


def erase_for(user: User, now: datetime | None = None) -> None:
    """Account deletion: cancel upcoming sessions and their reminders, erase what the
    member wrote and the notes about them; keep anonymous appointment rows."""
    now = now or utcnow()
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.member_id == user.id)
    ).unique().all()
    for appointment in appointments:
        cancel_messages(f"appointment:{appointment.id}:")
        if appointment.status in ACTIVE_STATUSES:
            appointment.status = CANCELLED
            appointment.cancelled_at = now
            appointment.cancelled_by_id = user.id
        appointment.topic = None
        appointment.pseudonym = None
        appointment.cancel_reason = None
        appointment.proposed_starts_at = None
    ids = [a.id for a in appointments]
    if ids:
        for note in db.session.scalars(select(SessionNote).where(SessionNote.appointment_id.in_(ids))):
            db.session.delete(note)
    for model, column in ((HandoverNote, HandoverNote.member_id), (WellbeingCheck, WellbeingCheck.member_id)):
        for row in db.session.scalars(select(model).where(column == user.id)):
            db.session.delete(row)
    profile = get_profile_for(user)
    if profile is not None:
        profile.active = False
        profile.bio = ""
        upcoming = db.session.scalars(
            select(Appointment).where(
                Appointment.counselor_id == profile.id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.starts_at > now,
            )
        ).unique().all()
        for appointment in upcoming:
            cancel_appointment(user, appointment, "", now)
        for note in db.session.scalars(select(SessionNote).where(SessionNote.author_id == user.id)):
            db.session.delete(note)
        for note in db.session.scalars(select(HandoverNote).where(HandoverNote.author_id == user.id)):
            db.session.delete(note)
    db.session.flush()

