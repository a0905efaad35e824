"""Claiming due outbox rows for one dispatcher (step 1 of ``notifications.dispatch``),
taking back the claims of a dispatcher that stopped, and the counts of a run."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from core.extensions import db
from notifications.channels import setting
from notifications.models import OutboxMessage

log = logging.getLogger("rumahpurna.notifications.dispatch")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 60
CAP_WINDOW = timedelta(days=7)
CHUNK = 500
EXPIRED = "expired: the event it is about has begun"


@dataclass
class DispatchResult:
    counts: Counter = field(default_factory=Counter)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) or "nothing due"


def _int_setting(name: str, default: int) -> int:
    value = setting(name)
    return int(value) if value else default


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the 1st, 2nd, 3rd… failed attempt."""
    base = _int_setting("NOTIFY_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def max_attempts() -> int:
    return _int_setting("NOTIFY_MAX_ATTEMPTS", MAX_ATTEMPTS)


def _take_back_stale_claims(now: datetime, result: DispatchResult) -> None:
    taken = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - LEASE)
        .values(status="pending", claim_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        log.warning("took back %d messages from a dispatcher that stopped", taken)
        result.counts["taken_back"] += taken


def _claim(now: datetime, token: str, limit: int) -> list[int]:
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Lock first, then update the locked ids. (Inside ``IN (…)`` PostgreSQL
        # may re-run a LIMIT … SKIP LOCKED subquery and claim more than asked.)
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            return []
        target = OutboxMessage.id.in_(ids)
    else:
        # SQLite: one statement under the single writer lock; it must be the
        # first statement of its transaction (a read first could not upgrade).
        target = OutboxMessage.id.in_(due.scalar_subquery())
    statement = (
        update(OutboxMessage)
        .where(target, OutboxMessage.status == "pending")
        .values(status="sending", claim_token=token, claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return list(db.session.scalars(statement))


def _release(ids: list[int], token: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
        .values(status="pending", claim_token=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )
