"""The stall map of a market (for one day: who is in which stall), drawn by the
template as SVG with a table of the same data. Two queries whatever its size."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from marketplace.models import Business
from marketplace.stalls import schedule
from marketplace.stalls.models import (
    APPROVED,
    BOOTHS,
    STALL_HOLDING,
    Market,
    MarketDay,
    Stall,
    StallApplication,
)


@dataclass
class StallMap:
    market: Market
    day: MarketDay | None
    stalls: list[Stall]
    occupants: dict[int, str]  # stall id -> business name
    shapes: list[schedule.MapStall]
    highlight: int | None = None  # a stall to point out (the vendor's own)


def stall_map(market: Market, day: MarketDay | None = None, highlight: int | None = None) -> StallMap:
    stalls = list(db.session.scalars(
        select(Stall).where(Stall.market_id == market.id, Stall.active.is_(True)).order_by(Stall.code)
    ))
    occupants: dict[int, str] = {}
    if day is not None:
        rows = db.session.execute(
            select(StallApplication.stall_id, Business.name)
            .join(Business, Business.id == StallApplication.business_id)
            .where(StallApplication.market_day_id == day.id, StallApplication.status.in_(STALL_HOLDING))
        )
        occupants = {stall_id: name for stall_id, name in rows}
    elif market.kind == BOOTHS:
        rows = db.session.execute(
            select(StallApplication.stall_id, Business.name)
            .join(Business, Business.id == StallApplication.business_id)
            .where(StallApplication.market_id == market.id, StallApplication.market_day_id.is_(None),
                   StallApplication.status == APPROVED)
        )
        occupants = {stall_id: name for stall_id, name in rows}
    return StallMap(market, day, stalls, occupants, schedule.map_stalls(stalls, occupants), highlight)
