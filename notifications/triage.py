"""Triage of claimed rows (step 2 of ``notifications.dispatch``): account closed,
expiry, in-app delivery, channels turned off, quiet hours, the weekly cap, the
last attempt; what is left becomes an ``Outgoing`` with the words that may leave
the platform. Also the outcomes shared with sending: finish, fallback, call task."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.i18n import WITA
from core.links import message_link
from core.log_privacy import scrub_text
from notifications import services
from notifications.channels import CHAT_MAX_CHARS, SMS_MAX_CHARS, Outgoing
from notifications.claim import CAP_WINDOW, EXPIRED, DispatchResult, max_attempts
from notifications.models import (
    DEFAULT_QUIET_FROM,
    DEFAULT_QUIET_UNTIL,
    EXTERNAL_CHANNELS,
    Notification,
    NotificationPreference,
    OutboxMessage,
)

# A contact (no account, ``notifications.contacts``) has no preferences: the
# default quiet hours (21:00–07:00 WITA) hold for them.
CONTACT_QUIET_HOURS = SimpleNamespace(quiet_from=DEFAULT_QUIET_FROM, quiet_until=DEFAULT_QUIET_UNTIL)
FINAL_STATUSES = ("sent", "failed", "cancelled", "capped")


def quiet_until(prefs: NotificationPreference, now: datetime) -> datetime | None:
    """When ``now`` falls in the person's quiet hours, the moment they end (UTC)."""
    local = now.astimezone(WITA)
    start, end, current = prefs.quiet_from, prefs.quiet_until, local.time()
    if start == end:
        return None
    if start < end:
        inside = start <= current < end
        end_day = local.date()
    else:  # crosses midnight, e.g. 21:00–07:00
        inside = current >= start or current < end
        end_day = local.date() + timedelta(days=1) if current >= start else local.date()
    if not inside:
        return None
    end_local = datetime.combine(end_day, end, tzinfo=WITA)
    return end_local.astimezone(now.tzinfo)


def _triage(ids: list[int], token: str, now: datetime, result: DispatchResult) -> list[Outgoing]:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
    ).all()
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    users = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
    }
    prefs = {
        p.user_id: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
    }
    inbox_keys = set(
        db.session.scalars(
            select(Notification.key).where(
                Notification.key.in_({f"{row.base_key}:in_app" for row in rows})
            )
        )
    )
    sent_this_week = _sent_this_week(
        {row.user_id for row in rows if row.user_id is not None and row.channel != "in_app" and not row.urgent},
        now,
    )

    def ensure_inbox(row: OutboxMessage) -> None:
        key = f"{row.base_key}:in_app"
        if key not in inbox_keys:
            inbox_keys.add(key)
            db.session.add(
                Notification(
                    user_id=row.user_id, key=key, title=row.title, body=row.body,
                    params=row.params, url=row.url,
                )
            )

    sends: list[Outgoing] = []
    for row in rows:
        if row.user_id is None:
            outgoing = _triage_contact(row, now, result)
            if outgoing is not None:
                sends.append(outgoing)
            continue
        user = users.get(row.user_id)
        if user is None or user.deleted_at is not None:
            _finish(row, "cancelled", "account closed", result)
            continue
        if _expired(row, now):
            _expire(row, result)
            continue
        person = prefs.get(user.id) or NotificationPreference.defaults(user.id)
        if row.channel == "in_app":
            ensure_inbox(row)
            _finish(row, "sent", None, result, now)
            continue
        if row.channel not in EXTERNAL_CHANNELS:
            _finish(row, "failed", f"unknown channel {row.channel}", result)
            continue
        chain = services.phone_chain(user, person, requested=row.requested)
        if not _channel_open(row, user, person, chain):
            ensure_inbox(row)
            _finish(row, "cancelled", f"{row.channel} is off for this person", result)
            if row.channel == "whatsapp" and "sms" in chain:
                _queue_fallback(row, "sms", now, result)
            continue
        # Urgent = time-critical (a crisis alert to a counselor, a session
        # cancelled at short notice): it goes out in quiet hours too.
        # A message the person asked for (a reset link) does not wait either.
        wait_until = None if row.urgent or row.requested else quiet_until(person, now)
        if wait_until is not None and _expired(row, wait_until):
            _expire(row, result)  # it would only go out after it is pointless
            continue
        if wait_until is not None:
            row.status, row.due_at, row.claim_token = "pending", wait_until, None
            result.counts["quiet_hours"] += 1
            continue
        if not row.urgent and not row.requested:
            week = sent_this_week[user.id]
            if row.base_key not in week and len(week) >= person.weekly_cap:
                ensure_inbox(row)
                _finish(row, "capped", "weekly cap reached", result)
                continue
            week.add(row.base_key)
        if row.attempts >= max_attempts():
            _give_up(row, "no attempts left", now, result, chain)
            continue
        row.attempts += 1
        sends.append(_outgoing(row, user, chain, person))
    return sends


def _triage_contact(row: OutboxMessage, now: datetime, result: DispatchResult) -> Outgoing | None:
    """A message to a contact without an account: no inbox, no preferences but the
    default quiet hours, no weekly cap, no call task; the address goes with the
    row's last state."""
    if not row.contact:
        _finish(row, "cancelled", "contact erased", result)
        return None
    if _expired(row, now):
        _expire(row, result)
        return None
    if row.channel not in EXTERNAL_CHANNELS:
        _finish(row, "failed", f"no {row.channel} for a contact", result)
        return None
    wait_until = None if row.urgent else quiet_until(CONTACT_QUIET_HOURS, now)
    if wait_until is not None and _expired(row, wait_until):
        _expire(row, result)
        return None
    if wait_until is not None:
        row.status, row.due_at, row.claim_token = "pending", wait_until, None
        result.counts["quiet_hours"] += 1
        return None
    if row.attempts >= max_attempts():
        contact = row.contact
        _finish(row, "failed", "no attempts left", result)
        if row.channel == "whatsapp":
            _queue_fallback(row, "sms", now, result, contact=contact)
        return None
    row.attempts += 1
    locale = (row.params or {}).get("locale") or "id"
    text = _fit(services.render(row.outside_text or row.title, row.params, locale), row.url, row.channel)
    return Outgoing(
        id=row.id, key=row.key, base_key=row.base_key, channel=row.channel, user_id=None,
        to=row.contact, subject=_subject(text), text=text, urgent=row.urgent, title=row.title,
        params=row.params or {}, url=row.url, fallback="sms" if row.channel == "whatsapp" else None,
        attempts=row.attempts, expires_at=row.expires_at, outside_text=row.outside_text,
    )


def _expired(row, moment: datetime) -> bool:
    """Whether ``row`` (an outbox row or an ``Outgoing``) is pointless at ``moment``."""
    expires_at = getattr(row, "expires_at", None)
    return expires_at is not None and moment >= expires_at


def _expire(row: OutboxMessage, result: DispatchResult) -> None:
    _finish(row, "cancelled", EXPIRED, result)
    result.counts["expired"] += 1


def _channel_open(row, user: User, prefs: NotificationPreference, chain: list[str]) -> bool:
    if row.channel == "email":
        return bool((prefs.email or row.requested) and user.email)
    return row.channel in chain


def _sent_this_week(user_ids: set[int], now: datetime) -> defaultdict[int, set[str]]:
    """Per person, the non-urgent messages sent outside the app in the last 7 days."""
    week: defaultdict[int, set[str]] = defaultdict(set)
    if not user_ids:
        return week
    rows = db.session.execute(
        select(OutboxMessage.user_id, OutboxMessage.base_key)
        .where(
            OutboxMessage.user_id.in_(user_ids),
            OutboxMessage.status == "sent",
            OutboxMessage.urgent.is_(False),
            OutboxMessage.channel != "in_app",
            OutboxMessage.sent_at > now - CAP_WINDOW,
        )
        .distinct()
    )
    for user_id, base_key in rows:
        week[user_id].add(base_key)
    return week


def outside_words(row, locale: str, full_text: bool) -> tuple[str, str | None]:
    """The words that leave the platform for ``row`` and the path they link to.

    The notice itself (title and body, linking to its page) only for a member who
    chose the full text; otherwise the sender's neutral ``outside_text`` or
    ``NEUTRAL_TEXT``, linking to the inbox (a detail page's path can tell what it
    is about). A requested message (a reset link) keeps its own link.
    """
    if full_text and not row.requested:
        title = services.render(row.title, row.params, locale)
        body = services.render(row.body, row.params, locale)
        return f"Rumah Purna: {title}" + (f" {body}" if body else ""), row.url
    words = services.render(row.outside_text or services.NEUTRAL_TEXT, row.params, locale)
    return words, row.url if row.requested else services.inbox_path()


def _outgoing(row: OutboxMessage, user: User, chain: list[str], prefs: NotificationPreference) -> Outgoing:
    locale = user.locale or "id"
    text, path = outside_words(row, locale, prefs.full_text)
    subject = _subject(text)
    text = _fit(text, path, row.channel)
    if row.channel == "whatsapp":
        fallback = "sms" if "sms" in chain else "call"
    elif row.channel == "sms":
        fallback = "call"
    else:
        fallback = None
    return Outgoing(
        id=row.id,
        key=row.key,
        base_key=row.base_key,
        channel=row.channel,
        user_id=row.user_id,
        to=user.email if row.channel == "email" else user.phone,
        subject=subject,
        text=text,
        urgent=row.urgent,
        title=row.title,
        body=row.body,
        params=row.params or {},
        url=row.url,
        fallback=fallback,
        attempts=row.attempts,
        handler_id=row.handler_id,
        recipient_label=row.recipient_label,
        expires_at=row.expires_at,
        outside_text=row.outside_text,
        requested=row.requested,
    )


def _subject(text: str) -> str:
    return text if len(text) <= 120 else text[:119].rstrip() + "…"


def _fit(text: str, path: str | None, channel: str) -> str:
    """``text`` and the link to ``path``, within the channel's length (the words
    are shortened, never the link)."""
    target = message_link(path)
    link = f" {target}" if target else ""
    room = (SMS_MAX_CHARS if channel == "sms" else CHAT_MAX_CHARS) - len(link)
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return text + link


def _finish(row, status: str, error: str | None, result: DispatchResult, now=None) -> None:
    row.status = status
    row.last_error = scrub_text(error) if error else error  # never a row's values
    row.claim_token = None
    if status in FINAL_STATUSES and getattr(row, "contact", None) is not None:
        row.contact = None  # a contact's address is kept only while it may still be used
    if status == "sent":
        row.sent_at = now
    result.counts[status] += 1


def _give_up(row, error: str, now: datetime, result: DispatchResult, chain: list[str]) -> None:
    _finish(row, "failed", error, result)
    if _expired(row, now):
        return  # no fallback and no call about something already past
    if row.channel == "whatsapp" and "sms" in chain:
        _queue_fallback(row, "sms", now, result)
    elif row.channel in ("whatsapp", "sms") and row.user_id is not None:
        _open_call_task(row, result)


def _queue_fallback(row, channel: str, now: datetime, result: DispatchResult,
                    contact: str | None = None) -> None:
    """The same message on ``channel``. A contact's row (no account) carries its
    address along: ``contact``, or the ``to`` of the message just tried."""
    if row.user_id is None:
        contact = contact or getattr(row, "to", None)
        if not contact:
            return
    with db.session.begin_nested():
        added = services._enqueue(
            row.user_id, row.base_key, channel, row.title, row.body, row.params or {},
            row.url, row.urgent, now,
            handler_id=row.handler_id, recipient_label=row.recipient_label,
            expires_at=getattr(row, "expires_at", None),
            outside_text=row.outside_text, requested=row.requested,
            contact=contact if row.user_id is None else None,
        )
    if added:
        result.counts[f"fallback_{channel}"] += 1


def _open_call_task(row, result: DispatchResult) -> None:
    with db.session.begin_nested():
        added = services.open_call_task(row)
    if added:
        result.counts["call_task"] += 1
