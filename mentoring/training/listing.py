"""Training listing queries: the members' list, staff lists, seat counts, registrants.

Each page's query count stays the same whatever the number of sessions or people.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.training._common import ACTIVE_STATUSES
from mentoring.training.models import TrainingRegistration, TrainingSession

# What a row of the members' training list shows (``_training_row.html``).
LIST_COLUMNS = load_only(
    TrainingSession.title, TrainingSession.place, TrainingSession.regency,
    TrainingSession.starts_at, TrainingSession.capacity, TrainingSession.status,
)


def _upcoming_statements(tag: bool, regency: bool):
    """(items, count) statements of the training list with these filters, built once
    each: building them and their cache keys on every visit cost more than running
    them. Same SQL as ``db.paginate`` would send."""
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
        statement = statement.order_by(TrainingSession.starts_at, TrainingSession.id)
        count = select(func.count()).select_from(statement.order_by(None).subquery())
        items = statement.limit(bindparam("limit")).offset(bindparam("offset"))
        built = _UPCOMING[key] = (items, count)
    return built


_UPCOMING: dict[tuple[bool, bool], tuple] = {}


class _UpcomingPagination(Pagination):
    """What ``db.paginate`` gives for the members' training list (same two queries)."""

    def _params(self) -> dict:
        args = self._query_args
        params = {"now": args["now"]}
        if args["tag"]:
            escaped = args["tag"].replace("/", "//").replace("%", "/%").replace("_", "/_")
            params["tag"] = f"%,{escaped},%"
        if args["regency"]:
            params["regency"] = args["regency"]
        return params

    def _statements(self):
        return _upcoming_statements(bool(self._query_args["tag"]), bool(self._query_args["regency"]))

    def _query_items(self) -> list[TrainingSession]:
        params = {**self._params(), "limit": self.per_page, "offset": self._query_offset}
        return list(db.session.execute(self._statements()[0], params).unique().scalars())

    def _query_count(self) -> int:
        return db.session.execute(self._statements()[1], self._params()).scalar()


def upcoming_trainings(tag: str | None, regency: str | None, page: int, per_page: int = 20):
    """Scheduled sessions that have not started yet, soonest first (only the
    columns the list shows)."""
    return _UpcomingPagination(
        page=page, per_page=per_page, error_out=False,
        now=utcnow(), tag=tag or None, regency=regency or None,
    )


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

