"""Fixtures for the stalls tests: approved businesses, the SABOAK market with a
small layout and its upcoming Sundays."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from marketplace.models import APPROVED, OWNER, Business, BusinessMember
from marketplace.stalls import days as daylib
from marketplace.stalls import schedule
from marketplace.stalls.models import BOOTHS, PER_MONTH, WEEKLY, Market, MarketDay, Stall

_n = itertools.count(1)


@pytest.fixture
def make_business(make_user):
    def factory(owner=None, category="kuliner", returnee=False, status=APPROVED, name=None):
        owner = owner or make_user()
        business = Business(
            name=name or f"Jagung Bose Mama Ndun {next(_n)}", category=category, regency="kota-kupang",
            whatsapp=owner.phone, status=status, returnee=returnee, created_by_id=owner.id,
        )
        business.members.append(BusinessMember(user_id=owner.id, role=OWNER, accepted_at=utcnow()))
        db.session.add(business)
        db.session.commit()
        return business

    return factory


@pytest.fixture
def make_market():
    def factory(stalls=None, fee=0, kind=WEEKLY, name="SABOAK"):
        market = Market(
            name=name, kind=kind, place="Jl. El Tari, Kota Kupang", weekday=6 if kind == WEEKLY else None,
            setup_minute=14 * 60, open_minute=16 * 60, close_minute=22 * 60, weeks_ahead=4,
            map_width=100, map_height=60,
        )
        layout = stalls if stalls is not None else [("A-01", "food"), ("A-02", "food"), ("B-01", "crafts")]
        for i, (code, zone) in enumerate(layout):
            market.stalls.append(Stall(
                code=code, zone=zone, fee=fee, fee_period=PER_MONTH if kind == BOOTHS else "day",
                x=(i % 20) * 5, y=(i // 20) * 6, w=4, h=5,
            ))
        db.session.add(market)
        db.session.commit()
        return market

    return factory


@pytest.fixture
def next_day(make_market):
    """The SABOAK market (3 stalls, free) and its first upcoming market day."""

    def factory(market=None) -> MarketDay:
        market = market or make_market()
        daylib.generate_market_days()
        db.session.commit()
        return daylib.upcoming_days(market)[1]  # a week ahead: reminders still to come

    return factory


@pytest.fixture
def saboak_day(next_day):
    return next_day()


def wita_today():
    return schedule.wita_date(utcnow())


def in_days(n: int):
    return wita_today() + timedelta(days=n)
