"""Market days: generated from the weekly schedule a few weeks ahead (a scheduled
job), listed for vendors and staff, cancelled by staff (everyone told, fees back)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from marketplace.stalls import fees, schedule
from marketplace.stalls._common import (
    ChangedMeanwhile,
    StallError,
    change_status,
    tell_vendor,
    vendor_day,
)
from marketplace.stalls.models import (
    CANCELLED,
    DAY_CANCELLED,
    IN_PLAY,
    SCHEDULED,
    WEEKLY,
    Market,
    MarketDay,
    StallApplication,
)
from notifications.services import N_
from payments import services as payments


def generate_market_days(now: datetime | None = None) -> int:
    """Create the missing market days of every weekly market for its
    ``weeks_ahead`` weeks (idempotent). Returns how many were added."""
    today = schedule.wita_date(now or utcnow())
    added = 0
    weekly = db.session.scalars(select(Market).where(Market.kind == WEEKLY, Market.active.is_(True)))
    for market in weekly:
        if market.weekday is None:
            continue
        wanted = schedule.upcoming_dates(market.weekday, today, market.weeks_ahead)
        existing = set(db.session.scalars(
            select(MarketDay.day).where(MarketDay.market_id == market.id, MarketDay.day.in_(wanted))
        ))
        for day in wanted:
            if day not in existing:
                db.session.add(MarketDay(market_id=market.id, day=day, status=SCHEDULED))
                added += 1
    db.session.flush()
    return added


def upcoming_days(market: Market, today: date | None = None, include_cancelled: bool = True) -> list[MarketDay]:
    today = today or schedule.wita_date(utcnow())
    query = select(MarketDay).where(MarketDay.market_id == market.id, MarketDay.day >= today).order_by(MarketDay.day)
    if not include_cancelled:
        query = query.where(MarketDay.status == SCHEDULED)
    return list(db.session.scalars(query))


def get_day(day_id: int) -> MarketDay | None:
    return db.session.get(MarketDay, day_id)


def cancel_market_day(actor: User, day: MarketDay, reason: str) -> int:
    """Call off a market day: every application still in play is cancelled by the
    city, unpaid fees voided and paid ones refunded, each vendor told. Returns how
    many vendors were told."""
    reason = reason.strip()
    if not reason:
        raise StallError(N_("Tulis alasan pembatalan untuk para pedagang."))
    if day.status != SCHEDULED:
        raise ChangedMeanwhile()
    day.status = DAY_CANCELLED
    day.cancel_reason = reason[:300]
    day.cancelled_at = utcnow()
    day.cancelled_by_id = actor.id
    applications = list(db.session.scalars(
        select(StallApplication).where(
            StallApplication.market_day_id == day.id, StallApplication.status.in_(IN_PLAY)
        )
    ))
    invoices = payments.invoices_for(fees.INVOICE_KIND, [a.id for a in applications])
    for application in applications:
        change_status(application, IN_PLAY, CANCELLED, reason=reason[:500], decided_by_id=actor.id,
                      decided_at=utcnow())
        closed = fees.application_closed(application, f"market day cancelled: {reason}", actor,
                                         invoice=invoices.get(application.id))
        refunded = closed == payments.REFUNDED
        tell_vendor(
            application, "day-cancelled",
            N_("Hari pasar %(day)s dibatalkan"),
            N_("Pemerintah kota membatalkan hari pasar ini: %(reason)s. Biaya lapak yang sudah dibayar dikembalikan.")
            if refunded else N_("Pemerintah kota membatalkan hari pasar ini: %(reason)s."),
            {"day": vendor_day(application, day.day), "reason": reason[:200]},
        )
    db.session.flush()
    return len(applications)
