"""Counselor profiles and availability: booking rules, weekly ranges, exceptions
(days off, extra hours), and the free slots they leave once active appointments
are taken out. Plain functions; they flush, the caller commits."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import defaultload, lazyload, load_only, selectinload

from accounts.models import User, UserRole
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import slot_cache
from mentoring.counseling import slots as slotlib
from mentoring.counseling._common import CounselingError
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityException,
    AvailabilityRange,
    CounselorProfile,
)
from notifications.services import N_

AVAILABILITY_LOAD = (
    selectinload(CounselorProfile.ranges),
    selectinload(CounselorProfile.exceptions),
)


@cache
def _profile_of_user():
    # ``profile.user`` is ``user``, already loaded: not joined again. Built once:
    # every counselor's page asks it, and a new statement costs its cache key.
    return (select(CounselorProfile).options(lazyload(CounselorProfile.user))
            .where(CounselorProfile.user_id == bindparam("user_id")))


def get_profile_for(user: User) -> CounselorProfile | None:
    """The counselor profile of ``user``, or None."""
    return db.session.scalar(_profile_of_user(), {"user_id": user.id})


def profile_defaults() -> dict:
    """What a new counselor profile starts with (also what the set-up form shows
    before the profile exists); fresh lists on every call."""
    return {**_PROFILE_DEFAULTS, "languages": ["id"], "modes": ["in_person", "phone"]}


_PROFILE_DEFAULTS = {
    "bio": "",
    "accepts_new_clients": True,
    "requires_confirmation": True,
    "session_minutes": 60,
    "buffer_minutes": 15,
    "min_notice_hours": 12,
    "horizon_days": 30,
    "daily_max": 6,
    "cancel_notice_hours": 24,
}


def get_or_create_profile(user: User) -> CounselorProfile:
    """The counselor's profile, created with ``profile_defaults()`` when it does not
    exist yet (when the role is granted, by the demo seed, or when a counselor
    who predates that saves the set-up form). Never called on a GET."""
    profile = get_profile_for(user)
    if profile is None:
        profile = CounselorProfile(user_id=user.id, user=user, **profile_defaults())
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
    """Remove one weekly range of this profile; False when it is not theirs."""
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
    """Remove one exception of this profile; False when it is not theirs."""
    for row in list(profile.exceptions):
        if row.id == exception_id:
            profile.exceptions.remove(row)
            db.session.flush()
            return True
    return False


def rules_for(profile: CounselorProfile, ignore_notice: bool = False) -> slotlib.Rules:
    """The profile's booking rules for the slot calculator."""
    return slotlib.Rules(
        session_minutes=profile.session_minutes,
        buffer_minutes=profile.buffer_minutes,
        min_notice=timedelta(0) if ignore_notice else timedelta(hours=profile.min_notice_hours),
        horizon=timedelta(days=profile.horizon_days),
        daily_max=profile.daily_max,
    )


def weekly_for(profile: CounselorProfile) -> dict[int, list[slotlib.Range]]:
    """The profile's weekly ranges by weekday (0 = Monday)."""
    weekly: dict[int, list[slotlib.Range]] = {}
    for row in profile.ranges:
        weekly.setdefault(row.weekday, []).append((row.start_minute, row.end_minute))
    return weekly


def exceptions_for(profile: CounselorProfile) -> list[slotlib.DayException]:
    """The profile's days off and extra hours for the slot calculator."""
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
    params = {"ids": ids, "start": start - timedelta(days=1), "end": end + timedelta(days=1)}
    statement = _BUSY
    if exclude_id is not None:
        statement = _BUSY_EXCLUDING
        params["exclude_id"] = exclude_id
    for counselor_id, starts_at, ends_at in db.session.execute(statement, params):
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


def _counselor_query(*options):
    return (
        select(CounselorProfile)
        .options(*(options or AVAILABILITY_LOAD))
        .join(User, User.id == CounselorProfile.user_id)
        .where(CounselorProfile.active.is_(True), User.active.is_(True), User.deleted_at.is_(None))
        .where(
            exists().where(UserRole.user_id == User.id, UserRole.role == "counselor")
        )
    )


# The statements of the counselor list, built once (on first use, once the models are
# mapped): building a statement and its cache key on every visit cost more than
# running it.
_COUNSELOR_LIST = None
_BUSY = select(Appointment.counselor_id, Appointment.starts_at, Appointment.ends_at).where(
    Appointment.counselor_id.in_(bindparam("ids", expanding=True)),
    Appointment.status.in_(ACTIVE_STATUSES),
    Appointment.starts_at >= bindparam("start"),
    Appointment.starts_at < bindparam("end"),
)
_BUSY_EXCLUDING = _BUSY.where(Appointment.id != bindparam("exclude_id"))


def list_counselors(language: str | None = None, mode: str | None = None) -> list[CounselorProfile]:
    """Active counselors, optionally speaking ``language`` and offering ``mode``."""
    # The list reads only what it shows and the booking rules for the first free
    # slot: not the counselors' roles (the query already checks them), bios, links
    # or account details.
    global _COUNSELOR_LIST
    if _COUNSELOR_LIST is None:
        _COUNSELOR_LIST = (
            # Their availability is read by ``first_free_slots``, as plain rows.
            _counselor_query(
                lazyload(CounselorProfile.ranges),
                lazyload(CounselorProfile.exceptions),
                load_only(
                    CounselorProfile.user_id, CounselorProfile.languages, CounselorProfile.modes,
                    CounselorProfile.accepts_new_clients, CounselorProfile.session_minutes,
                    CounselorProfile.buffer_minutes, CounselorProfile.min_notice_hours,
                    CounselorProfile.horizon_days, CounselorProfile.daily_max,
                ),
                defaultload(CounselorProfile.user).load_only(User.name).lazyload(User.role_rows),
            )
            .order_by(User.name)
        )
    profiles = db.session.scalars(_COUNSELOR_LIST).unique().all()
    # Languages and modes are short JSON lists; filtering them here keeps the query
    # portable between SQLite and PostgreSQL.
    if language:
        profiles = [p for p in profiles if language in (p.languages or [])]
    if mode:
        profiles = [p for p in profiles if mode in (p.modes or [])]
    return profiles


_ONE_COUNSELOR: dict[bool, object] = {}


def get_counselor(profile_id: int) -> CounselorProfile | None:
    """One active counselor (as ``list_counselors`` would show) with availability, or None."""
    return db.session.scalar(_one_counselor(picker=False), {"profile_id": profile_id})


def get_counselor_and_token(profile_id: int):
    """The slot picker's counselor, its ranges and exceptions loaded only when asked
    for (only when its kept slots are stale), and the slot cache's token read
    along in the same statement: a row (profile, version), or None."""
    return db.session.execute(_one_counselor(picker=True), {"profile_id": profile_id}).first()


def _one_counselor(picker: bool):
    """The statement for one counselor, built once: its cache key cost more than the query."""
    statement = _ONE_COUNSELOR.get(picker)
    if statement is None:
        options = AVAILABILITY_LOAD if not picker else (
            lazyload(CounselorProfile.ranges), lazyload(CounselorProfile.exceptions),
            defaultload(CounselorProfile.user).lazyload(User.role_rows),
        )
        statement = _counselor_query(*options).where(CounselorProfile.id == bindparam("profile_id"))
        if picker:
            statement = statement.add_columns(slot_cache.VERSION)
        _ONE_COUNSELOR[picker] = statement
    return statement


_RANGES = (
    select(AvailabilityRange.counselor_id, AvailabilityRange.start_minute,
           AvailabilityRange.end_minute, AvailabilityRange.weekday)
    .where(AvailabilityRange.counselor_id.in_(bindparam("ids", expanding=True)))
    .order_by(AvailabilityRange.weekday, AvailabilityRange.start_minute)
)
_EXCEPTIONS = (
    select(AvailabilityException.counselor_id, AvailabilityException.day,
           AvailabilityException.kind, AvailabilityException.start_minute,
           AvailabilityException.end_minute)
    .where(
        AvailabilityException.counselor_id.in_(bindparam("ids", expanding=True)),
        AvailabilityException.day >= bindparam("since"),
    )
    .order_by(AvailabilityException.day, AvailabilityException.start_minute)
)


def first_free_slots(
    profiles: list[CounselorProfile], now: datetime | None = None, *, with_inputs: bool = False
):
    """The first free slot of each counselor: their weekly ranges, their days off and
    extra hours from today on, and their appointments each in one query for all of
    them (as plain rows), then a search that stops at the first free slot.
    ``with_inputs``: also each counselor's (rules, weekly ranges, exceptions)."""
    now = now or utcnow()
    if not profiles:
        return {}
    ids = [p.id for p in profiles]
    weekly: dict[int, dict[int, list[slotlib.Range]]] = {cid: {} for cid in ids}
    for counselor_id, start_minute, end_minute, weekday in db.session.execute(_RANGES, {"ids": ids}):
        weekly[counselor_id].setdefault(weekday, []).append((start_minute, end_minute))
    exceptions: dict[int, list[slotlib.DayException]] = {cid: [] for cid in ids}
    since = now.astimezone(WITA).date() - timedelta(days=1)
    for counselor_id, *fields in db.session.execute(_EXCEPTIONS, {"ids": ids, "since": since}):
        exceptions[counselor_id].append(slotlib.DayException(*fields))
    longest = max(p.horizon_days for p in profiles)
    busy = busy_by_counselor(ids, now, now + timedelta(days=longest))
    result, inputs = {}, {}
    for profile in profiles:
        rules = rules_for(profile)
        found = slotlib.free_slots(
            rules, weekly[profile.id], exceptions[profile.id], busy[profile.id], now, limit=1,
        )
        result[profile.id] = found[0] if found else None
        inputs[profile.id] = (rules, weekly[profile.id], exceptions[profile.id])
    return (result, inputs) if with_inputs else result


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
