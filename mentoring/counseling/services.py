"""Booking and the life of an appointment: book (by the member or on their
behalf), confirm, decline, cancel, reschedule, propose and answer a new time,
mark the outcome, share identity. Plain functions that take the acting user;
they flush, the caller (a view, job or CLI command) commits.

Double booking is impossible by three layers: the counselor row is locked while
booking (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), the
requested time is checked against the free slots computed inside that
transaction, and a partial unique index on (counselor, start) for active
appointments turns any race that slips through into ``SlotTaken``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.counseling import wellbeing
from mentoring.counseling._common import CounselingError, SlotTaken, format_wita, stamp, url_path
from mentoring.counseling.availability import free_slots_for
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    ATTENDED,
    CANCELLED,
    CONFIRMED,
    DECLINED,
    NO_SHOW,
    REQUESTED,
    Appointment,
    CounselorProfile,
)
from notifications.services import N_, cancel_messages, notify

# Consent purpose recorded when a counselor creates a member's account for them.
ON_BEHALF_CONSENT = "counseling_on_behalf"


def _lock_counselor(profile: CounselorProfile) -> None:
    """Serialise bookings for one counselor (a row lock on PostgreSQL)."""
    db.session.execute(
        select(CounselorProfile.id).where(CounselorProfile.id == profile.id).with_for_update()
    )


def _appointment_url(appointment: Appointment) -> str:
    return url_path("mentoring.appointment_detail", appointment_id=appointment.id)


def _staff_url(appointment: Appointment) -> str:
    return url_path("mentoring.staff_appointment", appointment_id=appointment.id)


def _params(appointment: Appointment, when: datetime | None = None) -> dict:
    return {
        "time": format_wita(when or appointment.starts_at),
        "counselor": appointment.counselor.name,
    }


def _tell_member(appointment: Appointment, key: str, title: str, body: str, **extra) -> None:
    """Notify the member about ``appointment``: every such message names the counselor
    as the one who handles it and carries the label the counselor may see, so a
    failed delivery only ever reaches that counselor's call list."""
    extra.setdefault("params", _params(appointment))
    notify(
        appointment.member,
        key=key,
        title=title,
        body=body,
        url=_appointment_url(appointment),
        handled_by=appointment.counselor.user,
        recipient_label=appointment.client_label,
        **extra,
    )


def _tell_counselor(appointment: Appointment, key: str, title: str, body: str) -> None:
    """Notify the appointment's counselor (their own call list only)."""
    notify(
        appointment.counselor.user,
        key=key,
        title=title,
        body=body,
        params=_params(appointment),
        url=_staff_url(appointment),
        handled_by=appointment.counselor.user,
    )


def schedule_reminders(appointment: Appointment, now: datetime | None = None) -> None:
    """The 24 h and 2 h reminders of a confirmed appointment (keys carry its start,
    so a moved appointment gets new reminders while the old ones are cancelled)."""
    now = now or utcnow()
    started = stamp(appointment.starts_at)
    for label, hours, title in (
        ("24h", 24, N_("Pengingat: sesi konseling besok")),
        ("2h", 2, N_("Pengingat: sesi konseling 2 jam lagi")),
    ):
        due = appointment.starts_at - timedelta(hours=hours)
        if due <= now:
            continue  # a reminder that would arrive late says nothing useful
        _tell_member(
            appointment,
            f"appointment:{appointment.id}:reminder-{label}:{started}",
            title,
            N_("%(time)s dengan %(counselor)s."),
            due_at=due,
            expires_at=appointment.starts_at,
        )


def _tell_member_confirmed(appointment: Appointment, now: datetime) -> None:
    _tell_member(
        appointment,
        f"appointment:{appointment.id}:confirmed:{stamp(appointment.starts_at)}",
        N_("Sesi konseling dikonfirmasi"),
        N_("%(time)s dengan %(counselor)s."),
    )
    schedule_reminders(appointment, now)


def _check_free(
    profile: CounselorProfile,
    starts_at: datetime,
    now: datetime,
    exclude: Appointment | None = None,
    ignore_notice: bool = False,
) -> None:
    free = free_slots_for(profile, now, exclude=exclude, ignore_notice=ignore_notice)
    if starts_at not in set(free):
        raise SlotTaken()


def book_appointment(
    actor: User,
    profile: CounselorProfile,
    member: User,
    starts_at: datetime,
    mode: str,
    *,
    topic: str | None = None,
    pseudonym: str | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book ``starts_at`` with ``profile`` for ``member``.

    ``actor`` is the member, or the counselor booking on the member's behalf (then
    minimum notice does not apply and the booking is confirmed at once). Raises
    ``SlotTaken`` when the time is not (or no longer) free.
    """
    now = now or utcnow()
    on_behalf = actor.id != member.id
    if on_behalf and actor.id != profile.user_id:
        raise CounselingError(N_("Hanya konselor ini yang bisa memesan atas nama anggota."))
    if member.id == profile.user_id:
        raise CounselingError(N_("Anda tidak bisa memesan sesi dengan diri sendiri."))
    if mode not in (profile.modes or []):
        raise CounselingError(N_("Konselor ini tidak melayani cara bertemu itu."))
    if not on_behalf and not profile.accepts_new_clients and not _is_client(profile, member):
        raise CounselingError(N_("Konselor ini sedang tidak menerima klien baru."))
    _lock_counselor(profile)
    _check_free(profile, starts_at, now, ignore_notice=on_behalf)
    confirmed = on_behalf or not profile.requires_confirmation
    appointment = Appointment(
        counselor_id=profile.id,
        counselor=profile,
        member_id=member.id,
        member=member,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=profile.session_minutes),
        mode=mode,
        status=CONFIRMED if confirmed else REQUESTED,
        topic=(topic or "").strip() or None,
        pseudonym=(pseudonym or "").strip() or None,
        booked_by_id=actor.id,
        confirmed_at=now if confirmed else None,
    )
    db.session.add(appointment)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error
    if confirmed:
        _tell_member_confirmed(appointment, now)
    else:
        _tell_member(
            appointment,
            f"appointment:{appointment.id}:requested",
            N_("Permintaan sesi konseling terkirim"),
            N_("%(time)s dengan %(counselor)s. Konselor akan mengonfirmasi."),
        )
        notify(
            profile.user,
            key=f"appointment:{appointment.id}:new-request",
            title=N_("Permintaan sesi baru"),
            body=N_("Permintaan untuk %(time)s menunggu konfirmasi Anda."),
            params=_params(appointment),
            url=_staff_url(appointment),
            urgent=wellbeing.has_open_flag(member),
            handled_by=profile.user,
        )
    return appointment


def _is_client(profile: CounselorProfile, member: User) -> bool:
    return db.session.scalar(
        select(Appointment.id).where(
            Appointment.counselor_id == profile.id, Appointment.member_id == member.id
        ).limit(1)
    ) is not None


def _overlaps_confirmed(appointment: Appointment, starts_at: datetime, ends_at: datetime) -> bool:
    buffer = timedelta(minutes=appointment.counselor.buffer_minutes)
    clash = db.session.scalar(
        select(Appointment.id).where(
            Appointment.counselor_id == appointment.counselor_id,
            Appointment.id != appointment.id,
            Appointment.status == CONFIRMED,
            Appointment.starts_at < ends_at + buffer,
            Appointment.ends_at > starts_at - buffer,
        ).limit(1)
    )
    return clash is not None


def confirm_appointment(actor: User, appointment: Appointment, now: datetime | None = None) -> None:
    """Confirm a waiting request. Refused when another confirmed session overlaps it."""
    now = now or utcnow()
    if appointment.status != REQUESTED:
        raise CounselingError(N_("Sesi ini tidak sedang menunggu konfirmasi."))
    if appointment.starts_at <= now:
        raise CounselingError(N_("Waktu sesi ini sudah lewat."))
    _lock_counselor(appointment.counselor)
    if _overlaps_confirmed(appointment, appointment.starts_at, appointment.ends_at):
        raise CounselingError(N_("Sesi lain yang sudah dikonfirmasi bertumpuk dengan waktu ini."))
    appointment.status = CONFIRMED
    appointment.confirmed_at = now
    db.session.flush()
    _tell_member_confirmed(appointment, now)


def decline_appointment(actor: User, appointment: Appointment, reason: str) -> None:
    """Decline a waiting request with a reason the member sees."""
    if appointment.status != REQUESTED:
        raise CounselingError(N_("Sesi ini tidak sedang menunggu konfirmasi."))
    appointment.status = DECLINED
    appointment.decline_reason = reason.strip()
    appointment.proposed_starts_at = None
    cancel_messages(f"appointment:{appointment.id}:")
    db.session.flush()
    _tell_member(
        appointment,
        f"appointment:{appointment.id}:declined",
        N_("Permintaan sesi belum bisa diterima"),
        N_("Konselor menuliskan alasannya di halaman jadwal Anda. Anda bisa memilih waktu lain."),
    )


def is_late_cancellation(appointment: Appointment, now: datetime) -> bool:
    """Whether cancelling now falls inside the counselor's cancellation notice."""
    notice = timedelta(hours=appointment.counselor.cancel_notice_hours)
    return now > appointment.starts_at - notice


def cancel_appointment(
    actor: User, appointment: Appointment, reason: str, now: datetime | None = None
) -> None:
    """Cancel an upcoming appointment (member or counselor). A member cancelling
    after the counselor's cancellation notice is counted as a late cancellation.
    Pending reminders are cancelled; the time becomes free again."""
    now = now or utcnow()
    if appointment.status not in ACTIVE_STATUSES:
        raise CounselingError(N_("Sesi ini sudah tidak aktif."))
    if appointment.starts_at <= now:
        raise CounselingError(N_("Waktu sesi ini sudah lewat."))
    by_member = actor.id == appointment.member_id
    appointment.status = CANCELLED
    appointment.cancel_reason = reason.strip()
    appointment.cancelled_by_id = actor.id
    appointment.cancelled_at = now
    appointment.proposed_starts_at = None
    appointment.late_cancellation = by_member and is_late_cancellation(appointment, now)
    cancel_messages(f"appointment:{appointment.id}:")
    db.session.flush()
    if by_member:
        _tell_counselor(
            appointment,
            f"appointment:{appointment.id}:cancelled",
            N_("Sesi dibatalkan oleh klien"),
            N_("Sesi %(time)s dibatalkan. Waktunya terbuka lagi."),
        )
    else:
        _tell_member(
            appointment,
            f"appointment:{appointment.id}:cancelled",
            N_("Sesi konseling dibatalkan"),
            N_("Sesi %(time)s dibatalkan oleh konselor. Alasannya ada di halaman jadwal Anda."),
        )


def _mark_agreed(actor: User, appointment: Appointment, now: datetime) -> None:
    """The member herself acted on a booking made on her behalf: she agreed to it
    (from now on it makes its counselor her counselor, see ``agenda.is_counselor_of``)."""
    if actor.id == appointment.member_id and not appointment.agreed_by_member:
        appointment.member_accepted_at = now


def accept_booking(member: User, appointment: Appointment, now: datetime | None = None) -> None:
    """The member agrees to an upcoming session a counselor booked on her behalf."""
    now = now or utcnow()
    if member.id != appointment.member_id or appointment.agreed_by_member:
        raise CounselingError(N_("Sesi ini tidak menunggu persetujuan Anda."))
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
        raise CounselingError(N_("Sesi ini sudah tidak aktif."))
    _mark_agreed(member, appointment, now)
    db.session.flush()


def _move(appointment: Appointment, starts_at: datetime, now: datetime, status: str) -> None:
    """Move an appointment to a free ``starts_at`` (locked, checked, index-guarded)."""
    profile = appointment.counselor
    _lock_counselor(profile)
    _check_free(profile, starts_at, now, exclude=appointment)
    cancel_messages(f"appointment:{appointment.id}:")
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=profile.session_minutes)
    appointment.status = status
    appointment.proposed_starts_at = None
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
    _mark_agreed(actor, appointment, now)
    _tell_counselor(
        appointment,
        f"appointment:{appointment.id}:moved:{stamp(starts_at)}",
        N_("Jadwal sesi diubah oleh klien"),
        N_("Sesi dipindah ke %(time)s."),
    )
    if status == CONFIRMED:
        _tell_member_confirmed(appointment, now)


def propose_reschedule(
    actor: User, appointment: Appointment, starts_at: datetime, now: datetime | None = None
) -> None:
    """The counselor proposes a new time; the member accepts or rejects it."""
    now = now or utcnow()
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
        raise CounselingError(N_("Sesi ini tidak bisa dipindah lagi."))
    _check_free(appointment.counselor, starts_at, now, exclude=appointment, ignore_notice=True)
    appointment.proposed_starts_at = starts_at
    db.session.flush()
    _tell_member(
        appointment,
        f"appointment:{appointment.id}:proposal:{stamp(starts_at)}",
        N_("Konselor mengusulkan waktu baru"),
        N_("Usulan: %(time)s. Buka jadwal Anda untuk menerima atau menolak."),
        params=_params(appointment, starts_at),
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
    _lock_counselor(profile)
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
    _mark_agreed(actor, appointment, now)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error
    _tell_member_confirmed(appointment, now)


def reject_proposal(actor: User, appointment: Appointment) -> None:
    """The member keeps the current time; the counselor is told."""
    proposed = appointment.proposed_starts_at
    if proposed is None:
        raise CounselingError(N_("Tidak ada usulan waktu baru."))
    appointment.proposed_starts_at = None
    db.session.flush()
    _tell_counselor(
        appointment,
        f"appointment:{appointment.id}:proposal-rejected:{stamp(proposed)}",
        N_("Usulan waktu baru ditolak"),
        N_("Sesi tetap pada %(time)s."),
    )


def mark_outcome(actor: User, appointment: Appointment, attended: bool,
                 now: datetime | None = None) -> None:
    """Mark a confirmed session that has started as attended or no-show."""
    now = now or utcnow()
    if appointment.status not in (CONFIRMED, ATTENDED, NO_SHOW):
        raise CounselingError(N_("Hanya sesi yang dikonfirmasi bisa ditandai."))
    if appointment.starts_at > now:
        raise CounselingError(N_("Sesi ini belum dimulai."))
    appointment.status = ATTENDED if attended else NO_SHOW
    cancel_messages(f"appointment:{appointment.id}:reminder-")
    db.session.flush()


def share_identity(member: User, appointment: Appointment, now: datetime | None = None) -> None:
    """The member lets this counselor see their full name (all their sessions with them)."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Appointment).where(
            Appointment.member_id == member.id,
            Appointment.counselor_id == appointment.counselor_id,
            Appointment.identity_shared_at.is_(None),
        )
    )
    for row in rows:
        row.identity_shared_at = now
    db.session.flush()

