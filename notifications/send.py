"""Sending (step 3 of ``notifications.dispatch``): each message through its
channel, then marked at once while this dispatcher's claim still holds it; a
failure is retried with backoff or ends failed with its fallback queued."""
from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy import bindparam

from core.extensions import db
from core.log_privacy import safe_error_text
from notifications.channels import DeliveryError, Outgoing, PermanentDeliveryError, get_channel
from notifications.claim import LEASE, DispatchResult, _release, max_attempts, retry_delay
from notifications.models import OutboxMessage
from notifications.triage import _expired, _open_call_task, _queue_fallback

log = logging.getLogger("rumahpurna.notifications.dispatch")


# Successes of an idempotent channel are marked sent together, up to this many in
# one UPDATE (one commit instead of one per message).
MARK_BATCH = 500


def _send_all(sends: list[Outgoing], token: str, now: datetime, result: DispatchResult) -> None:
    """Send each message, then record it: a success is marked by an autocommitted
    UPDATE on a connection held for the chunk (no pool check-out per message); a
    failure and its fallback share one session transaction.

    A channel that deduplicates by the message's reference (``idempotent = True``:
    the HTTP providers through ``Idempotency-Key``; the log channel, where a
    repeated line harms nobody) has its successes marked ``MARK_BATCH`` at a time:
    killed before such a mark, those messages are sent again after the lease with
    the same key, and the provider delivers them once. Other channels (SMTP, test
    doubles) are marked one by one, right after each send.
    """
    if not sends:
        return
    table = OutboxMessage.__table__
    mark_sent = (
        table.update()
        .where(
            table.c.id.in_(bindparam("message_ids", expanding=True)),
            table.c.claim_token == token,
            table.c.status == "sending",
        )
        # A contact's address (messages without an account) goes once delivered.
        .values(status="sent", sent_at=now, last_error=None, claim_token=None, contact=None)
    )
    started = time.monotonic()
    unmarked: list[int] = []

    def mark(connection) -> None:
        if not unmarked:
            return
        done = connection.execute(mark_sent, {"message_ids": unmarked}).rowcount
        if done != len(unmarked):
            log.warning("%d outbox messages were taken back while being sent", len(unmarked) - done)
        result.counts["sent"] += len(unmarked)
        unmarked.clear()

    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for index, message in enumerate(sends):
            if time.monotonic() - started > LEASE.total_seconds() / 2:
                mark(connection)
                _release([m.id for m in sends[index:]], token)
                db.session.commit()
                result.counts["released"] += len(sends) - index
                return
            channel = get_channel(message.channel)
            try:
                channel.send(message)
            except PermanentDeliveryError as error:
                _record_failure(message, token, now, safe_error_text(error), True, result)
                db.session.commit()
            except Exception as error:  # a provider's failure must not stop the batch
                detail = safe_error_text(error) if isinstance(error, DeliveryError) else type(error).__name__
                _record_failure(message, token, now, detail, False, result)
                db.session.commit()
            else:
                unmarked.append(message.id)
                if not getattr(channel, "idempotent", False) or len(unmarked) >= MARK_BATCH:
                    mark(connection)
        mark(connection)


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
    if not _mark(message.id, token, status="failed", last_error=error, contact=None):
        return
    result.counts["failed"] += 1
    if _expired(message, now):
        return  # no fallback and no call about something already past
    if message.fallback == "sms":
        _queue_fallback(message, "sms", now, result)
    elif message.fallback == "call":
        _open_call_task(message, result)
