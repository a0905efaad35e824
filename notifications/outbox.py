"""The outbox: ``notify`` queues a message for each channel, ``cancel_messages``
takes pending ones back. The rules the dispatcher applies are in
``notifications.services`` (the package's public face) and ``notifications.dispatch``."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from notifications.inbox import add_inbox_notice
from notifications.models import CallTask, OutboxMessage
from notifications.preferences import default_channels


def inbox_path() -> str:
    """The inbox's path: where every neutral text outside the platform points."""
    return site_path("notifications.inbox")


def N_(message: str) -> str:
    """Mark a message for translation without translating it now."""
    return message


# What leaves the platform when the sender gave no ``outside`` text and the member
# did not choose the full text: nothing about what the notice is about.
NEUTRAL_TEXT = N_("Rumah Purna: ada pesan baru untuk Anda. Buka kotak masuk Anda di Rumah Purna.")


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
    handled_by: User | None = None,
    recipient_label: str | None = None,
    expires_at: datetime | None = None,
    outside: str | None = None,
    requested: bool = False,
) -> None:
    """Tell ``user`` something, now or at ``due_at``.

    Two texts: ``title``/``body`` are the inbox detail; ``outside`` is what leaves
    the platform (WhatsApp, SMS, email, the log channel's lines), read by whoever
    holds the phone: a neutral msgid filled from ``params`` ("Pengingat: janji
    Anda besok %(time)s — buka Rumah Purna") that never says what the notice is
    about. Without it the neutral ``NEUTRAL_TEXT`` goes; a member who chose the
    full text in their preferences gets title and body instead. Neutral texts
    link to the inbox, never to the page of the detail (its path can tell).
    ``requested``: the person asked for this very message (a password-reset
    link): it goes out on ``channels`` whatever their preferences, quiet hours
    or weekly cap, with ``outside`` and ``url`` as written.

    ``key`` identifies the message (``appointment:42:reminder-24h``); calling again
    with the same key does nothing. Due now: the inbox notice appears at once and
    the other channels are queued. Due later: everything waits in the outbox.
    ``channels`` defaults to the person's preferences (``default_channels``).
    ``urgent`` messages (time-critical only) ignore quiet hours and the weekly cap.

    Should the message reach ``user`` on no phone channel, staff are asked to call
    (a ``CallTask``). ``handled_by``: the one staff member responsible (e.g. the
    appointment's counselor); then only they see that task, not every colleague
    with the role. ``recipient_label``: the name that staff member may see for
    ``user`` (the nickname a member booked under); the task shows it instead of
    the account's real name. ``expires_at`` (aware UTC): after this moment the
    message is pointless (a reminder of a session that has begun); the dispatcher
    then cancels it on every channel, the inbox included, and no call task is
    made. A message already expired when ``notify`` is called is not created.
    Only flushes; messages leave after the caller's commit, through the scheduler.
    """
    now = utcnow()
    due = due_at or now
    if expires_at is not None and expires_at <= now:
        return
    params = params or {}
    wanted = list(channels) if channels is not None else default_channels(user)
    handler_id = handled_by.id if handled_by is not None else None
    label = (recipient_label or "").strip()[:120] or None
    for channel in wanted:
        if channel == "in_app" and due <= now:
            add_inbox_notice(user.id, key, title, body, params, url)
            continue
        _enqueue(
            user.id, key, channel, title, body, params, url, urgent, due,
            handler_id=handler_id, recipient_label=label, expires_at=expires_at,
            outside_text=outside, requested=requested,
        )
    db.session.flush()


def reminders_due(at: datetime, reminders: Sequence, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders still to come for something happening ``at``: ``(name, due)``
    for each ``(name, before)`` of ``reminders`` whose time ``at - before`` is after
    ``now`` (a reminder whose time has passed is skipped, never sent late)."""
    return [(name, at - before) for name, before in reminders if at - before > now]


def _enqueue(
    user_id: int | None,
    base_key: str,
    channel: str,
    title: str,
    body: str | None,
    params: dict,
    url: str | None,
    urgent: bool,
    due: datetime,
    *,
    handler_id: int | None = None,
    recipient_label: str | None = None,
    expires_at: datetime | None = None,
    outside_text: str | None = None,
    requested: bool = False,
    contact: str | None = None,
) -> bool:
    """Add one outbox row unless its key exists. Returns whether it was added.
    ``contact`` (with ``user_id`` None): a message to a phone or email address
    without an account (``notifications.contacts``)."""
    channel_key = f"{base_key}:{channel}"
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == channel_key))
    if exists:
        return False
    db.session.add(
        OutboxMessage(
            key=channel_key,
            base_key=base_key,
            user_id=user_id,
            channel=channel,
            title=title,
            body=body,
            params=params,
            url=url,
            urgent=urgent,
            handler_id=handler_id,
            recipient_label=recipient_label,
            due_at=due,
            expires_at=expires_at,
            outside_text=outside_text,
            requested=requested,
            contact=contact,
        )
    )
    return True


def cancel_messages(key_prefix: str) -> int:
    """Cancel every pending message whose key starts with ``key_prefix``
    (e.g. ``appointment:42:``), and close the open call tasks about them.
    Messages already sent or being sent are left alone. Returns how many
    messages were cancelled."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        .where(OutboxMessage.status == "pending")
        .values(status="cancelled", claim_token=None, contact=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CallTask)
        .where(CallTask.message_key.startswith(key_prefix, autoescape=True))
        .where(CallTask.status == "open")
        .values(status="cancelled", done_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# Built once: the bell asks this on every page, and building the statement (and its
# cache key) each time cost more than running it.
