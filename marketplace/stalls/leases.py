"""Booth leases coming to an end: a daily job closes the finished ones and gives
each freed booth to the first lease application waiting at that site (told at
once). The renewal reminder 30 days before the end is scheduled at approval."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from marketplace.stalls import fees, schedule
from marketplace.stalls._common import change_status
from marketplace.stalls.models import APPLIED, APPROVED, ENDED, WAITLISTED, Stall, StallApplication


def end_finished_leases(now: datetime | None = None) -> int:
    """Close leases whose last month is over and offer each booth to the next in
    line. Returns how many leases ended."""
    today = schedule.wita_date(now or utcnow())
    current = list(db.session.scalars(
        select(StallApplication).where(StallApplication.market_day_id.is_(None), StallApplication.status == APPROVED)
    ))
    ended = 0
    for lease in current:
        if lease.lease_end is None or lease.lease_end > today:
            continue
        booth = lease.stall
        change_status(lease, (APPROVED,), ENDED)
        ended += 1
        if booth is not None:
            offer_booth(booth)
    db.session.flush()
    return ended


def offer_booth(booth: Stall) -> StallApplication | None:
    """Give a vacant booth to the earliest waiting lease application of its site."""
    waiting = db.session.scalar(
        select(StallApplication).where(
            StallApplication.market_id == booth.market_id, StallApplication.market_day_id.is_(None),
            StallApplication.status.in_((APPLIED, WAITLISTED)),
        ).order_by(StallApplication.status.desc(), StallApplication.id).limit(1)
    )
    if waiting is None:
        return None
    change_status(waiting, (APPLIED, WAITLISTED), APPROVED, stall_id=booth.id, decided_at=utcnow())
    fees.application_approved(waiting, urgent=True)
    return waiting
