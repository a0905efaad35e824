"""Training listing queries: the members' list, staff lists, seat counts, registrants.

Each page's query count stays the same whatever the number of sessions or people.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.training._common import ACTIVE_STATUSES
from mentoring.training.models import TrainingRegistration, TrainingSession

# What a row of the members' training list shows (``_training_row.html``), and
# ``updated_at``, the key of its kept seat counts (``listed_seat_counts``).
LIST_COLUMNS = load_only(
    TrainingSession.title, TrainingSession.place, TrainingSession.regency,
    TrainingSession.starts_at, TrainingSession.capacity, TrainingSession.status,
    TrainingSession.updated_at,
)


def _upcoming_statement(tag: bool, regency: bool):
    """The training list's statement with these filters, built once each: building
    it and its cache key on every visit cost more than running it."""
    key = (tag, regency)
    built = _UPCOMING.get(key)
    if built is None:
        statement = select(TrainingSession).options(LIST_COLUMNS).where(
            TrainingSession.status == "scheduled", TrainingSession.starts_at > bindparam("now")
        )
        if tag:
            statement = statement.where(TrainingSession.tags.like(bindparam("tag"), escape="/"))
        if regency:
            statement = statement.where(TrainingSession.regency == bindparam("regency"))
        built = _UPCOMING[key] = (
            statement.order_by(TrainingSession.starts_at, TrainingSession.id)
            .limit(bindparam("limit")).offset(bindparam("offset"))
        )
    return built


_UPCOMING: dict[tuple[bool, bool], object] = {}


@dataclass
class TrainingPage:
    """One page of the members' training list (``page``, ``items``, ``has_next``:
    what the pager needs; no count of every session)."""
    page: int
    items: list[TrainingSession]
    has_next: bool


def upcoming_trainings(tag: str | None, regency: str | None, page: int, per_page: int = 20) -> TrainingPage:
    """Scheduled sessions that have not started yet, soonest first (only the
    columns the list shows); one statement, a row more than a page to know
    whether another page follows."""
    params: dict = {"now": utcnow(), "limit": per_page + 1, "offset": (page - 1) * per_page}
    if tag:
        escaped = tag.replace("/", "//").replace("%", "/%").replace("_", "/_")
        params["tag"] = f"%,{escaped},%"
    if regency:
        params["regency"] = regency
    rows = list(db.session.execute(_upcoming_statement(bool(tag), bool(regency)), params).unique().scalars())
    return TrainingPage(page=page, items=rows[:per_page], has_next=len(rows) > per_page)


def all_trainings(page: int, per_page: int = 20):
    """For staff: every session, the newest start first."""
    statement = select(TrainingSession).order_by(
        TrainingSession.starts_at.desc(), TrainingSession.id.desc()
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


_SEAT_COUNTS = (
    select(TrainingRegistration.session_id, TrainingRegistration.status, func.count())
    .where(
        TrainingRegistration.session_id.in_(bindparam("ids", expanding=True)),
        TrainingRegistration.status.in_(ACTIVE_STATUSES),
    )
    .group_by(TrainingRegistration.session_id, TrainingRegistration.status)
)
# The sessions are already loaded by the list: no need to join them again.
_REGISTRATIONS_OF = (
    select(TrainingRegistration)
    .options(lazyload(TrainingRegistration.session))
    .where(
        TrainingRegistration.user_id == bindparam("user_id"),
        TrainingRegistration.session_id.in_(bindparam("ids", expanding=True)),
        TrainingRegistration.status.in_(ACTIVE_STATUSES),
    )
)


def seat_counts(training_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{session_id: {"confirmed": n, "waitlisted": m}}`` in one query."""
    ids = list(training_ids)
    counts: dict[int, dict[str, int]] = {i: {"confirmed": 0, "waitlisted": 0} for i in ids}
    if not ids:
        return counts
    rows = db.session.execute(_SEAT_COUNTS, {"ids": ids})
    for session_id, status, count in rows:
        counts[session_id][status] = count
    return counts


# Seat counts of listed sessions, kept per process under (session id, updated_at).
# Every change of a session's seats happens under its row lock, which moves
# ``updated_at`` (``operations._locked_training``): a registration, a cancellation,
# a promotion from the waitlist or a new capacity loads under a new key at the
# next request in every worker, so nothing needs to be forgotten. A count read
# after the session row can only be newer than the key it is kept under.
# Registrations written by raw SQL outside those operations (data sets) are
# not seen until the session row changes.
MAX_KEPT_COUNTS = 4000
_kept_counts: OrderedDict[tuple[int, datetime], dict[str, int]] = OrderedDict()


def forget_seat_counts() -> None:
    """Forget the kept seat counts of this process (tests)."""
    _kept_counts.clear()


def listed_seat_counts(trainings: Iterable[TrainingSession]) -> dict[int, dict[str, int]]:
    """``seat_counts`` for sessions loaded with ``updated_at``: kept ones from this
    process, the others in one query (none when every count is kept)."""
    counts: dict[int, dict[str, int]] = {}
    missing: dict[int, tuple[int, datetime]] = {}
    for training in trainings:
        key = (training.id, training.updated_at)
        kept = _kept_counts.get(key)
        if kept is None:
            missing[training.id] = key
        else:
            _kept_counts.move_to_end(key)
            counts[training.id] = kept
    if missing:
        for training_id, fresh in seat_counts(missing).items():
            counts[training_id] = _kept_counts[missing[training_id]] = fresh
        while len(_kept_counts) > MAX_KEPT_COUNTS:
            _kept_counts.popitem(last=False)
    return counts


def registrations_of(user: User, training_ids: Iterable[int]) -> dict[int, TrainingRegistration]:
    """The user's active registrations among these sessions, by session id."""
    ids = list(training_ids)
    if not ids:
        return {}
    rows = db.session.scalars(_REGISTRATIONS_OF, {"user_id": user.id, "ids": ids})
    return {r.session_id: r for r in rows}


def waitlist_position(registration: TrainingRegistration) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                TrainingRegistration.session_id == registration.session_id,
                TrainingRegistration.status == "waitlisted",
                (TrainingRegistration.created_at < registration.created_at)
                | (
                    (TrainingRegistration.created_at == registration.created_at)
                    & (TrainingRegistration.id < registration.id)
                ),
            )
        )
        or 0
    ) + 1


def my_registrations(user: User) -> list[TrainingRegistration]:
    """The member's registrations that are still active, with their sessions."""
    return list(
        db.session.scalars(
            select(TrainingRegistration)
            .join(TrainingRegistration.session)
            .where(
                TrainingRegistration.user_id == user.id,
                TrainingRegistration.status.in_(ACTIVE_STATUSES),
            )
            .order_by(TrainingSession.starts_at.desc())
            .limit(100)
        )
    )


def registrants(training: TrainingSession) -> list[TrainingRegistration]:
    """Everyone confirmed or waitlisted, with their accounts (one query)."""
    return list(
        db.session.scalars(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.session_id == training.id,
                TrainingRegistration.status.in_(ACTIVE_STATUSES),
            )
            .options(joinedload(TrainingRegistration.user))
            .order_by(
                TrainingRegistration.status,  # confirmed before waitlisted
                TrainingRegistration.seat_no,
                TrainingRegistration.created_at,
                TrainingRegistration.id,
            )
        )
    )

