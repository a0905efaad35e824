"""Helpers for reading what people were told."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from notifications.models import Notification, OutboxMessage


def inbox_keys(user) -> list[str]:
    return list(db.session.scalars(
        select(Notification.key).where(Notification.user_id == user.id).order_by(Notification.id)
    ))


def outbox(user, status: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).where(OutboxMessage.user_id == user.id)
    if status:
        statement = statement.where(OutboxMessage.status == status)
    return list(db.session.scalars(statement.order_by(OutboxMessage.id)))
