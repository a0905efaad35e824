"""Telling people things: the in-app inbox, the outbox, preferences, call tasks.

Feature packages call ``notify`` and ``cancel_messages`` only; they never send
anything themselves. Texts are Bahasa Indonesia msgids marked with ``N_`` so they
are extracted for translation and rendered in the recipient's language when shown
or sent. Never put NIK, note text or other sensitive content in a message.

Rules the dispatcher (``notifications.dispatch``) applies per person:

- Channels: in-app always; then WhatsApp, or SMS when WhatsApp is off; email when
  chosen and an address is known. WhatsApp failing falls back to SMS; the phone
  channels failing leaves a "call this person" task for staff.
- Quiet hours (default 21:00–07:00 WITA): only in-app is delivered; other
  messages wait until the quiet hours end. Urgent messages (``urgent=True``:
  a crisis alert to a counselor, a session cancelled at short notice) do not
  wait.
- Weekly cap (default 10 non-urgent messages outside the app in 7 days): past
  the cap a message is *not* held back for later (a reminder a week late helps
  nobody) but dropped to in-app only: the inbox notice is always there.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from flask_babel import force_locale, gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, delete, func, or_, select, update

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from notifications.models import (
    CallTask,
    Notification,
    NotificationPreference,
    OutboxMessage,
)

PHONE_CHANNELS = ("whatsapp", "sms")
INBOX_PATH = "/inbox"
# Who handles a "call this person" task, by the prefix of the message key: only
# that role sees the task (a counseling appointment is nobody else's business).
# Keys with any other prefix (account messages, demo data) go to the admins.
CALL_TASK_ROLE_BY_PREFIX = {
    "appointment": "counselor",
    "counselor": "counselor",
    "wellbeing": "counselor",
    "training": "umkm_staff",
    "kur": "umkm_staff",
    "community": "moderator",
}
CALL_TASK_DEFAULT_ROLE = "admin"
# Roles that may open the call-task page (and see its link on the Akun page).
CALL_TASK_ROLES = ("admin", "counselor", "registrar", "umkm_staff", "moderator")


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


def _enqueue(
    user_id: int,
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
) -> bool:
    """Add one outbox row unless its key exists. Returns whether it was added."""
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
        )
    )
    return True


# --- preferences ------------------------------------------------------------------

def preferences_for(user: User) -> NotificationPreference:
    """The person's preferences, or the defaults (not added to the session)."""
    prefs = db.session.get(NotificationPreference, user.id)
    return prefs if prefs is not None else NotificationPreference.defaults(user.id)


def phone_chain(
    user: User, prefs: NotificationPreference, *, requested: bool = False
) -> list[str]:
    """The phone channels to try, in order: WhatsApp first, then SMS (both for a
    message the person asked for, whatever their preferences)."""
    if not user.phone:
        return []
    return [name for name in PHONE_CHANNELS if requested or getattr(prefs, name)]


def default_channels(user: User) -> list[str]:
    """In-app always; the first phone channel the person accepts (WhatsApp, or SMS
    when WhatsApp is off: SMS also serves as WhatsApp's fallback); email when
    chosen and known."""
    prefs = preferences_for(user)
    channels = ["in_app"]
    chain = phone_chain(user, prefs)
    if chain:
        channels.append(chain[0])
    if prefs.email and user.email:
        channels.append("email")
    return channels


def save_preferences(
    user: User,
    *,
    whatsapp: bool,
    sms: bool,
    email: bool,
    quiet_from: time,
    quiet_until: time,
    weekly_cap: int,
    full_text: bool = False,
) -> NotificationPreference:
    """Store how ``user`` wants to be reached (the form has validated the values);
    ``full_text``: WhatsApp/SMS/email carry the notice itself, not a neutral text."""
    prefs = db.session.get(NotificationPreference, user.id)
    if prefs is None:
        prefs = NotificationPreference(user_id=user.id)
        db.session.add(prefs)
    prefs.whatsapp = whatsapp
    prefs.sms = sms
    prefs.email = email
    prefs.full_text = full_text
    prefs.quiet_from = quiet_from
    prefs.quiet_until = quiet_until
    prefs.weekly_cap = weekly_cap
    db.session.flush()
    return prefs


# --- inbox ------------------------------------------------------------------------

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
    return True


def deliver_in_app(message: OutboxMessage) -> None:
    """The in-app channel: put a due outbox message in the inbox."""
    add_inbox_notice(
        message.user_id, message.base_key, message.title, message.body, message.params,
        message.url,
    )


def cancel_messages(key_prefix: str) -> int:
    """Cancel every pending message whose key starts with ``key_prefix``
    (e.g. ``appointment:42:``), and close the open call tasks about them.
    Messages already sent or being sent are left alone. Returns how many
    messages were cancelled."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        .where(OutboxMessage.status == "pending")
        .values(status="cancelled", claim_token=None)
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
_UNREAD_COUNT = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user: User) -> int:
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


# --- call tasks -------------------------------------------------------------------

def call_task_role(message_key: str) -> str:
    """The staff role responsible for calling about the message ``message_key``.

    Decided by the key's prefix (``appointment:42:reminder-24h`` → ``counselor``,
    see ``CALL_TASK_ROLE_BY_PREFIX``); any other key goes to ``admin``.
    """
    prefix, separator, _rest = message_key.partition(":")
    if not separator:
        return CALL_TASK_DEFAULT_ROLE
    return CALL_TASK_ROLE_BY_PREFIX.get(prefix, CALL_TASK_DEFAULT_ROLE)


def open_call_task(message: OutboxMessage | object) -> bool:
    """Ask staff to call the person: a message reached them on no phone channel.
    One task per message (``base_key``); it keeps the message's ``handler_id`` and
    ``recipient_label``. Returns whether a task was added."""
    exists = db.session.scalar(
        select(CallTask.id).where(CallTask.message_key == message.base_key)
    )
    if exists:
        return False
    db.session.add(
        CallTask(
            message_key=message.base_key,
            role=call_task_role(message.base_key),
            handler_id=getattr(message, "handler_id", None),
            user_id=message.user_id,
            recipient_label=getattr(message, "recipient_label", None),
            title=message.title,
            params=message.params or {},
            url=message.url,
        )
    )
    return True


def open_call_tasks(viewer: User, page: int, per_page: int = 25):
    """The open tasks ``viewer``'s roles are responsible for, oldest first (the
    person waiting longest is called first). Several roles: all their tasks.
    A task with a handler is that person's alone (see ``notify(handled_by=...)``)."""
    statement = (
        select(CallTask)
        .where(CallTask.status == "open")
        .where(CallTask.role.in_(sorted(viewer.roles)))
        .where(or_(CallTask.handler_id.is_(None), CallTask.handler_id == viewer.id))
        .order_by(CallTask.created_at, CallTask.id)
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def complete_call_task(actor: User, task: CallTask) -> None:
    """``actor`` has called the person (or tried): the task is done."""
    from accounts import audit

    task.status = "done"
    task.done_at = utcnow()
    task.done_by_id = actor.id
    audit.record(
        actor, "call_task.done", subject=task.user, object_type="call_task", object_id=task.id
    )
    db.session.flush()


# --- personal data ----------------------------------------------------------------

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
            "quiet_from": prefs.quiet_from.strftime("%H:%M"),
            "quiet_until": prefs.quiet_until.strftime("%H:%M"),
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
