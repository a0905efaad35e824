"""The dispatcher: claims due outbox rows and delivers them, exactly once.

How a message is never sent twice and never lost:

1. Claim. A conditional ``UPDATE … SET status='sending', claim_token=…
   WHERE id IN (…) AND status='pending' RETURNING id`` per chunk. On
   PostgreSQL the ids come from ``SELECT … FOR UPDATE SKIP LOCKED`` in the same
   transaction, so dispatchers on several hosts take disjoint rows without
   waiting; on SQLite the due rows are chosen inside the UPDATE itself, which
   runs under the single writer lock. A row that another dispatcher changed
   first no longer matches ``status='pending'`` and is simply not returned.
2. Triage, in the claim transaction: in-app rows go into the inbox and are
   marked sent in the *same* commit (a crash rolls both back). Rows in quiet
   hours go back to pending with a later ``due_at``; rows past the weekly cap
   become ``capped`` (the inbox notice carries them); rows for a channel the
   person turned off move to the next channel. Rows past their ``expires_at``
   (or that quiet hours would hold past it) end ``cancelled``: not delivered
   on any channel, the inbox included, no fallback and no call task. The rest
   stay ``sending``.
3. Send, one row at a time, each followed by its own commit that marks it sent
   (only while our ``claim_token`` still holds it). A failure goes back to
   pending with exponential backoff, or after the last attempt ends ``failed``
   and the fallback (WhatsApp → SMS → a "call this person" task) is queued in
   the same commit.
4. Crash. A dispatcher killed between its claim and its commits leaves rows in
   ``sending``; any dispatcher takes them back once the claim is older than the
   lease (``LEASE``). A dispatcher stops sending from a chunk once half the
   lease has passed, so it never sends a row someone else may have taken back.

The one edge left: killed after a provider accepted a message but before the
commit that marks it sent, that message is sent again after the lease, with the
same ``Idempotency-Key`` (the message's opaque reference), so a provider that honours the key delivers it once;
the log and SMTP channels cannot dedupe and would repeat it.

Commits happen here, not in the caller: this is a job (it owns its
transactions), and each send needs its own commit for the guarantee above.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from core.links import message_link
from notifications import services
from notifications.channels import (
    CHAT_MAX_CHARS,
    SMS_MAX_CHARS,
    DeliveryError,
    Outgoing,
    PermanentDeliveryError,
    get_channel,
    setting,
)
from notifications.models import (
    EXTERNAL_CHANNELS,
    Notification,
    NotificationPreference,
    OutboxMessage,
)

log = logging.getLogger("rumahpurna.notifications.dispatch")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 60
CAP_WINDOW = timedelta(days=7)
CHUNK = 200
EXPIRED = "expired: the event it is about has begun"


@dataclass
class DispatchResult:
    counts: Counter = field(default_factory=Counter)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) or "nothing due"


def _int_setting(name: str, default: int) -> int:
    value = setting(name)
    return int(value) if value else default


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the 1st, 2nd, 3rd… failed attempt."""
    base = _int_setting("NOTIFY_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def max_attempts() -> int:
    return _int_setting("NOTIFY_MAX_ATTEMPTS", MAX_ATTEMPTS)


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


def dispatch_due(now: datetime | None = None, batch: int = 5000, chunk: int = CHUNK) -> DispatchResult:
    """Deliver up to ``batch`` messages due at ``now``; safe to run in several
    processes at once. Returns counts by outcome."""
    now = now or utcnow()
    result = DispatchResult()
    _take_back_stale_claims(now, result)
    db.session.commit()
    claimed = 0
    while claimed < batch:
        token = uuid.uuid4().hex
        ids = _claim(now, token, min(chunk, batch - claimed))
        if not ids:
            db.session.commit()
            break
        claimed += len(ids)
        sends = _triage(ids, token, now, result)
        db.session.commit()
        _send_all(sends, token, now, result)
    return result


def _take_back_stale_claims(now: datetime, result: DispatchResult) -> None:
    taken = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - LEASE)
        .values(status="pending", claim_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        log.warning("took back %d messages from a dispatcher that stopped", taken)
        result.counts["taken_back"] += taken


def _claim(now: datetime, token: str, limit: int) -> list[int]:
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Lock first, then update the locked ids. (Inside ``IN (…)`` PostgreSQL
        # may re-run a LIMIT … SKIP LOCKED subquery and claim more than asked.)
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            return []
        target = OutboxMessage.id.in_(ids)
    else:
        # SQLite: one statement under the single writer lock; it must be the
        # first statement of its transaction (a read first could not upgrade).
        target = OutboxMessage.id.in_(due.scalar_subquery())
    statement = (
        update(OutboxMessage)
        .where(target, OutboxMessage.status == "pending")
        .values(status="sending", claim_token=token, claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return list(db.session.scalars(statement))


def _triage(ids: list[int], token: str, now: datetime, result: DispatchResult) -> list[Outgoing]:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
    ).all()
    user_ids = {row.user_id for row in rows}
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
        {row.user_id for row in rows if row.channel != "in_app" and not row.urgent}, now
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
    return words, row.url if row.requested else services.INBOX_PATH


def _outgoing(row: OutboxMessage, user: User, chain: list[str], prefs: NotificationPreference) -> Outgoing:
    locale = user.locale or "id"
    text, path = outside_words(row, locale, prefs.full_text)
    subject = text if len(text) <= 120 else text[:119].rstrip() + "…"
    target = message_link(path)
    link = f" {target}" if target else ""
    room = (SMS_MAX_CHARS if row.channel == "sms" else CHAT_MAX_CHARS) - len(link)
    if len(text) > room:  # shorten the words, never the link
        text = text[: room - 1].rstrip() + "…"
    text += link
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


def _finish(row, status: str, error: str | None, result: DispatchResult, now=None) -> None:
    row.status = status
    row.last_error = error
    row.claim_token = None
    if status == "sent":
        row.sent_at = now
    result.counts[status] += 1


def _give_up(row, error: str, now: datetime, result: DispatchResult, chain: list[str]) -> None:
    _finish(row, "failed", error, result)
    if _expired(row, now):
        return  # no fallback and no call about something already past
    if row.channel == "whatsapp" and "sms" in chain:
        _queue_fallback(row, "sms", now, result)
    elif row.channel in ("whatsapp", "sms"):
        _open_call_task(row, result)


def _queue_fallback(row, channel: str, now: datetime, result: DispatchResult) -> None:
    with db.session.begin_nested():
        added = services._enqueue(
            row.user_id, row.base_key, channel, row.title, row.body, row.params or {},
            row.url, row.urgent, now,
            handler_id=row.handler_id, recipient_label=row.recipient_label,
            expires_at=getattr(row, "expires_at", None),
            outside_text=row.outside_text, requested=row.requested,
        )
    if added:
        result.counts[f"fallback_{channel}"] += 1


def _open_call_task(row, result: DispatchResult) -> None:
    with db.session.begin_nested():
        added = services.open_call_task(row)
    if added:
        result.counts["call_task"] += 1


def _send_all(sends: list[Outgoing], token: str, now: datetime, result: DispatchResult) -> None:
    """Send each message, then record it at once: a success is one autocommitted
    UPDATE on a connection held for the chunk (one round trip, no pool check-out
    per message); a failure and its fallback share one session transaction."""
    if not sends:
        return
    table = OutboxMessage.__table__
    mark_sent = (
        table.update()
        .where(
            table.c.id == bindparam("message_id"),
            table.c.claim_token == token,
            table.c.status == "sending",
        )
        .values(status="sent", sent_at=now, last_error=None, claim_token=None)
    )
    started = time.monotonic()
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for index, message in enumerate(sends):
            if time.monotonic() - started > LEASE.total_seconds() / 2:
                _release([m.id for m in sends[index:]], token)
                db.session.commit()
                result.counts["released"] += len(sends) - index
                return
            try:
                get_channel(message.channel).send(message)
            except PermanentDeliveryError as error:
                _record_failure(message, token, now, str(error), True, result)
                db.session.commit()
            except Exception as error:  # a provider's failure must not stop the batch
                detail = str(error) if isinstance(error, DeliveryError) else type(error).__name__
                _record_failure(message, token, now, detail, False, result)
                db.session.commit()
            else:
                if not connection.execute(mark_sent, {"message_id": message.id}).rowcount:
                    log.warning("outbox message %s was taken back while being sent", message.id)
                result.counts["sent"] += 1


def _mark(message_id: int, token: str, **values) -> bool:
    """Update a row only while this dispatcher's claim still holds it."""
    table = OutboxMessage.__table__
    done = db.session.execute(
        table.update()
        .where(table.c.id == message_id, table.c.claim_token == token, table.c.status == "sending")
        .values(claim_token=None, **values)
    ).rowcount
    if not done:
        log.warning("outbox message %s was taken back while being sent", message_id)
    return bool(done)


def _release(ids: list[int], token: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
        .values(status="pending", claim_token=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    message: Outgoing, token: str, now: datetime, error: str, permanent: bool, result: DispatchResult
) -> None:
    attempts = message.attempts
    error = error[:300]
    # The opaque reference, never the key: keys tie people to what they did.
    log.warning(
        "%s send failed for ref=%s (attempt %d): %s",
        message.channel, message.reference, attempts, error,
    )
    if not permanent and attempts < max_attempts():
        if _mark(message.id, token, status="pending", due_at=now + retry_delay(attempts), last_error=error):
            result.counts["retry"] += 1
        return
    if not _mark(message.id, token, status="failed", last_error=error):
        return
    result.counts["failed"] += 1
    if _expired(message, now):
        return  # no fallback and no call about something already past
    if message.fallback == "sms":
        _queue_fallback(message, "sms", now, result)
    elif message.fallback == "call":
        _open_call_task(message, result)
