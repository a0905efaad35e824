"""The counselor's dashboard and the lists behind its "more" links (issue 14).

The dashboard is bounded whatever the counselor's load: today's first
``TODAY_ROWS`` sessions, the first ``WEEK_ROWS`` of each of the next days (with
how many there are in all), the first ``WAITING_ROWS`` waiting requests, the last
``NO_SHOW_ROWS`` no-shows and the open urgent flags. The rest is one link away:
a day's full list (``day_rows``) and every waiting request (``waiting_rows``),
both paged.

Rows are plain tuples (``Row``), never ORM objects: nothing here is changed, and
a counselor with a hundred sessions in the week should not pay for a hundred
objects. Each row carries only what a row shows: id, start, status, urgency,
mode and the client's label, computed in SQL (the nickname of a pseudonymous
booking, otherwise the member's name), so the real name of a member who booked
under a nickname never leaves the database for these pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, func, literal, select

from accounts.models import User
from core.db import paginated, plain_list, utcnow, written
from core.i18n import WITA
from mentoring.counseling import slot_cache
from mentoring.counseling import slots as slotlib
from mentoring.counseling.models import (
    ATTENDED,
    CONFIRMED,
    NO_SHOW,
    REQUESTED,
    Appointment,
    AvailabilityRange,
    CounselorProfile,
)
from mentoring.counseling.wellbeing import UrgentFlag, open_urgent_checks

TODAY_ROWS = 20
WEEK_ROWS = 4
WAITING_ROWS = 10
NO_SHOW_ROWS = 10
PAGE_ROWS = 20
# What the schedule shows: neither cancelled nor declined sessions.
SHOWN_STATUSES = (REQUESTED, CONFIRMED, ATTENDED, NO_SHOW)


def _client_label(pseudonym, identity_shared_at):
    """``Appointment.client_label`` in SQL, from these two columns and ``User.name``."""
    pseudonymous = and_(pseudonym.is_not(None), pseudonym != "", identity_shared_at.is_(None))
    return case((pseudonymous, pseudonym), else_=User.name).label("client_label")


CLIENT_LABEL = _client_label(Appointment.pseudonym, Appointment.identity_shared_at)
ROW_COLUMNS = (
    Appointment.id,
    Appointment.starts_at,
    Appointment.status,
    Appointment.urgent,
    Appointment.mode,
    CLIENT_LABEL,
)


@dataclass
class DaySummary:
    """One day of the week strip: its first rows and how many there are in all."""
    day: date
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class Dashboard:
    """What the counselor's dashboard shows (every list bounded)."""
    today: DaySummary
    week: list[DaySummary]
    waiting: list = field(default_factory=list)
    waiting_total: int = 0
    urgent: list[UrgentFlag] = field(default_factory=list)
    no_shows: list = field(default_factory=list)
    has_ranges: bool = True

    @property
    def waiting_more(self) -> int:
        return self.waiting_total - len(self.waiting)


def _rows():
    return (
        select(*ROW_COLUMNS)
        .join(User, User.id == Appointment.member_id)
        .where(Appointment.counselor_id == bindparam("counselor_id"))
    )


@cache
def _statements() -> dict:
    """The dashboard's statements, built once per process on first use: a fresh
    statement costs more to build and key than its rows cost to read."""
    # Which of the seven days a row is on: a CASE on the day boundaries, the same on
    # SQLite and PostgreSQL (WITA has no daylight saving).
    day_no = case(*[(Appointment.starts_at < bindparam(f"day_{i}"), i - 1) for i in range(1, 7)],
                  else_=6).label("day_no")
    # Ranked without the member: only the rows kept below are joined to their name.
    ranked = (
        select(
            Appointment.id, Appointment.starts_at, Appointment.status, Appointment.urgent,
            Appointment.mode, Appointment.member_id, Appointment.pseudonym,
            Appointment.identity_shared_at, day_no,
            func.row_number().over(partition_by=day_no, order_by=(Appointment.starts_at, Appointment.id))
            .label("rank"),
            func.count().over(partition_by=day_no).label("total"),
        )
        .where(
            Appointment.counselor_id == bindparam("counselor_id"),
            Appointment.status.in_(SHOWN_STATUSES),
            Appointment.starts_at >= bindparam("day_0"),
            Appointment.starts_at < bindparam("day_7"),
        )
        .subquery()
    )
    return {
        # The counselor's profile id, whether it has weekly ranges (the dashboard's
        # notice) and the slot cache's token, read before the lists it keeps.
        "profile": select(
            CounselorProfile.id,
            exists().where(AvailabilityRange.counselor_id == CounselorProfile.id).label("has_ranges"),
            slot_cache.VERSION.label("version"),
        ).where(CounselorProfile.user_id == bindparam("user_id")),
        "week": select(
            ranked.c.id, ranked.c.starts_at, ranked.c.status, ranked.c.urgent, ranked.c.mode,
            _client_label(ranked.c.pseudonym, ranked.c.identity_shared_at), ranked.c.day_no,
            ranked.c.total,
        )
        .join(User, User.id == ranked.c.member_id)
        .where(ranked.c.rank <= case((ranked.c.day_no == 0, TODAY_ROWS), else_=WEEK_ROWS))
        .order_by(ranked.c.day_no, ranked.c.rank),
        "waiting": paginated(
            _rows()
            # How many wait in all, and when the first of them begins (and leaves the list).
            .add_columns(func.count().over().label("total"), func.min(Appointment.starts_at).over().label("first"))
            # The status written into the SQL, not bound: only then can PostgreSQL's
            # kept (generic) plan use the partial index of requested appointments.
            .where(Appointment.status == literal(REQUESTED, literal_execute=True),
                   Appointment.starts_at > bindparam("now"))
            .order_by(Appointment.urgent.desc(), Appointment.starts_at, Appointment.id)
        ),
        "no_shows": _rows()
        # A no-show is marked once its session has begun: read back from now, not
        # from the last session booked (months of confirmed ones ahead).
        .where(Appointment.status == NO_SHOW, Appointment.starts_at <= bindparam("now"))
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        .limit(NO_SHOW_ROWS),
        "day": paginated(
            _rows()
            .where(
                # The statuses and the day's bounds written into the SQL: with them
                # as parameters PostgreSQL planned the day view anew on every request
                # (about 1 ms).
                Appointment.status.in_(bindparam("shown", list(SHOWN_STATUSES), expanding=True,
                                                 literal_execute=True)),
                Appointment.starts_at >= written("start"),
                Appointment.starts_at < written("end"),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        ),
    }


def _run(name: str, **params) -> list:
    return plain_list(_statements()[name], params)


def today_of(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(WITA).date()


def dashboard_for(user: User, now: datetime | None = None) -> Dashboard | None:
    """The counselor's dashboard (None without a profile): today, the next six days,
    waiting requests, urgent flags and recent no-shows, each bounded (see the module).

    One statement reads the profile, and the urgent flags are read on every visit.
    The appointment lists (three statements) are kept per counselor and process
    under the slot cache's token (``slot_cache.kept``): any write to an appointment,
    a member's name or an availability range gives a new token, so a kept list is
    never older than the data it shows, and it goes stale by the clock when today
    ends or the first waiting request begins. The key is the counselor's own
    profile id: another counselor never reads it."""
    found = _run("profile", user_id=user.id)
    if not found:
        return None
    counselor_id, has_ranges, version = found[0]
    now = now or utcnow()
    lists = slot_cache.kept(("dashboard", counselor_id), now, lambda: _lists(counselor_id, now),
                            version=version)
    return Dashboard(**lists, urgent=open_urgent_checks(), has_ranges=bool(has_ranges))


def _lists(counselor_id: int, now: datetime) -> tuple[dict, datetime]:
    """The dashboard's appointment lists at ``now`` (three statements), and until
    when they are exact whatever the clock: the end of today, or the start of the
    first waiting request, whichever comes first."""
    today = today_of(now)
    bounds = {f"day_{i}": slotlib.local_moment(today + timedelta(days=i), 0) for i in range(8)}
    week = [DaySummary(today + timedelta(days=i)) for i in range(7)]
    for row in _run("week", counselor_id=counselor_id, **bounds):
        summary = week[row.day_no]
        summary.rows.append(row)
        summary.total = row.total
    waiting = _run("waiting", counselor_id=counselor_id, now=now, limit=WAITING_ROWS, offset=0)
    lists = {
        "today": week[0], "week": week, "waiting": waiting,
        "waiting_total": waiting[0].total if waiting else 0,
        "no_shows": _run("no_shows", counselor_id=counselor_id, now=now),
    }
    until = bounds["day_1"]
    if waiting:
        until = min(until, waiting[0].first)
    return lists, until


def waiting_rows(profile: CounselorProfile, page: int = 1, per_page: int = PAGE_ROWS,
                 now: datetime | None = None) -> tuple[list, int]:
    """One page of the requests still waiting for this counselor (urgent first,
    then the soonest), and how many there are in all (one statement)."""
    rows = _run("waiting", counselor_id=profile.id, now=now or utcnow(),
                limit=per_page, offset=(page - 1) * per_page)
    return rows, (rows[0].total if rows else 0)


def day_rows(profile: CounselorProfile, day: date, page: int = 1,
             per_page: int = PAGE_ROWS) -> tuple[list, bool]:
    """One page of this counselor's sessions on a WITA day, in order, and whether
    another page follows (one statement)."""
    rows = _run("day", counselor_id=profile.id, start=slotlib.local_moment(day, 0),
                end=slotlib.local_moment(day + timedelta(days=1), 0),
                limit=per_page + 1, offset=(page - 1) * per_page)
    return rows[:per_page], len(rows) > per_page
