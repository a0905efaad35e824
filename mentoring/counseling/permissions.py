"""Who may do what with counseling objects. Used by the views (404 when false)
and by the templates (so the buttons shown match what the server allows)."""
from __future__ import annotations

from accounts.models import User
from core.db import utcnow
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    ATTENDED,
    CONFIRMED,
    NO_SHOW,
    REQUESTED,
    Appointment,
    SessionNote,
)


def is_counselor(user: User) -> bool:
    return user.is_authenticated and user.has_role("counselor")


def can_view_appointment(user: User, appointment: Appointment) -> bool:
    """The member's own appointment (member-side pages)."""
    return user.is_authenticated and appointment.member_id == user.id


def can_manage_appointment(user: User, appointment: Appointment) -> bool:
    """The counselor of this appointment (counselor-side pages)."""
    return is_counselor(user) and appointment.counselor.user_id == user.id


def can_cancel_appointment(user: User, appointment: Appointment) -> bool:
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= utcnow():
        return False
    return can_view_appointment(user, appointment) or can_manage_appointment(user, appointment)


def can_reschedule_appointment(user: User, appointment: Appointment) -> bool:
    return (
        can_view_appointment(user, appointment)
        and appointment.status in ACTIVE_STATUSES
        and appointment.starts_at > utcnow()
    )


def can_accept_booking(user: User, appointment: Appointment) -> bool:
    """The member may agree to an upcoming session a counselor booked for her."""
    return (
        can_view_appointment(user, appointment)
        and not appointment.agreed_by_member
        and appointment.status in ACTIVE_STATUSES
        and appointment.starts_at > utcnow()
    )


def can_answer_proposal(user: User, appointment: Appointment) -> bool:
    return can_reschedule_appointment(user, appointment) and appointment.proposed_starts_at is not None


def can_confirm_appointment(user: User, appointment: Appointment) -> bool:
    return (
        can_manage_appointment(user, appointment)
        and appointment.status == REQUESTED
        and appointment.starts_at > utcnow()
    )


def can_propose_reschedule(user: User, appointment: Appointment) -> bool:
    return (
        can_manage_appointment(user, appointment)
        and appointment.status in ACTIVE_STATUSES
        and appointment.starts_at > utcnow()
    )


def can_mark_outcome(user: User, appointment: Appointment) -> bool:
    return (
        can_manage_appointment(user, appointment)
        and appointment.status in (CONFIRMED, ATTENDED, NO_SHOW)
        and appointment.starts_at <= utcnow()
    )


def can_write_note(user: User, appointment: Appointment) -> bool:
    """Notes are written by the appointment's counselor about a session that happened
    (or at least started)."""
    return can_manage_appointment(user, appointment) and appointment.starts_at <= utcnow()


def can_read_note(user: User, note: SessionNote) -> bool:
    """A session note is readable by its author alone."""
    return user.is_authenticated and note.author_id == user.id


TEMPLATE_PREDICATES = {
    "is_counselor": is_counselor,
    "can_cancel_appointment": can_cancel_appointment,
    "can_reschedule_appointment": can_reschedule_appointment,
    "can_accept_booking": can_accept_booking,
    "can_answer_proposal": can_answer_proposal,
    "can_confirm_appointment": can_confirm_appointment,
    "can_propose_reschedule": can_propose_reschedule,
    "can_mark_outcome": can_mark_outcome,
    "can_write_note": can_write_note,
}
