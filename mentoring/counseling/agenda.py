"""What people see of the schedule: a member's appointments, a counselor's
client history and today's sessions (the dashboard is ``dashboard.py``), the counselors' morning list and the
"add to calendar" file. Read-only apart from the morning notifications."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, or_, select, true
from sqlalchemy.orm import defaultload, lazyload

from accounts.models import User
from core.db import plain_rows, utcnow
from core.extensions import db
from core.i18n import WITA
from core.links import site_path
from mentoring.counseling import slots as slotlib
from mentoring.counseling._common import format_wita
from mentoring.counseling.models import (
    ACTIVE_STATUSES,
    ATTENDED,
    CANCELLED,
    CONFIRMED,
    RELATIONSHIP_STATUSES,
    Appointment,
    CounselingCacheState,
    CounselorProfile,
)
from notifications.services import N_, notify

# Lists of appointments need neither the roles of the people in them nor the
# counselor's availability: keep those out of the page's query budget.
APPOINTMENT_LOAD = (
    defaultload(Appointment.member).lazyload(User.role_rows),
    defaultload(Appointment.counselor).defaultload(CounselorProfile.user).lazyload(User.role_rows),
)
def get_appointment(appointment_id: int) -> Appointment | None:
    """One appointment with what its pages show (access is the caller's check)."""
    return db.session.get(Appointment, appointment_id, options=APPOINTMENT_LOAD)


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


def next_appointment(member: User, now: datetime | None = None):
    """The member's next active appointment as a plain row (id, starts_at, status,
    counselor_name) or None, and the slot cache's token read along in the same
    statement (the counselor list is kept under it): one round trip for both.
    Without the token's row (an emptied test database) the token is None."""
    params = {"member_id": member.id, "now": now or utcnow()}
    found = plain_rows(_next_appointment()[1], params).first()
    if found is None:  # no token row: nothing is kept, the appointment read alone
        return plain_rows(_next_appointment()[0], params).first(), None
    version, *row = found
    return (found if row[0] is not None else None), version


@cache
def _next_appointment():
    """(the next appointment, the token LEFT JOINed to it), built once on first use
    (see availability.py). Plain rows: the card shows four fields, not the
    appointment's encrypted topic or both people's accounts."""
    upcoming = (
        select(Appointment.id, Appointment.starts_at, Appointment.status, User.name.label("counselor_name"))
        .join(CounselorProfile, CounselorProfile.id == Appointment.counselor_id)
        .join(User, User.id == CounselorProfile.user_id)
        .where(
            Appointment.member_id == bindparam("member_id"),
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.ends_at > bindparam("now"),
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    along = upcoming.subquery()
    with_token = (
        select(CounselingCacheState.version, *along.c)
        .select_from(CounselingCacheState)
        .outerjoin(along, true())
        .where(CounselingCacheState.id == 1)
    )
    return upcoming, with_token


def is_first_session(member: User) -> bool:
    """True while the member has never attended a session."""
    return db.session.scalar(
        select(Appointment.id).where(
            Appointment.member_id == member.id, Appointment.status == ATTENDED
        ).limit(1)
    ) is None


def today_for(user: User, now: datetime | None = None) -> list[Appointment]:
    """Today's (WITA) requested and confirmed sessions of the counselor ``user``,
    in order; one query, for the workspace panel on their home page."""
    now = now or utcnow()
    today = now.astimezone(WITA).date()
    return list(
        db.session.scalars(
            select(Appointment)
            .options(*APPOINTMENT_LOAD)
            .join(CounselorProfile, CounselorProfile.id == Appointment.counselor_id)
            .where(
                CounselorProfile.user_id == user.id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.starts_at >= slotlib.local_moment(today, 0),
                Appointment.starts_at < slotlib.local_moment(today + timedelta(days=1), 0),
            )
            .order_by(Appointment.starts_at)
        ).unique()
    )


def makes_counselor(appointment: Appointment) -> bool:
    """Whether this appointment makes its counselor the member's counselor: it is
    confirmed, attended or a no-show AND the member booked it herself or accepted
    it (``Appointment.agreed_by_member``). A booking made on the member's behalf
    and never accepted, and any cancelled, declined or still requested
    appointment do not count: finding a member by phone, booking for her and
    cancelling is open to every counselor."""
    return appointment.status in RELATIONSHIP_STATUSES and appointment.agreed_by_member


def is_counselor_of(counselor: User, member: User) -> bool:
    """Whether ``counselor`` is ``member``'s counselor (an appointment for which
    ``makes_counselor`` holds). Only then may the counselor open the client page
    and read handover notes."""
    if counselor is None or member is None or counselor.id == member.id:
        return False
    return db.session.scalar(
        select(Appointment.id)
        .join(CounselorProfile, CounselorProfile.id == Appointment.counselor_id)
        .where(
            CounselorProfile.user_id == counselor.id,
            Appointment.member_id == member.id,
            Appointment.status.in_(RELATIONSHIP_STATUSES),
            or_(
                Appointment.booked_by_id == Appointment.member_id,
                Appointment.member_accepted_at.is_not(None),
            ),
        )
        .limit(1)
    ) is not None


def client_history(profile: CounselorProfile, member: User) -> list[Appointment]:
    """Every appointment of ``member`` with this counselor, newest first (the
    caller checks ``is_counselor_of`` first)."""
    return list(
        db.session.scalars(
            select(Appointment)
            .options(*APPOINTMENT_LOAD)
            .where(Appointment.counselor_id == profile.id, Appointment.member_id == member.id)
            .order_by(Appointment.starts_at.desc())
        ).unique()
    )


def find_member_by_phone(phone: str) -> User | None:
    """The member (not deleted) with this phone number, for booking on their behalf."""
    return db.session.scalar(
        select(User).options(lazyload(User.role_rows)).where(User.phone == phone, User.deleted_at.is_(None))
    )


def nickname_with(profile: CounselorProfile, member: User) -> str | None:
    """The nickname ``member`` uses with this counselor (her newest booking under
    one whose name she has not shared), or ``None``."""
    return db.session.scalar(
        select(Appointment.pseudonym)
        .where(
            Appointment.counselor_id == profile.id,
            Appointment.member_id == member.id,
            Appointment.pseudonym.is_not(None),
            Appointment.identity_shared_at.is_(None),
        )
        .order_by(Appointment.created_at.desc(), Appointment.id.desc())
        .limit(1)
    )


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
            url=site_path("mentoring.counseling.staff_dashboard"),
            handled_by=profile.user,
        )
        sent += 1
    return sent


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
