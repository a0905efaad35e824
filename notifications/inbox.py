"""The in-app inbox ("Kotak masuk"): notices, the unread count of the bell, pages."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update

from accounts.auth import MISSING, forget_user_fact, user_fact
from accounts.models import User
from core.db import paginated, plain_list, utcnow
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


# The bell shows "99+" from 100 on, so no count goes past 100: a member with
# thousands of unread notices costs what one with a hundred does.
BELL_CAP = 100


def _capped_unread(user_id, *correlated):
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(BELL_CAP)
        .correlate(*correlated)
    )
    return select(func.count()).select_from(unread.subquery())


_UNREAD_COUNT = _capped_unread(bindparam("user_id"))


UNREAD_FACT = "unread_notifications"


def unread_count_column():
    """The unread count (up to ``BELL_CAP``) as a scalar subquery correlated with
    ``users.id``: loaded with the logged-in user (``accounts.auth.load_with_user``),
    so the bell on every page costs no statement of its own."""
    return _capped_unread(User.id, User).correlate(User).scalar_subquery()


def unread_count(user: User) -> int:
    """Unread notices of ``user``, counted up to ``BELL_CAP`` (the bell's "99+")."""
    loaded = user_fact(user, UNREAD_FACT)
    if loaded is not MISSING:
        return loaded or 0
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


# The columns the inbox shows, as plain rows (``core.db.plain_list``): 20 ORM
# notices with every column cost more than the statement.
_INBOX_PAGE = paginated(
    select(Notification.id, Notification.title, Notification.body, Notification.params,
           Notification.read_at, Notification.created_at)
    .where(Notification.user_id == bindparam("user_id"))
    .order_by(Notification.created_at.desc(), Notification.id.desc())
)


@dataclass
class InboxPage:
    """One page of a person's inbox: its notices and whether another page follows.
    No count of all their notices (the pager only needs "is there a next page"),
    so a long inbox costs what a short one does."""

    items: list[tuple]  # (id, title, body, params, read_at, created_at), by name
    page: int
    has_next: bool


def inbox(user: User, page: int, per_page: int = 20) -> InboxPage:
    """Page ``page`` of ``user``'s notices, newest first, in one statement (one row
    more than shown tells whether there is a next page)."""
    page = max(page, 1)
    rows = plain_list(_INBOX_PAGE, {"user_id": user.id, "limit": per_page + 1, "offset": (page - 1) * per_page})
    return InboxPage(rows[:per_page], page, len(rows) > per_page)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one notice (or all, when no id is given) as read."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()).execution_options(synchronize_session=False))
    forget_user_fact(UNREAD_FACT)
