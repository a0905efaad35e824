"""Moving an appointment: the member moves it to another free slot, or the
counselor proposes a new time that the member accepts or rejects. Plain
functions that take the acting user; they flush, the caller commits."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.counseling import notices
from mentoring.counseling._common import CounselingError, SlotTaken, stamp
from mentoring.counseling.availability import free_slots_for
from mentoring.counseling.booking import check_free, lock_counselor, mark_agreed
from mentoring.counseling.models import ACTIVE_STATUSES, CONFIRMED, REQUESTED, Appointment
from notifications.services import N_, cancel_messages


def _move(appointment: Appointment, starts_at: datetime, now: datetime, status: str) -> None:
    """Move an appointment to a free ``starts_at`` (locked, checked, index-guarded)."""
    profile = appointment.counselor
    lock_counselor(profile)
    check_free(profile, starts_at, now, exclude=appointment)
    cancel_messages(f"appointment:{appointment.id}:")
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=profile.session_minutes)
    appointment.status = status
    appointment.proposed_starts_at = None
    appointment.time_chosen_at = now
    if status == CONFIRMED:
        appointment.confirmed_at = now
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error


def reschedule_appointment(
    actor: User, appointment: Appointment, starts_at: datetime, now: datetime | None = None
) -> None:
    """The member moves their appointment to another free slot; reminders move too."""
    now = now or utcnow()
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
        raise CounselingError(N_("Sesi ini tidak bisa dipindah lagi."))
    profile = appointment.counselor
    status = REQUESTED if profile.requires_confirmation else CONFIRMED
    _move(appointment, starts_at, now, status)
    mark_agreed(actor, appointment, now)
    notices.tell_counselor(
        appointment,
        f"appointment:{appointment.id}:moved:{stamp(starts_at)}",
        N_("Jadwal sesi diubah oleh klien"),
        N_("Sesi dipindah ke %(time)s."),
    )
    if status == CONFIRMED:
        notices.tell_member_confirmed(appointment, now)


def propose_reschedule(
    actor: User, appointment: Appointment, starts_at: datetime, now: datetime | None = None
) -> None:
    """The counselor proposes a new time; the member accepts or rejects it."""
    now = now or utcnow()
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
        raise CounselingError(N_("Sesi ini tidak bisa dipindah lagi."))
    check_free(appointment.counselor, starts_at, now, exclude=appointment, ignore_notice=True)
    appointment.proposed_starts_at = starts_at
    db.session.flush()
    notices.tell_member(
        appointment,
        f"appointment:{appointment.id}:proposal:{stamp(starts_at)}",
        N_("Konselor mengusulkan waktu baru"),
        N_("Usulan: %(time)s. Buka jadwal Anda untuk menerima atau menolak."),
        params=notices.params(appointment, starts_at),
    )


def accept_proposal(actor: User, appointment: Appointment, now: datetime | None = None) -> None:
    """The member accepts the proposed time: the appointment moves and is confirmed."""
    now = now or utcnow()
    proposed = appointment.proposed_starts_at
    if proposed is None or appointment.status not in ACTIVE_STATUSES:
        raise CounselingError(N_("Tidak ada usulan waktu baru."))
    if proposed <= now:
        raise CounselingError(N_("Waktu yang diusulkan sudah lewat."))
    profile = appointment.counselor
    lock_counselor(profile)
    # The counselor offered this time, so their minimum notice does not apply.
    free = free_slots_for(profile, now, exclude=appointment, ignore_notice=True)
    if proposed not in set(free):
        appointment.proposed_starts_at = None
        raise SlotTaken()
    cancel_messages(f"appointment:{appointment.id}:")
    appointment.starts_at = proposed
    appointment.ends_at = proposed + timedelta(minutes=profile.session_minutes)
    appointment.status = CONFIRMED
    appointment.confirmed_at = now
    appointment.proposed_starts_at = None
    appointment.time_chosen_at = now
    mark_agreed(actor, appointment, now)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error
    notices.tell_member_confirmed(appointment, now)


def reject_proposal(actor: User, appointment: Appointment) -> None:
    """The member keeps the current time; the counselor is told."""
    proposed = appointment.proposed_starts_at
    if proposed is None:
        raise CounselingError(N_("Tidak ada usulan waktu baru."))
    appointment.proposed_starts_at = None
    db.session.flush()
    notices.tell_counselor(
        appointment,
        f"appointment:{appointment.id}:proposal-rejected:{stamp(proposed)}",
        N_("Usulan waktu baru ditolak"),
        N_("Sesi tetap pada %(time)s."),
    )
