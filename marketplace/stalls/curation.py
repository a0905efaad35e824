"""The curation queue of a market day and where a business is next: each
business's history at a market, the day's queue with the fair-rotation proposal
and the place of each undecided application, the staff home summary, and the next
market day or booth of a business. Read-only, a constant number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from core.db import plain_rows, utcnow
from core.extensions import db
from marketplace.models import Business
from marketplace.stalls import allocation, schedule
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    ATTENDED,
    DECLINED,
    EXPIRED,
    NO_SHOW,
    RESUBMIT,
    SCHEDULED,
    STALL_HOLDING,
    WAITLISTED,
    Market,
    MarketDay,
    Stall,
    StallApplication,
)


@dataclass
class History:
    days_attended: int = 0
    no_shows: int = 0
    paid: int = 0
    waited: int = 0
    last_attended: date | None = None


def histories(business_ids: list[int], market_id: int, before: date) -> dict[int, History]:
    """Each business's record at this market before ``before``, in one query:
    days sold, no-shows, fees paid, and days it waited without a stall since it
    last sold."""
    result = {bid: History() for bid in business_ids}
    if not business_ids:
        return result
    rows = plain_rows(
        select(StallApplication.business_id, StallApplication.status, StallApplication.paid_at, MarketDay.day)
        .join(MarketDay, MarketDay.id == StallApplication.market_day_id)
        .where(
            StallApplication.business_id.in_(business_ids),
            StallApplication.market_id == market_id,
            MarketDay.day < before,
        )
        .order_by(MarketDay.day)
    )
    for business_id, status, paid_at, day in rows:
        history = result[business_id]
        if paid_at is not None:
            history.paid += 1
        if status == ATTENDED:
            history.days_attended += 1
            history.last_attended = day
            history.waited = 0
        elif status == NO_SHOW:
            history.no_shows += 1
        elif status in (WAITLISTED, APPLIED, DECLINED, EXPIRED):
            history.waited += 1
    return result


def day_applications(day: MarketDay) -> list[StallApplication]:
    """Every application for ``day`` with its business and stall (one query)."""
    return list(db.session.scalars(
        select(StallApplication).where(StallApplication.market_day_id == day.id).order_by(StallApplication.id)
    ))


def candidates(applications: list[StallApplication], history: dict[int, History]) -> list[allocation.Candidate]:
    return [
        allocation.Candidate(
            application_id=a.id, business_id=a.business_id, zone=a.zone, returnee=a.business.returnee,
            days_attended=history[a.business_id].days_attended, waited=history[a.business_id].waited,
            no_shows=history[a.business_id].no_shows, applied_order=a.id,
        )
        for a in applications if a.status in (APPLIED, WAITLISTED)
    ]


@dataclass
class DayQueue:
    day: MarketDay
    applications: list[StallApplication]
    history: dict[int, History]
    stalls: list[Stall]
    proposal: allocation.Proposal
    positions: dict[int, int]

    @property
    def free_stalls(self) -> list[Stall]:
        held = {a.stall_id for a in self.applications if a.status in STALL_HOLDING}
        return [s for s in self.stalls if s.id not in held]


def day_queue(day: MarketDay) -> DayQueue:
    """The staff queue of a market day with histories and the proposed allocation
    (a constant number of queries, whatever the number of applications)."""
    applications = day_applications(day)
    history = histories(list({a.business_id for a in applications}), day.market_id, day.day)
    stalls = list(db.session.scalars(
        select(Stall).where(Stall.market_id == day.market_id, Stall.active.is_(True)).order_by(Stall.code)
    ))
    held = {a.stall_id for a in applications if a.status in STALL_HOLDING}
    busy = {a.business_id for a in applications if a.status in STALL_HOLDING}
    people = candidates(applications, history)
    slots = [allocation.Slot(s.id, s.zone, s.code) for s in stalls if s.id not in held]
    proposal = allocation.propose(slots, people, busy)
    ordered = allocation.queue(people)
    positions: dict[int, int] = {}
    per_zone: dict[str, int] = {}
    for candidate in ordered:
        per_zone[candidate.zone] = per_zone.get(candidate.zone, 0) + 1
        positions[candidate.application_id] = per_zone[candidate.zone]
    return DayQueue(day, applications, history, stalls, proposal, positions)


def queue_place(application: StallApplication) -> int | None:
    """The vendor's place in the queue of their zone for that day (undecided only)."""
    if application.market_day is None or application.status not in (APPLIED, WAITLISTED):
        return None
    return day_queue(application.market_day).positions.get(application.id)


def next_expected_date(business: Business) -> date | None:
    """The next market day on which ``business`` holds a stall."""
    today = schedule.wita_date(utcnow())
    return db.session.scalar(
        select(func.min(MarketDay.day))
        .join(StallApplication, and_(StallApplication.market_day_id == MarketDay.id))
        .where(StallApplication.business_id == business.id, StallApplication.status == APPROVED,
               MarketDay.day >= today, MarketDay.status == SCHEDULED)
    )


def workspace_summary() -> tuple[MarketDay | None, int]:
    """The next scheduled market day and how many applications wait for it (two
    queries), for the staff home panel."""
    today = schedule.wita_date(utcnow())
    day = db.session.scalar(
        select(MarketDay).where(MarketDay.day >= today, MarketDay.status == SCHEDULED).order_by(MarketDay.day).limit(1)
    )
    if day is None:
        return None, 0
    waiting = db.session.scalar(
        select(func.count(StallApplication.id)).where(
            StallApplication.market_day_id == day.id, StallApplication.status.in_((APPLIED, RESUBMIT)))
    )
    return day, waiting or 0


def next_stall_of(business: Business) -> tuple[MarketDay | None, Stall, Market] | None:
    """Where to find ``business`` next: its next market day with a stall, or else
    its current booth lease (two queries at most)."""
    today = schedule.wita_date(utcnow())
    row = db.session.execute(
        select(MarketDay, Stall, Market)
        .join(StallApplication, StallApplication.market_day_id == MarketDay.id)
        .join(Stall, Stall.id == StallApplication.stall_id)
        .join(Market, Market.id == MarketDay.market_id)
        .where(StallApplication.business_id == business.id, StallApplication.status == APPROVED,
               MarketDay.day >= today, MarketDay.status == SCHEDULED)
        .order_by(MarketDay.day).limit(1)
    ).first()
    if row is not None:
        return row[0], row[1], row[2]
    lease = db.session.execute(
        select(Stall, Market)
        .join(StallApplication, StallApplication.stall_id == Stall.id)
        .join(Market, Market.id == Stall.market_id)
        .where(StallApplication.business_id == business.id, StallApplication.status == APPROVED,
               StallApplication.market_day_id.is_(None))
        .limit(1)
    ).first()
    return (None, lease[0], lease[1]) if lease is not None else None
