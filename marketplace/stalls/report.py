"""The season report for staff: how many different businesses sold, the share of
returned migrant workers selling for the first time, the spread of days per
business. One query; the arithmetic is a pure function."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import select

from core.extensions import db
from marketplace.models import Business
from marketplace.stalls.models import ATTENDED, MarketDay, StallApplication


@dataclass
class SeasonReport:
    start: date
    end: date
    market_days: int = 0
    businesses: int = 0
    first_time_returnees: int = 0
    days_min: int = 0
    days_median: float = 0
    days_max: int = 0
    spread: dict[int, int] = field(default_factory=dict)  # days sold -> how many businesses

    @property
    def first_time_returnee_share(self) -> float:
        return self.first_time_returnees / self.businesses if self.businesses else 0.0


def summarise(rows: list[tuple[int, bool, date]], start: date, end: date, days: int) -> SeasonReport:
    """``rows``: (business id, returned worker?, day sold), every sale up to ``end``."""
    report = SeasonReport(start=start, end=end, market_days=days)
    first_sale: dict[int, date] = {}
    in_season: Counter = Counter()
    returnee: dict[int, bool] = {}
    for business_id, is_returnee, day in rows:
        first_sale[business_id] = min(day, first_sale.get(business_id, day))
        returnee[business_id] = is_returnee
        if start <= day <= end:
            in_season[business_id] += 1
    report.businesses = len(in_season)
    report.first_time_returnees = sum(
        1 for b in in_season if returnee[b] and first_sale[b] >= start
    )
    if in_season:
        counts = list(in_season.values())
        report.days_min, report.days_max = min(counts), max(counts)
        report.days_median = median(counts)
        report.spread = dict(sorted(Counter(counts).items()))
    return report


def season_report(market_id: int, start: date, end: date) -> SeasonReport:
    rows = db.session.execute(
        select(StallApplication.business_id, Business.returnee, MarketDay.day)
        .join(MarketDay, MarketDay.id == StallApplication.market_day_id)
        .join(Business, Business.id == StallApplication.business_id)
        .where(StallApplication.market_id == market_id, StallApplication.status == ATTENDED, MarketDay.day <= end)
    ).all()
    days = db.session.scalar(
        select(db.func.count(MarketDay.id)).where(
            MarketDay.market_id == market_id, MarketDay.day.between(start, end), MarketDay.status == "scheduled"
        )
    )
    return summarise([tuple(r) for r in rows], start, end, days or 0)
