"""The in-app inbox, the outbox of messages, per-person preferences and the
"call this person" tasks for staff."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, ForeignKey, Index, String, Text, Time
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.crypto import EncryptedText
from core.db import UTCDateTime, utcnow
from core.extensions import db

CHANNELS = ("in_app", "email", "whatsapp", "sms")
EXTERNAL_CHANNELS = ("email", "whatsapp", "sms")
# pending → sending → sent; a failed send goes back to pending (retry with
# backoff) or ends failed (the fallback takes over). "capped" = past the person's
# weekly cap: not sent on this channel, the inbox notice carries it instead.
# A message past its ``expires_at`` ends "cancelled" (``last_error`` says why).
STATUSES = ("pending", "sending", "sent", "failed", "cancelled", "capped")

DEFAULT_QUIET_FROM = time(21, 0)
DEFAULT_QUIET_UNTIL = time(7, 0)
DEFAULT_WEEKLY_CAP = 10


class Notification(db.Model):
    """One notice in a person's in-app inbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # The inbox, newest first (ties by id), read backwards off this index.
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(160), unique=True)
    # Source-language (Bahasa Indonesia) msgids, translated when shown.
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(db.Model):
    """A message to one person over one channel, delivered by the scheduler.

    ``key`` is unique (``appointment:42:reminder-24h:whatsapp``): creating the
    same message twice creates one row. ``base_key`` is the key without the
    channel (``appointment:42:reminder-24h``), shared by the fallback rows.
    ``claim_token``/``claimed_at`` mark the dispatcher that holds a row in
    ``sending``; a claim older than the lease is taken back (see ``jobs``).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_due_at", "status", "due_at"),
        Index("ix_outbox_messages_user_sent", "user_id", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    base_key: Mapped[str] = mapped_column(String(160))
    # The account the message is for; None for a message addressed to a contact.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A message to someone without an account (a visitor who reported with a phone
    # number, ``notifications.contacts``): the phone (E.164) or email address,
    # encrypted at rest and erased (NULL) once the row is delivered, finally fails
    # or is cancelled. Such a row never reaches an inbox or a call-task list.
    contact: Mapped[str | None] = mapped_column(EncryptedText)
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(500))
    urgent: Mapped[bool] = mapped_column(default=False)
    # The text sent outside the platform (WhatsApp, SMS, email, the log channel):
    # a msgid (``params`` fill it) that tells a phone's other readers nothing.
    # None: the neutral default ``services.NEUTRAL_TEXT``. Members who chose the
    # full text (``NotificationPreference.full_text``) get title and body instead.
    outside_text: Mapped[str | None] = mapped_column(String(300))
    # The person asked for this message (a password-reset link): it goes out on its
    # channel whatever their preferences, without waiting for quiet hours or the cap.
    requested: Mapped[bool] = mapped_column(default=False, server_default=sql_false())
    # The one staff member responsible for this message (e.g. the appointment's
    # counselor): only they (with the role) see the call task it may lead to.
    # CASCADE, not SET NULL: a task must never widen to every colleague (their
    # appointments cascade away with a removed counselor anyway).
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The name staff may see for the recipient (a nickname the member booked
    # under); the call-task page shows it instead of the account's real name.
    recipient_label: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # After this moment the message is pointless (a reminder of a session that has
    # started): the dispatcher cancels it instead of delivering it. None = never.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(db.Model):
    """How a person wants to be reached. No row = the defaults below."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    whatsapp: Mapped[bool] = mapped_column(default=True)
    sms: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=False)
    # WhatsApp/SMS/email carry the notice itself instead of a neutral "open Rumah
    # Purna" text (the member's choice; off by default: family may read the phone).
    full_text: Mapped[bool] = mapped_column(default=False, server_default=sql_false())
    # Wall-clock times in WITA; the window may cross midnight (21:00–07:00).
    quiet_from: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_FROM)
    quiet_until: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_UNTIL)
    weekly_cap: Mapped[int] = mapped_column(default=DEFAULT_WEEKLY_CAP)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @classmethod
    def defaults(cls, user_id: int) -> NotificationPreference:
        return cls(
            user_id=user_id,
            whatsapp=True,
            sms=True,
            email=False,
            full_text=False,
            quiet_from=DEFAULT_QUIET_FROM,
            quiet_until=DEFAULT_QUIET_UNTIL,
            weekly_cap=DEFAULT_WEEKLY_CAP,
        )


class CallTask(db.Model):
    """"Call this person": a message reached nobody on WhatsApp or SMS.

    One per message (``message_key`` = the outbox ``base_key``). Only staff with
    ``role`` (set from the key when the task is made, see
    ``services.call_task_role``) see the task and mark it done, and when the
    message named a ``handler`` (``notify(..., handled_by=...)``) only that one
    person among them; cancelling the message closes the task.
    """

    __tablename__ = "notification_call_tasks"
    __table_args__ = (Index("ix_notification_call_tasks_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(160), unique=True)
    # The staff role responsible for this call (counselor, umkm_staff, ...).
    role: Mapped[str] = mapped_column(String(20), index=True)
    # The one staff member responsible (None: anyone with ``role``).
    handler_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Shown instead of the account's real name (the nickname staff know), if set.
    recipient_label: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, done, cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
