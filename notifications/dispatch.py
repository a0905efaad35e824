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
   (only while our ``claim_token`` still holds it); for a channel that dedupes by
   the message's reference (``idempotent``: the HTTP providers, the log) the
   successes are marked together, up to ``send.MARK_BATCH`` in one UPDATE. A failure goes back to
   pending with exponential backoff, or after the last attempt ends ``failed``
   and the fallback (WhatsApp → SMS → a "call this person" task) is queued in
   the same commit.
4. Crash. A dispatcher killed between its claim and its commits leaves rows in
   ``sending``; any dispatcher takes them back once the claim is older than the
   lease (``LEASE``). A dispatcher stops sending from a chunk once half the
   lease has passed, so it never sends a row someone else may have taken back.

The one edge left: killed after a provider accepted a message but before the
commit that marks it sent, that message (for a batching channel: the unmarked
ones of its batch) is sent again after the lease, with the
same ``Idempotency-Key`` (the message's opaque reference), so a provider that honours the key delivers it once;
the log and SMTP channels cannot dedupe and would repeat it.

The steps live in ``claim.py`` (1 and 4), ``triage.py`` (2) and ``send.py`` (3);
this module runs them in order.

Commits happen here, not in the caller: this is a job (it owns its
transactions), and each send needs its own commit for the guarantee above.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from core.db import utcnow
from core.extensions import db
from notifications.claim import (  # noqa: F401 (also the names tests and jobs use)
    CHUNK,
    LEASE,
    DispatchResult,
    _claim,
    _take_back_stale_claims,
    max_attempts,
    retry_delay,
)
from notifications.send import _send_all
from notifications.triage import _triage, outside_words, quiet_until  # noqa: F401


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
