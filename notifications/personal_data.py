"""The member's notification data: their export and their erasure (UU PDP)."""
from __future__ import annotations

from sqlalchemy import delete, select

from accounts.models import User
from core.extensions import db
from notifications.models import CallTask, Notification, NotificationPreference, OutboxMessage
from notifications.outbox import render


def export_for(user: User) -> dict | None:
    """The member's notification data for their data export (UU PDP)."""
    prefs = db.session.get(NotificationPreference, user.id)
    notices = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    ).all()
    locale = user.locale
    return {
        "preferences": None if prefs is None else {
            "whatsapp": prefs.whatsapp,
            "sms": prefs.sms,
            "email": prefs.email,
            "full_text": prefs.full_text,
            "quiet_from": prefs.quiet_from.isoformat(timespec="minutes"),
            "quiet_until": prefs.quiet_until.isoformat(timespec="minutes"),
            "weekly_cap": prefs.weekly_cap,
        },
        "inbox": [
            {
                "title": render(n.title, n.params, locale),
                "body": render(n.body, n.params, locale),
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in notices
        ],
        "messages": [
            {
                "channel": m.channel,
                "title": render(m.title, m.params, locale),
                "status": m.status,
                "due_at": m.due_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in messages
        ],
    }


def erase_for(user: User) -> None:
    """Account deletion: nothing more is sent, and the notices and history go."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))
    db.session.execute(delete(CallTask).where(CallTask.user_id == user.id))
    db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    db.session.flush()
