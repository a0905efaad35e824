"""Moving an appointment: the member moves it to another free slot, or the
counselor proposes a new time that the member accepts or rejects. Plain
functions that take the acting user; they flush, the caller commits."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.status import change_status
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
    confirmed = {"confirmed_at": now} if status == CONFIRMED else {}
    try:
        change_status(
            Appointment, appointment, appointment.status, status,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=profile.session_minutes),
            proposed_starts_at=None,
            time_chosen_at=now,
            **confirmed,
        )
    except IntegrityError as error:
        raise SlotTaken() from error
    cancel_messages(f"appointment:{appointment.id}:")


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
    # The status stays; changing it only from the one seen refuses a proposal
    # for a session the member cancelled meanwhile.
    change_status(
        Appointment, appointment, appointment.status, appointment.status,
        proposed_starts_at=starts_at,
    )
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
    try:
        change_status(
            Appointment, appointment, appointment.status, CONFIRMED,
            starts_at=proposed,
            ends_at=proposed + timedelta(minutes=profile.session_minutes),
            confirmed_at=now,
            proposed_starts_at=None,
            time_chosen_at=now,
        )
    except IntegrityError as error:
        raise SlotTaken() from error
    cancel_messages(f"appointment:{appointment.id}:")
    mark_agreed(actor, appointment, now)
    db.session.flush()
    notices.tell_member_confirmed(appointment, now)


def reject_proposal(actor: User, appointment: Appointment) -> None:
    """The member keeps the current time; the counselor is told."""
    proposed = appointment.proposed_starts_at
    if proposed is None:
        raise CounselingError(N_("Tidak ada usulan waktu baru."))
    change_status(Appointment, appointment, appointment.status, appointment.status,
                  proposed_starts_at=None)
    notices.tell_counselor(
        appointment,
        f"appointment:{appointment.id}:proposal-rejected:{stamp(proposed)}",
        N_("Usulan waktu baru ditolak"),
        N_("Sesi tetap pada %(time)s."),
    )
