"""Telling people things: the in-app inbox and the outbox.

Feature packages call ``notify`` and ``cancel_messages`` only; they never send
anything themselves. Texts are Bahasa Indonesia msgids marked with ``N_`` so they
are extracted for translation and rendered in the recipient's language when shown
or sent. Never put NIK, note text or other sensitive content in a message.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import func, select, update

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from notifications.models import Notification, OutboxMessage


def N_(message: str) -> str:
    """Mark a message for translation without translating it now."""
    return message


def render(text: str | None, params: dict | None, locale: str | None = None) -> str:
    """Translate a stored msgid and fill in its parameters (in ``locale`` if given)."""
    if not text:
        return ""
    if locale:
        with force_locale(locale):
            translated = gettext(text)
    else:
        translated = gettext(text)
    try:
        return translated % (params or {}) if params else translated
    except (KeyError, ValueError, TypeError):
        return translated


def notify(
    user: User,
    *,
    key: str,
    title: str,
    body: str | None = None,
    params: dict | None = None,
    url: str | None = None,
    due_at: datetime | None = None,
    urgent: bool = False,
    channels: Sequence[str] | None = None,
) -> None:
    """Tell ``user`` something, now or at ``due_at``.

    ``key`` identifies the message (``appointment:42:reminder-24h``); calling again
    with the same key does nothing. Due now: the inbox notice appears at once and
    the other channels are queued. Due later: everything waits in the outbox.
    ``channels`` defaults to the in-app inbox plus the person's preferred channel.
    Only flushes; messages leave after the caller's commit, through the scheduler.
    """
    now = utcnow()
    due = due_at or now
    params = params or {}
    wanted = list(channels) if channels is not None else default_channels(user)
    for channel in wanted:
        if channel == "in_app" and due <= now:
            _add_inbox(user, key, title, body, params, url)
            continue
        channel_key = f"{key}:{channel}"
        exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == channel_key))
        if exists:
            continue
        db.session.add(
            OutboxMessage(
                key=channel_key,
                user_id=user.id,
                channel=channel,
                title=title,
                body=body,
                params=params,
                url=url,
                urgent=urgent,
                due_at=due,
            )
        )
    db.session.flush()


def default_channels(user: User) -> list[str]:
    """In-app always; WhatsApp for everyone with a phone (how people here are reached)."""
    channels = ["in_app"]
    if user.phone:
        channels.append("whatsapp")
    return channels


def _add_inbox(user: User, key: str, title: str, body: str | None, params: dict, url: str | None):
    inbox_key = f"{key}:in_app"
    exists = db.session.scalar(select(Notification.id).where(Notification.key == inbox_key))
    if exists:
        return
    db.session.add(
        Notification(user_id=user.id, key=inbox_key, title=title, body=body, params=params, url=url)
    )


def deliver_in_app(message: OutboxMessage) -> None:
    """The in-app channel: put a due outbox message in the inbox."""
    user = db.session.get(User, message.user_id)
    _add_inbox(
        user, message.key.rsplit(":", 1)[0], message.title, message.body, message.params, message.url
    )


def cancel_messages(key_prefix: str) -> int:
    """Cancel every pending message whose key starts with ``key_prefix``
    (e.g. ``appointment:42:``). Returns how many were cancelled."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        .where(OutboxMessage.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def inbox(user: User, page: int, per_page: int = 20):
    statement = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one notice (or all, when no id is given) as read."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()).execution_options(synchronize_session=False))
