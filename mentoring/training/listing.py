"""Training listing queries: the members' list, staff lists, seat counts, registrants.

Each page's query count stays the same whatever the number of sessions or people.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import get_template_attribute, request
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.db import paginated, plain_list, plain_rows, utcnow
from core.extensions import db
from core.i18n import current_language
from core.kept import LRU, kept
from mentoring.training._common import ACTIVE_STATUSES
from mentoring.training.models import TrainingRegistration, TrainingSession

# The viewer's own active registration status on a listed session ("confirmed",
# "waitlisted" or NULL); a person holds at most one active registration per
# session (uq_training_registrations_active_user).
_MY_STATUS = (
    select(TrainingRegistration.status)
    .where(
        TrainingRegistration.session_id == TrainingSession.id,
        TrainingRegistration.user_id == bindparam("viewer_id"),
        TrainingRegistration.status.in_(ACTIVE_STATUSES),
    )
    .limit(1)
    .scalar_subquery()
)


def _upcoming_statement(tag: bool, regency: bool):
    """The training list's statement with these filters, built once each: building
    it and its cache key on every visit cost more than running it. Plain rows of
    what a row of the list shows (``_training_row.html``), ``updated_at`` (the key
    of its kept seat counts, ``listed_seat_counts``) and the viewer's status."""
    key = (tag, regency)
    built = _UPCOMING.get(key)
    if built is None:
        statement = select(
            TrainingSession.id, TrainingSession.title, TrainingSession.place, TrainingSession.regency,
            TrainingSession.starts_at, TrainingSession.capacity, TrainingSession.status,
            TrainingSession.updated_at, _MY_STATUS.label("my_status"),
        ).where(TrainingSession.status == "scheduled", TrainingSession.starts_at > bindparam("now"))
        if tag:
            statement = statement.where(TrainingSession.tags.like(bindparam("tag"), escape="/"))
        if regency:
            statement = statement.where(TrainingSession.regency == bindparam("regency"))
        built = _UPCOMING[key] = paginated(statement.order_by(TrainingSession.starts_at, TrainingSession.id))
    return built


_UPCOMING: dict[tuple[bool, bool], object] = {}


@dataclass
class TrainingPage:
    """One page of the members' training list (``page``, ``items``, ``has_next``:
    what the pager needs; no count of every session)."""
    page: int
    items: list
    has_next: bool


def upcoming_trainings(tag: str | None, regency: str | None, page: int, per_page: int = 20,
                       viewer: User | None = None) -> TrainingPage:
    """Scheduled sessions that have not started yet, soonest first, as plain rows
    with ``viewer``'s own registration status on each (``my_status``); one
    statement, a row more than a page to know whether another page follows."""
    params: dict = {"now": utcnow(), "limit": per_page + 1, "offset": (page - 1) * per_page,
                    "viewer_id": viewer.id if viewer is not None else None}
    if tag:
        escaped = tag.replace("/", "//").replace("%", "/%").replace("_", "/_")
        params["tag"] = f"%,{escaped},%"
    if regency:
        params["regency"] = regency
    rows = plain_list(_upcoming_statement(bool(tag), bool(regency)), params)
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


def seat_counts(training_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{session_id: {"confirmed": n, "waitlisted": m}}`` in one query."""
    ids = list(training_ids)
    counts: dict[int, dict[str, int]] = {i: {"confirmed": 0, "waitlisted": 0} for i in ids}
    if not ids:
        return counts
    rows = plain_rows(_SEAT_COUNTS, {"ids": ids})
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
_kept_counts = LRU(MAX_KEPT_COUNTS)  # (session id, updated_at) -> seat_counts


def forget_seat_counts() -> None:
    """Forget the kept seat counts of this process (tests)."""
    _kept_counts.clear()


def listed_seat_counts(trainings: Iterable) -> dict[int, dict[str, int]]:
    """``seat_counts`` for sessions (or rows) with ``id`` and ``updated_at``: kept ones from this
    process, the others in one query (none when every count is kept)."""
    counts: dict[int, dict[str, int]] = {}
    missing: dict[int, tuple[int, datetime]] = {}
    for training in trainings:
        key = (training.id, training.updated_at)
        kept = _kept_counts.get(key)
        if kept is None:
            missing[training.id] = key
        else:
            counts[training.id] = kept
    if missing:
        for training_id, fresh in seat_counts(missing).items():
            counts[training_id] = fresh
            _kept_counts.put(missing[training_id], fresh)
    return counts


NO_SEATS_TAKEN = {"confirmed": 0, "waitlisted": 0}


def list_rows(trainings, counts: dict) -> Markup:
    """The members' list rows of a page, each kept (``list_row``)."""
    return Markup("").join(list_row(training, counts) for training in trainings)


def list_row(training, counts: dict) -> Markup:
    """A row of the members' list (a row of ``upcoming_trainings``), drawn once
    per what it shows (title, time, place, state, seats left) and the viewer's
    own status on it ("confirmed", "waitlisted" or none), then kept: the key holds
    that status only, never who the viewer is, so members with the same status
    share it."""
    seats = counts.get(training.id, NO_SEATS_TAKEN)
    status = training.my_status
    key = ("training-row", current_language(), request.script_root, training.id, training.title,
           training.starts_at, training.regency, bool(training.place), training.status, training.capacity,
           seats["confirmed"], status)
    return kept(key, lambda: get_template_attribute("mentoring/training/_training_row.html", "training_row")(
        training, seats, status))


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

