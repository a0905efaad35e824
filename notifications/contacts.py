"""Messages to someone without an account: a phone number or email address.

A visitor who reported something with a phone number has no inbox, but may want
to hear that there is news. ``notify_contact`` queues such a message in the same
outbox, delivered by the same dispatcher (claims, retries with backoff, quiet
hours 21:00–07:00 WITA, idempotency by key, WhatsApp → SMS fallback). What is
different, and why:

- The row has no ``user_id``; the address is in ``OutboxMessage.contact``,
  encrypted at rest, and erased once the row is delivered, finally failed or
  cancelled (``erase_contacts`` also erases it when the sender's own record goes).
- Only the sender's neutral ``text`` leaves the platform, never a title or body:
  whoever holds the phone may be the person it is about.
- No inbox notice, no weekly cap (a sender sends a handful at most), and no
  "call this person" task when every channel fails: the sender asks
  ``delivery_state`` and shows the failure to the one person who may act.
- Logs carry the message's opaque reference only, never the address, masked or not.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from core.db import utcnow
from core.extensions import db
from notifications.models import OutboxMessage
from notifications.outbox import _enqueue

# Delivery states a sender can show (``delivery_state``).
WAITING = "waiting"  # queued, in quiet hours, or retrying
DELIVERED = "delivered"
FAILED = "failed"  # every channel finally failed (or it was cancelled)

PHONE_CHAIN = ("whatsapp", "sms")


def notify_contact(
    contact: str,
    *,
    key: str,
    text: str,
    params: dict | None = None,
    path: str | None = None,
    locale: str = "id",
    channels: Sequence[str] | None = None,
) -> bool:
    """Queue ``text`` (a neutral msgid, filled from ``params``, rendered in
    ``locale``) to ``contact`` (an E.164 phone number, or an email address),
    with a link to ``path`` on the site. First WhatsApp, then SMS when WhatsApp
    fails (or ``channels``: ``("email",)`` for an address). Calling again with
    the same ``key`` does nothing. Returns whether a message was queued. Only
    flushes; the message leaves after the caller's commit.
    """
    contact = (contact or "").strip()
    if not contact:
        return False
    if channels is None:
        channels = ("email",) if "@" in contact else PHONE_CHAIN[:1]
    added = False
    for channel in channels:
        added |= _enqueue(
            None, key, channel, text, None, {**(params or {}), "locale": locale}, path,
            False, utcnow(), outside_text=text, contact=contact,
        )
    db.session.flush()
    return added


def contact_preview(text: str, path: str | None, params: dict | None = None, locale: str | None = None) -> str:
    """Exactly what ``notify_contact`` would send by SMS (the shortest channel):
    for the sender to show beforehand."""
    from notifications.outbox import render
    from notifications.triage import _fit

    return _fit(render(text, params, locale), path, "sms")


def erase_contacts(key_prefix: str) -> int:
    """Forget the address of every message whose key starts with ``key_prefix``
    (the sender's record is deleted or unlinked): pending ones are cancelled, and
    no row keeps the address whatever its state. Returns how many rows had one."""
    erased = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        .where(OutboxMessage.user_id.is_(None), OutboxMessage.contact.is_not(None))
        .values(contact=None)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        .where(OutboxMessage.user_id.is_(None), OutboxMessage.status == "pending")
        .values(status="cancelled", last_error="contact erased", claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return erased


def delivery_states(base_keys: Sequence[str]) -> dict[str, str]:
    """``{base key: WAITING | DELIVERED | FAILED}`` for contact messages, in one
    query; a key with no message is absent."""
    if not base_keys:
        return {}
    # By the unique key of each channel's row (indexed), not by ``base_key``.
    keys = [f"{base_key}:{channel}" for base_key in base_keys for channel in (*PHONE_CHAIN, "email")]
    rows = db.session.execute(
        select(OutboxMessage.base_key, OutboxMessage.status)
        .where(OutboxMessage.key.in_(keys), OutboxMessage.user_id.is_(None))
    ).all()
    seen: dict[str, set[str]] = {}
    for base_key, status in rows:
        seen.setdefault(base_key, set()).add(status)
    states = {}
    for base_key, statuses in seen.items():
        if "sent" in statuses:
            states[base_key] = DELIVERED
        elif statuses & {"pending", "sending"}:
            states[base_key] = WAITING
        else:
            states[base_key] = FAILED
    return states


def delivery_state(base_key: str) -> str | None:
    return delivery_states([base_key]).get(base_key)
