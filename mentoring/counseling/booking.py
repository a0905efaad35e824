"""Booking and the life of an appointment at its time: book (by the member or
on their behalf, also for a member registered on the spot), confirm, decline,
cancel, accept a booking made for her, mark the outcome, share identity.
Moving an appointment is in ``rescheduling.py``; what people are told, in
``notices.py``. Plain functions that take the acting user; they flush, the
caller (a view, job or CLI command) commits.

Double booking is impossible by three layers: the counselor row is locked while
booking (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), the
requested time is checked against the free slots computed inside that
transaction, and a partial unique index on (counselor, start) for active
appointments turns any race that slips through into ``SlotTaken``.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import User
from accounts.services import Registration, phone_taken, record_consent, register_member
from core.db import utcnow
from core.extensions import db
from core.status import change_status
from mentoring.counseling import agenda, notices, wellbeing
from mentoring.counseling._common import CounselingError, SlotTaken
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


def lock_counselor(profile: CounselorProfile) -> None:
    """Serialise bookings for one counselor (a row lock on PostgreSQL)."""
    db.session.execute(
        select(CounselorProfile.id).where(CounselorProfile.id == profile.id).with_for_update()
    )


def check_free(
    profile: CounselorProfile,
    starts_at: datetime,
    now: datetime,
    exclude: Appointment | None = None,
    ignore_notice: bool = False,
) -> None:
    """Raise ``SlotTaken`` unless ``starts_at`` is one of the counselor's free slots."""
    free = free_slots_for(profile, now, exclude=exclude, ignore_notice=ignore_notice)
    if starts_at not in set(free):
        raise SlotTaken()


def mark_agreed(actor: User, appointment: Appointment, now: datetime) -> None:
    """The member herself acted on a booking made on her behalf: she agreed to it
    (from now on it makes its counselor her counselor, see ``agenda.is_counselor_of``)."""
    if actor.id == appointment.member_id and not appointment.agreed_by_member:
        appointment.member_accepted_at = now


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
    lock_counselor(profile)
    check_free(profile, starts_at, now, ignore_notice=on_behalf)
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
        time_chosen_at=now,
    )
    db.session.add(appointment)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error
    if confirmed:
        notices.tell_member_confirmed(appointment, now)
    else:
        notices.tell_member(
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
            params=notices.params(appointment),
            url=notices.staff_url(appointment),
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
    lock_counselor(appointment.counselor)
    if _overlaps_confirmed(appointment, appointment.starts_at, appointment.ends_at):
        raise CounselingError(N_("Sesi lain yang sudah dikonfirmasi bertumpuk dengan waktu ini."))
    change_status(Appointment, appointment, REQUESTED, CONFIRMED, confirmed_at=now)
    notices.tell_member_confirmed(appointment, now)


def decline_appointment(actor: User, appointment: Appointment, reason: str) -> None:
    """Decline a waiting request with a reason the member sees."""
    if appointment.status != REQUESTED:
        raise CounselingError(N_("Sesi ini tidak sedang menunggu konfirmasi."))
    change_status(
        Appointment, appointment, REQUESTED, DECLINED,
        decline_reason=reason.strip(), proposed_starts_at=None,
    )
    cancel_messages(f"appointment:{appointment.id}:")
    db.session.flush()
    notices.tell_member(
        appointment,
        f"appointment:{appointment.id}:declined",
        N_("Permintaan sesi belum bisa diterima"),
        N_("Konselor menuliskan alasannya di halaman jadwal Anda. Anda bisa memilih waktu lain."),
    )


def cancel_notice_starts(profile: CounselorProfile, starts_at: datetime) -> datetime:
    """When the counselor's cancellation notice before ``starts_at`` begins."""
    return starts_at - timedelta(hours=profile.cancel_notice_hours)


def inside_cancel_notice(profile: CounselorProfile, starts_at: datetime, now: datetime) -> bool:
    """Whether booking ``starts_at`` now falls inside the cancellation notice (the
    booking form warns; cancelling it later does not count as late)."""
    return now > cancel_notice_starts(profile, starts_at)


def is_late_cancellation(appointment: Appointment, now: datetime) -> bool:
    """Whether cancelling now counts as late: inside the counselor's cancellation
    notice, for a time the member chose before that notice began. A session
    booked (or a proposed time accepted) inside the notice never does."""
    starts = cancel_notice_starts(appointment.counselor, appointment.starts_at)
    chosen = appointment.time_chosen_at or appointment.created_at
    return now > starts and chosen <= starts


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
    change_status(
        Appointment, appointment, appointment.status, CANCELLED,
        cancel_reason=reason.strip(),
        cancelled_by_id=actor.id,
        cancelled_at=now,
        proposed_starts_at=None,
        late_cancellation=by_member and is_late_cancellation(appointment, now),
    )
    cancel_messages(f"appointment:{appointment.id}:")
    db.session.flush()
    if by_member:
        notices.tell_counselor(
            appointment,
            f"appointment:{appointment.id}:cancelled",
            N_("Sesi dibatalkan oleh klien"),
            N_("Sesi %(time)s dibatalkan. Waktunya terbuka lagi."),
        )
    else:
        notices.tell_member(
            appointment,
            f"appointment:{appointment.id}:cancelled",
            N_("Sesi konseling dibatalkan"),
            N_("Sesi %(time)s dibatalkan oleh konselor. Alasannya ada di halaman jadwal Anda."),
        )


def accept_booking(member: User, appointment: Appointment, now: datetime | None = None) -> None:
    """The member agrees to an upcoming session a counselor booked on her behalf."""
    now = now or utcnow()
    if member.id != appointment.member_id or appointment.agreed_by_member:
        raise CounselingError(N_("Sesi ini tidak menunggu persetujuan Anda."))
    if appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
        raise CounselingError(N_("Sesi ini sudah tidak aktif."))
    # Only while it is as she saw it: not a session the counselor cancelled meanwhile.
    change_status(Appointment, appointment, appointment.status, appointment.status,
                  member_accepted_at=now)


def mark_outcome(actor: User, appointment: Appointment, attended: bool,
                 now: datetime | None = None) -> None:
    """Mark a confirmed session that has started as attended or no-show."""
    now = now or utcnow()
    if appointment.status not in (CONFIRMED, ATTENDED, NO_SHOW):
        raise CounselingError(N_("Hanya sesi yang dikonfirmasi bisa ditandai."))
    if appointment.starts_at > now:
        raise CounselingError(N_("Sesi ini belum dimulai."))
    change_status(Appointment, appointment, appointment.status, ATTENDED if attended else NO_SHOW)
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


# Consent purpose recorded when a counselor creates a member's account for them.
ON_BEHALF_CONSENT = "counseling_on_behalf"


def register_member_on_behalf(actor: User, name: str, phone: str) -> User:
    """A counselor registers a member who came to the office or called, so as to
    book for her: the account (she sets her own password later with a reset code
    from the office), her consent to being registered and scheduled, and the
    audit row. Refused when the number already has an account (book with it)."""
    if phone_taken(phone):
        raise CounselingError(N_("Nomor ini sudah terdaftar. Cari dengan nomor ini."))
    member = register_member(
        Registration(name=name, phone=phone, password=secrets.token_urlsafe(24), locale="id")
    )
    record_consent(member, ON_BEHALF_CONSENT)
    audit.record(actor, "counseling.member_created", subject=member)
    return member


@dataclass(frozen=True)
class FoundMember:
    """A member found by phone for booking on her behalf, as this counselor may
    see her: ``label`` is her nickname when she booked this counselor under one
    (kept as ``pseudonym`` on what is booked for her now), else her name."""

    member: User
    label: str
    pseudonym: str | None


def find_member_for_booking(
    actor: User, profile: CounselorProfile, phone: str, *, audited: bool = True
) -> FoundMember | None:
    """Look a member up by phone to book on her behalf. Every lookup is audited
    (also one that finds nobody): a phone number must not quietly turn a
    nickname into a name. ``audited=False`` only for the booking that follows a
    lookup already recorded."""
    member = agenda.find_member_by_phone(phone)
    if audited:
        audit.record(
            actor, "counseling.member_lookup", subject=member,
            detail=None if member else "not_found",
        )
    if member is None:
        return None
    nickname = agenda.nickname_with(profile, member)
    return FoundMember(member, nickname or member.name, nickname)
