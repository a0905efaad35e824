"""``flask reports rehash``: recompute every identifier digest under the current
``REPORTS_IDENTIFIER_KEY``.

The digests link reports that name the same phone number, company or handle;
they are keyed, so a new key leaves the older ones unmatched until they are
recomputed. The identifiers are kept encrypted as written (``display``), which is
what makes this possible without the old key. Bounded batches (keyset by id, one
commit each), and idempotent: a second run, or a run after an interruption,
changes only what is still under another key.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from community.reports.identifiers import digest_of_written
from community.reports.models import ReportIdentifier
from core.extensions import db

BATCH = 500


@dataclass
class RehashResult:
    seen: int = 0
    changed: int = 0
    unreadable: int = 0  # no longer reads as its kind: left as it was
    batches: int = 0


def rehash_identifiers(batch: int = BATCH) -> RehashResult:
    """Recompute the digests ``batch`` rows at a time (commits after each batch:
    this is a job that owns its transactions)."""
    result = RehashResult()
    last_id = 0
    while True:
        rows = db.session.execute(
            select(ReportIdentifier.id, ReportIdentifier.kind, ReportIdentifier.digest,
                   ReportIdentifier.display)
            .where(ReportIdentifier.id > last_id)
            .order_by(ReportIdentifier.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        result.batches += 1
        for row_id, kind, old, written in rows:
            result.seen += 1
            new = digest_of_written(kind, written or "")
            if new is None:
                result.unreadable += 1
            elif new != old:
                db.session.execute(
                    update(ReportIdentifier).where(ReportIdentifier.id == row_id).values(digest=new)
                    .execution_options(synchronize_session=False)
                )
                result.changed += 1
        db.session.commit()
        last_id = rows[-1][0]
    return result
