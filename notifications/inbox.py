"""The in-app inbox ("Kotak masuk"): notices, the unread count of the bell, pages."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select, update

from accounts.auth import MISSING, forget_user_fact, user_fact
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from notifications.models import Notification, OutboxMessage


def add_inbox_notice(
    user_id: int, key: str, title: str, body: str | None, params: dict, url: str | None
) -> bool:
    """Put a notice in the inbox unless it is there already (``<key>:in_app``)."""
    inbox_key = f"{key}:in_app"
    exists = db.session.scalar(select(Notification.id).where(Notification.key == inbox_key))
    if exists:
        return False
    db.session.add(
        Notification(user_id=user_id, key=inbox_key, title=title, body=body, params=params, url=url)
    )
    forget_user_fact(UNREAD_FACT)
    return True


def deliver_in_app(message: OutboxMessage) -> None:
    """The in-app channel: put a due outbox message in the inbox."""
    add_inbox_notice(
        message.user_id, message.base_key, message.title, message.body, message.params,
        message.url,
    )


_UNREAD_COUNT = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


UNREAD_FACT = "unread_notifications"


def unread_count_column():
    """The unread count as a scalar subquery correlated with ``users.id``: loaded
    with the logged-in user (``accounts.auth.load_with_user``), so the bell on
    every page costs no statement of its own."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )


def unread_count(user: User) -> int:
    loaded = user_fact(user, UNREAD_FACT)
    if loaded is not MISSING:
        return loaded or 0
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


_INBOX_PAGE = (
    select(Notification)
    .where(Notification.user_id == bindparam("user_id"))
    .order_by(Notification.created_at.desc(), Notification.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_INBOX_TOTAL = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id")
)


class _InboxPagination(Pagination):
    """What ``db.paginate`` gives for a person's inbox (same two queries), with the
    statements built once instead of on every visit."""

    def _query_items(self) -> list[Notification]:
        params = {"user_id": self._query_args["user_id"], "limit": self.per_page,
                  "offset": self._query_offset}
        return list(db.session.scalars(_INBOX_PAGE, params))

    def _query_count(self) -> int:
        return db.session.scalar(_INBOX_TOTAL, {"user_id": self._query_args["user_id"]})


def inbox(user: User, page: int, per_page: int = 20):
    return _InboxPagination(page=page, per_page=per_page, error_out=False, user_id=user.id)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one notice (or all, when no id is given) as read."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()).execution_options(synchronize_session=False))
    forget_user_fact(UNREAD_FACT)
