"""Free slots kept between requests, in each process, for as long as they are exact.

The counselor list (everyone's first free slot) and a counselor's slot picker
(every free slot) are the same for every member, and computing them reads every
active appointment of the booking horizon. So each process keeps them, and uses a
kept answer only while both of these hold:

- **Nothing it depends on changed.** One row, ``counseling_cache_state``, holds a
  random token. Every transaction that writes an appointment (booking, any status
  change, a new time), a counselor profile, a weekly range or exception, the
  counselor role, or a user's name or active state, replaces the token just
  before it commits, so the new token becomes visible together with the change, in
  every worker and host. A kept answer is used only under the token that was read
  before it was computed: one primary-key query per page. Reading a stale token
  only means computing again. (Writes outside a Session, or a database without
  the row, are not cached at all: no row, no cache.)
- **The clock has not made it stale.** The earliest bookable moment (now + the
  minimum notice) moves forward: a kept first slot is exact until that moment
  passes it, and the picker drops the slots before it on every request. The end
  of the horizon (now + horizon) moves forward too: nothing kept is used once it
  reaches a slot start that the counselor's ranges offer beyond what was seen.
  A kept answer is never used for a moment before the one it was computed for.

Nothing per member is kept here: only times, by counselor id. The counselor
dashboard keeps its appointment lists here too (``dashboard.dashboard_for``):
they depend on the same rows, are keyed by the counselor's own profile id and
are only ever shown to that counselor.
"""
from __future__ import annotations

import secrets
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.extensions import db
from core.kept import LRU
from mentoring.counseling import slots as slotlib
from mentoring.counseling.models import CounselingCacheState

MAX_ENTRIES = 500
FOREVER = datetime.max.replace(tzinfo=UTC)
_CHANGED = "counseling_slots_changed"
# What the free slots (and the counselor list beside them) depend on.
_TABLES = frozenset({
    "appointments", "counselor_profiles", "counselor_availability", "counselor_exceptions",
    "user_roles", "users",
})
_USER_FIELDS = ("name", "active", "deleted_at", "confirmed_at")


@dataclass(frozen=True)
class Kept:
    version: int
    computed_at: datetime
    valid_until: datetime
    value: object


_entries = LRU(MAX_ENTRIES)  # key -> Kept


_VERSION = select(CounselingCacheState.version).where(CounselingCacheState.id == 1)
# The token as a column, for a statement that reads it along (the counselor dashboard).
VERSION = _VERSION.scalar_subquery()
_UNREAD = object()


def current_version() -> int | None:
    return db.session.scalar(_VERSION)


def clear() -> None:
    """Forget everything kept in this process (tests)."""
    _entries.clear()


def kept(key: tuple, now: datetime, compute: Callable[[], tuple[object, datetime]],
         version: int | None | object = _UNREAD) -> object:
    """``compute()``'s value (it returns the value and when it goes stale), kept
    under the current token while ``computed_at <= now < valid_until``. ``version``:
    the token, when the caller has read it already (``VERSION``) before computing."""
    if version is _UNREAD:
        version = current_version()  # read before computing: a change after it gives a new token
    if version is None:
        return compute()[0]
    hit = _entries.peek(key)
    if hit is not None and hit.version == version and hit.computed_at <= now < hit.valid_until:
        _entries.touch(key)  # the most read stay
        return hit.value
    value, valid_until = compute()
    _entries.put(key, Kept(version, now, valid_until, value))
    return value


def horizon_stale_at(rules: slotlib.Rules, weekly, exceptions, now: datetime) -> datetime:
    """When ``now + horizon`` reaches a slot start not seen at ``now``."""
    beyond = slotlib.next_start_after(rules, weekly, exceptions, now + rules.horizon)
    return FOREVER if beyond is None else beyond - rules.horizon


# --- keeping the token current -------------------------------------------------

def _mark(session: Session) -> None:
    session.info[_CHANGED] = True


def _touches_slots(session: Session, instance) -> bool:
    from accounts.models import User, UserRole
    from mentoring.counseling.models import (
        Appointment,
        AvailabilityException,
        AvailabilityRange,
        CounselorProfile,
    )

    if isinstance(instance, (Appointment, CounselorProfile, AvailabilityRange, AvailabilityException)):
        return True
    if isinstance(instance, UserRole):
        return instance.role == "counselor"
    if isinstance(instance, User):
        if instance in session.new:
            return False  # not a counselor until a role row says so
        if instance in session.deleted:
            return True
        attrs = inspect(instance).attrs
        return any(attrs[name].history.has_changes() for name in _USER_FIELDS)
    return False


def _before_flush(session: Session, _context, _instances) -> None:
    if session.info.get(_CHANGED):
        return
    for instance in chain(session.new, session.dirty, session.deleted):
        if _touches_slots(session, instance):
            _mark(session)
            return


def _do_orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            _mark(state.session)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # so that the flush hook has seen what this commit writes
    if not session.info.pop(_CHANGED, False):
        return
    # Last thing before COMMIT: the row is locked only for the commit itself.
    result = session.execute(
        update(CounselingCacheState).where(CounselingCacheState.id == 1)
        .values(version=secrets.randbits(62))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # an emptied (test) database: start keeping again
        session.execute(insert(CounselingCacheState).values(id=1, version=secrets.randbits(62)))


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def install() -> None:
    """Watch every session for changes to what the free slots depend on (once)."""
    for name, listener in (("before_flush", _before_flush), ("do_orm_execute", _do_orm_execute),
                           ("before_commit", _before_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# --- what is kept ---------------------------------------------------------------

def first_free(profiles, now: datetime | None = None) -> dict[int, datetime | None]:
    """``availability.first_free_slots(profiles)``, kept (see the module notes)."""
    now = now or utcnow()
    if not profiles:
        return {}
    return kept(("first", tuple(p.id for p in profiles)), now, lambda: first_free_until(profiles, now))


def first_free_until(profiles, now: datetime) -> tuple[dict[int, datetime | None], datetime]:
    """Each counselor's first free slot at ``now``, and until when that is exact."""
    from mentoring.counseling import availability

    result, inputs = availability.first_free_slots(profiles, now, with_inputs=True)
    until = FOREVER
    for profile in profiles:
        rules, weekly, exceptions = inputs[profile.id]
        first = result[profile.id]
        if first is None:  # none yet: until the horizon reaches a new slot
            until = min(until, horizon_stale_at(rules, weekly, exceptions, now))
        else:  # until the minimum notice passes it
            until = min(until, first - rules.min_notice)
    return result, until


def free_slots(profile, now: datetime | None = None, version: int | None | object = _UNREAD) -> list[datetime]:
    """``availability.free_slots_for(profile)``, kept (see the module notes);
    ``version`` as for ``kept``."""
    from mentoring.counseling import availability

    now = now or utcnow()
    rules = availability.rules_for(profile)

    def compute():
        weekly, exceptions = availability.weekly_for(profile), availability.exceptions_for(profile)
        slots = availability.free_slots_for(profile, now)
        return slots, horizon_stale_at(rules, weekly, exceptions, now)

    slots = kept(("free", profile.id), now, compute, version=version)
    return slots[bisect_left(slots, now + rules.min_notice):]

