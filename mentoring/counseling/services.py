"""Counseling operations. Plain functions that take the acting user; they flush,
the caller (a view, job or CLI command) commits.

Double booking is impossible by three layers: the counselor row is locked while
booking (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), the
requested time is checked against the free slots computed inside that
transaction, and a partial unique index on (counselor, start) for active
appointments turns any race that slips through into ``SlotTaken``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defaultload, selectinload

from accounts import audit
from accounts.models import Consent, User, UserRole
from accounts.services import record_consent
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import slots as slotlib
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    ATTENDED,
    CANCELLED,
    CONFIRMED,
    DECLINED,
    NO_SHOW,
    REQUESTED,
    Appointment,
    AvailabilityException,
    AvailabilityRange,
    CounselorProfile,
    HandoverNote,
    SessionNote,
    WellbeingCheck,
)
from notifications.services import N_, cancel_messages, notify

HANDOVER_CONSENT = "counseling_handover"

# Lists of appointments need neither the roles of the people in them nor the
# counselor's availability: keep those out of the page's query budget.
APPOINTMENT_LOAD = (
    defaultload(Appointment.member).lazyload(User.role_rows),
    defaultload(Appointment.counselor).defaultload(CounselorProfile.user).lazyload(User.role_rows),
)
CHECK_LOAD = (defaultload(WellbeingCheck.member).lazyload(User.role_rows),)
AVAILABILITY_LOAD = (
    selectinload(CounselorProfile.ranges),
    selectinload(CounselorProfile.exceptions),
)
ON_BEHALF_CONSENT = "counseling_on_behalf"


class CounselingError(Exception):
    """An operation was refused; ``str(error)`` is a msgid safe to show the user."""


class SlotTaken(CounselingError):
    """The time is no longer free (taken by someone else a moment ago, or never free)."""

    def __init__(self):
        super().__init__(N_("Waktu ini baru saja diambil orang lain."))


def format_wita(moment: datetime) -> str:
    """Language-neutral WITA time for notification parameters."""
    return moment.astimezone(WITA).strftime("%d/%m/%Y %H:%M WITA")


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


# --- profiles and availability ---------------------------------------------------

def get_profile_for(user: User) -> CounselorProfile | None:
    return db.session.scalar(select(CounselorProfile).where(CounselorProfile.user_id == user.id))


def get_or_create_profile(user: User) -> CounselorProfile:
    """The counselor's profile, created with sensible defaults on first use."""
    profile = get_profile_for(user)
    if profile is None:
        profile = CounselorProfile(user_id=user.id, user=user)
        db.session.add(profile)
        db.session.flush()
    return profile


PROFILE_FIELDS = {
    "bio", "languages", "modes", "place", "video_link", "accepts_new_clients",
    "requires_confirmation", "session_minutes", "buffer_minutes", "min_notice_hours",
    "horizon_days", "daily_max", "cancel_notice_hours",
}


def update_profile(actor: User, profile: CounselorProfile, **fields) -> None:
    """Change a counselor's profile and booking rules (only the declared fields)."""
    for key, value in fields.items():
        if key not in PROFILE_FIELDS:
            raise ValueError(f"field {key} cannot be changed here")
        setattr(profile, key, value)
    db.session.flush()


def add_range(profile: CounselorProfile, weekday: int, start_minute: int, end_minute: int):
    """Add a weekly range; refuses ranges that overlap one on the same day."""
    if not 0 <= weekday <= 6 or not 0 <= start_minute < end_minute <= slotlib.DAY_MINUTES:
        raise CounselingError(N_("Jam selesai harus sesudah jam mulai."))
    for existing in profile.ranges:
        if existing.weekday == weekday and start_minute < existing.end_minute and existing.start_minute < end_minute:
            raise CounselingError(N_("Rentang ini bertumpuk dengan rentang lain di hari yang sama."))
    row = AvailabilityRange(weekday=weekday, start_minute=start_minute, end_minute=end_minute)
    profile.ranges.append(row)
    db.session.flush()
    return row


def remove_range(profile: CounselorProfile, range_id: int) -> bool:
    for row in list(profile.ranges):
        if row.id == range_id:
            profile.ranges.remove(row)
            db.session.flush()
            return True
    return False


def add_exception(
    profile: CounselorProfile,
    day: date,
    kind: str,
    start_minute: int | None = None,
    end_minute: int | None = None,
    today: date | None = None,
) -> AvailabilityException:
    """A day off / a range off (``kind="off"``) or a one-off extra range (``"open"``)."""
    today = today or utcnow().astimezone(WITA).date()
    if day < today:
        raise CounselingError(N_("Tanggal ini sudah lewat."))
    if kind not in ("off", "open"):
        raise CounselingError(N_("Jenis pengecualian tidak dikenal."))
    if (start_minute is None) != (end_minute is None):
        raise CounselingError(N_("Isi jam mulai dan jam selesai, atau kosongkan keduanya."))
    if start_minute is not None and not 0 <= start_minute < end_minute <= slotlib.DAY_MINUTES:
        raise CounselingError(N_("Jam selesai harus sesudah jam mulai."))
    if kind == "open" and start_minute is None:
        raise CounselingError(N_("Untuk jam tambahan, isi jam mulai dan jam selesai."))
    row = AvailabilityException(
        day=day, kind=kind, start_minute=start_minute, end_minute=end_minute
    )
    profile.exceptions.append(row)
    db.session.flush()
    return row


def remove_exception(profile: CounselorProfile, exception_id: int) -> bool:
    for row in list(profile.exceptions):
        if row.id == exception_id:
            profile.exceptions.remove(row)
            db.session.flush()
            return True
    return False


def rules_for(profile: CounselorProfile, ignore_notice: bool = False) -> slotlib.Rules:
    return slotlib.Rules(
        session_minutes=profile.session_minutes,
        buffer_minutes=profile.buffer_minutes,
        min_notice=timedelta(0) if ignore_notice else timedelta(hours=profile.min_notice_hours),
        horizon=timedelta(days=profile.horizon_days),
        daily_max=profile.daily_max,
    )


def weekly_for(profile: CounselorProfile) -> dict[int, list[slotlib.Range]]:
    weekly: dict[int, list[slotlib.Range]] = {}
    for row in profile.ranges:
        weekly.setdefault(row.weekday, []).append((row.start_minute, row.end_minute))
    return weekly


def exceptions_for(profile: CounselorProfile) -> list[slotlib.DayException]:
    return [
        slotlib.DayException(e.day, e.kind, e.start_minute, e.end_minute)
        for e in profile.exceptions
    ]


def busy_by_counselor(
    counselor_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude_id: int | None = None,
) -> dict[int, list[slotlib.Busy]]:
    """Active appointments touching [start, end) for several counselors, in one
    query that reads only that window (not the years of history)."""
    ids = list(counselor_ids)
    busy: dict[int, list[slotlib.Busy]] = {cid: [] for cid in ids}
    if not ids:
        return busy
    # A day of margin covers appointments that begin before the window and still
    # count for overlap or for the daily maximum of its first day.
    statement = select(Appointment.counselor_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.counselor_id.in_(ids),
        Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.starts_at >= start - timedelta(days=1),
        Appointment.starts_at < end + timedelta(days=1),
    )
    if exclude_id is not None:
        statement = statement.where(Appointment.id != exclude_id)
    for counselor_id, starts_at, ends_at in db.session.execute(statement):
        busy[counselor_id].append((starts_at, ends_at))
    return busy


def free_slots_for(
    profile: CounselorProfile,
    now: datetime | None = None,
    *,
    exclude: Appointment | None = None,
    ignore_notice: bool = False,
    limit: int | None = None,
) -> list[datetime]:
    """The counselor's free start times from now to the booking horizon."""
    now = now or utcnow()
    horizon_end = now + timedelta(days=profile.horizon_days)
    busy = busy_by_counselor(
        [profile.id], now, horizon_end, exclude_id=exclude.id if exclude else None
    )[profile.id]
    return slotlib.free_slots(
        rules_for(profile, ignore_notice),
        weekly_for(profile),
        exceptions_for(profile),
        busy,
        now,
        limit=limit,
    )


def nearest_free(profile: CounselorProfile, target: datetime, now: datetime | None = None,
                 exclude: Appointment | None = None) -> list[datetime]:
    """The free slots closest to ``target`` (for the "just taken" answer)."""
    return slotlib.nearest(free_slots_for(profile, now, exclude=exclude), target)


def _counselor_query():
    return (
        select(CounselorProfile)
        .options(*AVAILABILITY_LOAD)
        .join(User, User.id == CounselorProfile.user_id)
        .where(CounselorProfile.active.is_(True), User.active.is_(True), User.deleted_at.is_(None))
        .where(
            exists().where(UserRole.user_id == User.id, UserRole.role == "counselor")
        )
    )


def list_counselors(language: str | None = None, mode: str | None = None) -> list[CounselorProfile]:
    """Active counselors, optionally speaking ``language`` and offering ``mode``."""
    profiles = db.session.scalars(_counselor_query().order_by(User.name)).unique().all()
    # Languages and modes are short JSON lists; filtering them here keeps the query
    # portable between SQLite and PostgreSQL.
    if language:
        profiles = [p for p in profiles if language in (p.languages or [])]
    if mode:
        profiles = [p for p in profiles if mode in (p.modes or [])]
    return profiles


def get_counselor(profile_id: int) -> CounselorProfile | None:
    return db.session.scalar(_counselor_query().where(CounselorProfile.id == profile_id))


def first_free_slots(
    profiles: list[CounselorProfile], now: datetime | None = None
) -> dict[int, datetime | None]:
    """The first free slot of each counselor, with one query for all of them."""
    now = now or utcnow()
    if not profiles:
        return {}
    longest = max(p.horizon_days for p in profiles)
    busy = busy_by_counselor([p.id for p in profiles], now, now + timedelta(days=longest))
    result = {}
    for profile in profiles:
        found = slotlib.free_slots(
            rules_for(profile), weekly_for(profile), exceptions_for(profile),
            busy[profile.id], now, limit=1,
        )
        result[profile.id] = found[0] if found else None
    return result


# --- booking ------------------------------------------------------------------------

def _lock_counselor(profile: CounselorProfile) -> None:
    """Serialise bookings for one counselor (a row lock on PostgreSQL)."""
    db.session.execute(
        select(CounselorProfile.id).where(CounselorProfile.id == profile.id).with_for_update()
    )


def url_path(endpoint: str, **values) -> str:
    """A site path for a notification link; works in jobs, outside any request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _appointment_url(appointment: Appointment) -> str:
    return url_path("mentoring.appointment_detail", appointment_id=appointment.id)


def _staff_url(appointment: Appointment) -> str:
    return url_path("mentoring.staff_appointment", appointment_id=appointment.id)


def _params(appointment: Appointment, when: datetime | None = None) -> dict:
    return {
        "time": format_wita(when or appointment.starts_at),
        "counselor": appointment.counselor.name,
    }


def schedule_reminders(appointment: Appointment, now: datetime | None = None) -> None:
    """The 24 h and 2 h reminders of a confirmed appointment (keys carry its start,
    so a moved appointment gets new reminders while the old ones are cancelled)."""
    now = now or utcnow()
    stamp = _stamp(appointment.starts_at)
    for label, hours, title in (
        ("24h", 24, N_("Pengingat: sesi konseling besok")),
        ("2h", 2, N_("Pengingat: sesi konseling 2 jam lagi")),
    ):
        due = appointment.starts_at - timedelta(hours=hours)
        if due <= now:
            continue  # a reminder that would arrive late says nothing useful
        notify(
            appointment.member,
            key=f"appointment:{appointment.id}:reminder-{label}:{stamp}",
            title=title,
            body=N_("%(time)s dengan %(counselor)s."),
            params=_params(appointment),
            url=_appointment_url(appointment),
            due_at=due,
        )


def _tell_member_confirmed(appointment: Appointment, now: datetime) -> None:
    notify(
        appointment.member,
        key=f"appointment:{appointment.id}:confirmed:{_stamp(appointment.starts_at)}",
        title=N_("Sesi konseling dikonfirmasi"),
        body=N_("%(time)s dengan %(counselor)s."),
        params=_params(appointment),
        url=_appointment_url(appointment),
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
        notify(
            member,
            key=f"appointment:{appointment.id}:requested",
            title=N_("Permintaan sesi konseling terkirim"),
            body=N_("%(time)s dengan %(counselor)s. Konselor akan mengonfirmasi."),
            params=_params(appointment),
            url=_appointment_url(appointment),
        )
        notify(
            profile.user,
            key=f"appointment:{appointment.id}:new-request",
            title=N_("Permintaan sesi baru"),
            body=N_("Permintaan untuk %(time)s menunggu konfirmasi Anda."),
            params=_params(appointment),
            url=_staff_url(appointment),
            urgent=_member_has_open_flag(member),
        )
    return appointment


def _is_client(profile: CounselorProfile, member: User) -> bool:
    return db.session.scalar(
        select(Appointment.id).where(
            Appointment.counselor_id == profile.id, Appointment.member_id == member.id
        ).limit(1)
    ) is not None


def _member_has_open_flag(member: User) -> bool:
    return db.session.scalar(
        select(WellbeingCheck.id).where(
            WellbeingCheck.member_id == member.id,
            WellbeingCheck.acute.is_(True),
            WellbeingCheck.handled_at.is_(None),
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
    notify(
        appointment.member,
        key=f"appointment:{appointment.id}:declined",
        title=N_("Permintaan sesi belum bisa diterima"),
        body=N_("Konselor menuliskan alasannya di halaman jadwal Anda. Anda bisa memilih waktu lain."),
        params=_params(appointment),
        url=_appointment_url(appointment),
    )


def is_late_cancellation(appointment: Appointment, now: datetime) -> bool:
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
        notify(
            appointment.counselor.user,
            key=f"appointment:{appointment.id}:cancelled",
            title=N_("Sesi dibatalkan oleh klien"),
            body=N_("Sesi %(time)s dibatalkan. Waktunya terbuka lagi."),
            params=_params(appointment),
            url=_staff_url(appointment),
        )
    else:
        notify(
            appointment.member,
            key=f"appointment:{appointment.id}:cancelled",
            title=N_("Sesi konseling dibatalkan"),
            body=N_("Sesi %(time)s dibatalkan oleh konselor. Alasannya ada di halaman jadwal Anda."),
            params=_params(appointment),
            url=_appointment_url(appointment),
        )


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
    notify(
        profile.user,
        key=f"appointment:{appointment.id}:moved:{_stamp(starts_at)}",
        title=N_("Jadwal sesi diubah oleh klien"),
        body=N_("Sesi dipindah ke %(time)s."),
        params=_params(appointment),
        url=_staff_url(appointment),
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
    notify(
        appointment.member,
        key=f"appointment:{appointment.id}:proposal:{_stamp(starts_at)}",
        title=N_("Konselor mengusulkan waktu baru"),
        body=N_("Usulan: %(time)s. Buka jadwal Anda untuk menerima atau menolak."),
        params=_params(appointment, starts_at),
        url=_appointment_url(appointment),
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
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SlotTaken() from error
    _tell_member_confirmed(appointment, now)


def reject_proposal(actor: User, appointment: Appointment) -> None:
    proposed = appointment.proposed_starts_at
    if proposed is None:
        raise CounselingError(N_("Tidak ada usulan waktu baru."))
    appointment.proposed_starts_at = None
    db.session.flush()
    notify(
        appointment.counselor.user,
        key=f"appointment:{appointment.id}:proposal-rejected:{_stamp(proposed)}",
        title=N_("Usulan waktu baru ditolak"),
        body=N_("Sesi tetap pada %(time)s."),
        params=_params(appointment),
        url=_staff_url(appointment),
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


# --- what people see --------------------------------------------------------------

def member_appointments(member: User, now: datetime | None = None):
    """(upcoming, past) appointments of a member."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Appointment)
        .options(*APPOINTMENT_LOAD)
        .where(Appointment.member_id == member.id)
        .order_by(Appointment.starts_at)
    ).unique().all()
    upcoming = [a for a in rows if a.ends_at > now and a.status in ACTIVE_STATUSES]
    past = [a for a in rows if a not in upcoming]
    past.reverse()
    return upcoming, past


def next_appointment(member: User, now: datetime | None = None) -> Appointment | None:
    now = now or utcnow()
    return db.session.scalar(
        select(Appointment)
        .options(*APPOINTMENT_LOAD)
        .where(
            Appointment.member_id == member.id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.ends_at > now,
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )


def is_first_session(member: User) -> bool:
    """True while the member has never attended a session."""
    return db.session.scalar(
        select(Appointment.id).where(
            Appointment.member_id == member.id, Appointment.status == ATTENDED
        ).limit(1)
    ) is None


@dataclass
class Dashboard:
    today: list[Appointment] = field(default_factory=list)
    week: list[Appointment] = field(default_factory=list)
    waiting: list[Appointment] = field(default_factory=list)
    urgent: list[WellbeingCheck] = field(default_factory=list)
    no_shows: list[Appointment] = field(default_factory=list)
    week_days: list[date] = field(default_factory=list)


def dashboard(profile: CounselorProfile, now: datetime | None = None) -> Dashboard:
    """Today, the next seven days, waiting requests, urgent flags and recent no-shows."""
    now = now or utcnow()
    today = now.astimezone(WITA).date()
    day_start = slotlib.local_moment(today, 0)
    week_end = slotlib.local_moment(today + timedelta(days=7), 0)
    # One query for the week and every waiting request (also those further ahead).
    in_week = and_(Appointment.starts_at >= day_start, Appointment.starts_at < week_end)
    waiting = and_(Appointment.status == REQUESTED, Appointment.starts_at > now)
    rows = db.session.scalars(
        select(Appointment)
        .options(*APPOINTMENT_LOAD)
        .where(
            Appointment.counselor_id == profile.id,
            Appointment.status.in_((REQUESTED, CONFIRMED, ATTENDED, NO_SHOW)),
            in_week | waiting,
        )
        .order_by(Appointment.starts_at)
    ).unique().all()
    board = Dashboard(week_days=[today + timedelta(days=i) for i in range(7)])
    tomorrow = slotlib.local_moment(today + timedelta(days=1), 0)
    board.week = [a for a in rows if day_start <= a.starts_at < week_end]
    board.today = [a for a in board.week if a.starts_at < tomorrow]
    board.waiting = sorted(
        (a for a in rows if a.status == REQUESTED and a.starts_at > now),
        key=lambda a: (not a.urgent, a.starts_at),
    )
    board.urgent = open_urgent_checks()
    board.no_shows = list(
        db.session.scalars(
            select(Appointment)
            .options(*APPOINTMENT_LOAD)
            .where(Appointment.counselor_id == profile.id, Appointment.status == NO_SHOW)
            .order_by(Appointment.starts_at.desc())
            .limit(10)
        ).unique()
    )
    return board


def client_history(profile: CounselorProfile, member: User) -> list[Appointment]:
    """Every appointment of ``member`` with this counselor, newest first."""
    return list(
        db.session.scalars(
            select(Appointment)
            .options(*APPOINTMENT_LOAD)
            .where(Appointment.counselor_id == profile.id, Appointment.member_id == member.id)
            .order_by(Appointment.starts_at.desc())
        ).unique()
    )


def find_member_by_phone(phone: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.phone == phone, User.deleted_at.is_(None))
    )


# --- notes ---------------------------------------------------------------------------

def read_note(author: User, appointment: Appointment) -> SessionNote | None:
    """The author's own note on this session; opening it is written to the audit log."""
    note = db.session.scalar(
        select(SessionNote).where(
            SessionNote.appointment_id == appointment.id, SessionNote.author_id == author.id
        )
    )
    audit.record(
        author, "counseling_note.open", subject=appointment.member,
        object_type="appointment", object_id=appointment.id,
    )
    return note


def save_note(author: User, appointment: Appointment, body: str) -> SessionNote:
    """Write or replace the author's confidential note on a session."""
    note = db.session.scalar(
        select(SessionNote).where(
            SessionNote.appointment_id == appointment.id, SessionNote.author_id == author.id
        )
    )
    if note is None:
        note = SessionNote(appointment_id=appointment.id, author_id=author.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    audit.record(
        author, "counseling_note.write", subject=appointment.member,
        object_type="appointment", object_id=appointment.id,
    )
    db.session.flush()
    return note


def handover_consent(member: User) -> Consent | None:
    return db.session.scalar(
        select(Consent)
        .where(
            Consent.user_id == member.id,
            Consent.purpose == HANDOVER_CONSENT,
            Consent.withdrawn_at.is_(None),
        )
        .limit(1)
    )


def set_handover_consent(member: User, granted: bool, now: datetime | None = None) -> None:
    """Record the member's consent to share handover notes, or withdraw it."""
    current = handover_consent(member)
    if granted and current is None:
        record_consent(member, HANDOVER_CONSENT)
    elif not granted and current is not None:
        current.withdrawn_at = now or utcnow()
    db.session.flush()


def own_handover_note(author: User, member: User) -> HandoverNote | None:
    return db.session.scalar(
        select(HandoverNote).where(
            HandoverNote.member_id == member.id, HandoverNote.author_id == author.id
        )
    )


def save_handover(author: User, member: User, body: str) -> HandoverNote:
    note = own_handover_note(author, member)
    if note is None:
        note = HandoverNote(member_id=member.id, author_id=author.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    db.session.flush()
    return note


def shared_handover_notes(
    reader: User, member: User, consent: Consent | None | bool = False
) -> list[HandoverNote]:
    """Handover notes other counselors wrote about ``member``, only with consent
    (pass ``consent`` when already known, to save a query)."""
    if consent is False:
        consent = handover_consent(member)
    if consent is None:
        return []
    return list(
        db.session.scalars(
            select(HandoverNote)
            .options(defaultload(HandoverNote.author).lazyload(User.role_rows))
            .where(HandoverNote.member_id == member.id, HandoverNote.author_id != reader.id)
        ).unique()
    )


def handover_notes_about(member: User) -> list[HandoverNote]:
    """What the member may read: the handover notes written about them."""
    return list(
        db.session.scalars(select(HandoverNote).where(HandoverNote.member_id == member.id)).unique()
    )


# --- wellbeing check -------------------------------------------------------------------

# (field name, question, [(answer code, label)], answers that mean acute risk)
WELLBEING_QUESTIONS = [
    (
        "mood",
        N_("Dalam dua minggu terakhir, seberapa sering Anda merasa sedih, murung, atau putus asa?"),
        [("0", N_("Tidak pernah")), ("1", N_("Beberapa hari")),
         ("2", N_("Lebih dari separuh hari")), ("3", N_("Hampir setiap hari"))],
        (),
    ),
    (
        "sleep",
        N_("Seberapa sering Anda sulit tidur, atau tidur terlalu banyak?"),
        [("0", N_("Tidak pernah")), ("1", N_("Beberapa hari")),
         ("2", N_("Lebih dari separuh hari")), ("3", N_("Hampir setiap hari"))],
        (),
    ),
    (
        "safe",
        N_("Apakah Anda merasa aman di tempat Anda tinggal sekarang?"),
        [("yes", N_("Ya, aman")), ("unsure", N_("Tidak yakin")), ("no", N_("Tidak aman"))],
        ("no",),
    ),
    (
        "harm",
        N_("Akhir-akhir ini, apakah Anda berpikir untuk menyakiti diri sendiri atau mengakhiri hidup?"),
        [("no", N_("Tidak")), ("sometimes", N_("Kadang terlintas")),
         ("often", N_("Sering")), ("plan", N_("Ya, dan saya sudah punya rencana"))],
        ("often", "plan"),
    ),
]


def is_acute(answers: dict[str, str]) -> bool:
    for name, _question, _choices, acute_answers in WELLBEING_QUESTIONS:
        if answers.get(name) in acute_answers:
            return True
    return False


def submit_wellbeing(
    member: User, answers: dict[str, str], appointment: Appointment | None = None
) -> WellbeingCheck:
    """Store the check. Acute answers flag the member's waiting requests urgent and
    tell every counselor at once (urgent), without waiting for a slot."""
    acute = is_acute(answers)
    check = WellbeingCheck(
        member_id=member.id,
        member=member,
        appointment_id=appointment.id if appointment else None,
        answers=json.dumps(answers),
        acute=acute,
    )
    db.session.add(check)
    db.session.flush()
    if acute:
        for row in db.session.scalars(
            select(Appointment).where(
                Appointment.member_id == member.id, Appointment.status.in_(ACTIVE_STATUSES)
            )
        ):
            row.urgent = True
        counselors = db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "counselor", User.active.is_(True), User.deleted_at.is_(None))
        ).unique().all()
        for counselor in counselors:
            if counselor.id == member.id:
                continue
            notify(
                counselor,
                key=f"wellbeing:{check.id}:urgent:{counselor.id}",
                title=N_("Perlu perhatian segera"),
                body=N_("Seorang anggota menjawab cek kesejahteraan dengan tanda bahaya. Mohon hubungi dia hari ini."),
                url=url_path("mentoring.staff_dashboard"),
                urgent=True,
            )
        db.session.flush()
    return check


def open_urgent_checks() -> list[WellbeingCheck]:
    return list(
        db.session.scalars(
            select(WellbeingCheck)
            .options(*CHECK_LOAD)
            .where(WellbeingCheck.acute.is_(True), WellbeingCheck.handled_at.is_(None))
            .order_by(WellbeingCheck.created_at)
        ).unique()
    )


def handle_urgent(actor: User, check: WellbeingCheck, now: datetime | None = None) -> None:
    """A counselor has reached the member: the urgent flag closes."""
    if not check.acute or check.handled_at is not None:
        raise CounselingError(N_("Tanda ini sudah ditangani."))
    check.handled_at = now or utcnow()
    check.handled_by_id = actor.id
    cancel_messages(f"wellbeing:{check.id}:")
    audit.record(actor, "counseling_urgent.handled", subject=check.member,
                 object_type="wellbeing_check", object_id=check.id)
    db.session.flush()


# --- morning list -------------------------------------------------------------------------

def send_daily_lists(now: datetime | None = None) -> int:
    """Tell each counselor how many sessions they have today (one message per
    counselor per WITA day, whatever how often this runs)."""
    now = now or utcnow()
    today = now.astimezone(WITA).date()
    start = slotlib.local_moment(today, 0)
    end = slotlib.local_moment(today + timedelta(days=1), 0)
    rows = db.session.execute(
        select(Appointment.counselor_id, func.count(Appointment.id), func.min(Appointment.starts_at))
        .where(
            Appointment.status == CONFIRMED,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .group_by(Appointment.counselor_id)
    ).all()
    if not rows:
        return 0
    profiles = {
        p.id: p
        for p in db.session.scalars(
            select(CounselorProfile).where(CounselorProfile.id.in_([r[0] for r in rows]))
        ).unique()
    }
    sent = 0
    for counselor_id, count, first in rows:
        profile = profiles[counselor_id]
        first_at = first if first.tzinfo else first.replace(tzinfo=UTC)
        notify(
            profile.user,
            key=f"counselor:{profile.id}:daily:{today.isoformat()}",
            title=N_("Jadwal Anda hari ini"),
            body=N_("%(count)s sesi hari ini, yang pertama %(time)s."),
            params={"count": count, "time": format_wita(first_at)},
            url=url_path("mentoring.staff_dashboard"),
        )
        sent += 1
    return sent


# --- personal data ---------------------------------------------------------------------------

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


def appointments_overlapping(counselor_id: int, start: datetime, end: datetime) -> list[Appointment]:
    """Active appointments of a counselor overlapping [start, end) (for checks and tests)."""
    return list(
        db.session.scalars(
            select(Appointment).where(
                Appointment.counselor_id == counselor_id,
                Appointment.status.in_(ACTIVE_STATUSES),
                and_(Appointment.starts_at < end, Appointment.ends_at > start),
            )
        ).unique()
    )



def calendar_ics(appointment: Appointment, summary: str, location: str | None) -> bytes:
    """An iCalendar file for "add to calendar" (no topic or other sensitive text)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rumah Purna//Konseling//ID")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.id}@rumahpurna")
    event.add("dtstamp", utcnow())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if appointment.status == CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
