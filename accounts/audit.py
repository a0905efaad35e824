"""Writing and reading the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import AuditEvent, User
from core.extensions import db


def record(
    actor: User | None,
    action: str,
    *,
    subject: User | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Append an audit row (flushes; the caller commits). Never put NIK, passwords,
    note text or document contents in ``detail``."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_user_id=subject.id if subject else None,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event


def with_people(statement):
    """Load actor and subject in the same query (their roles only if asked for)."""
    return statement.options(
        joinedload(AuditEvent.actor).lazyload(User.role_rows),
        joinedload(AuditEvent.subject).lazyload(User.role_rows),
    )


def who_opened(action: str, start: datetime, end: datetime) -> list[AuditEvent]:
    """Every ``action`` (e.g. ``document.view``) between ``start`` and ``end``, in one query."""
    return list(
        db.session.scalars(
            with_people(select(AuditEvent))
            .where(AuditEvent.action == action)
            .where(AuditEvent.created_at >= start, AuditEvent.created_at < end)
            .order_by(AuditEvent.created_at)
        )
    )
