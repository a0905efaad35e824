"""Markets, their stalls and market days, and vendors' applications for them.

A weekly market (SABOAK, on Sundays) has market days generated a few weeks ahead;
a container-booth site has booths leased by the month. Wall-clock times of a
market (set-up, opening) are minutes after local midnight in Asia/Makassar; dates
are WITA dates; moments are UTC (``*_at``). Fees are whole rupiah (zero allowed).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from marketplace.models import Business

WEEKLY = "weekly"
BOOTHS = "booths"
MARKET_KINDS = (WEEKLY, BOOTHS)

FOOD = "food"
CRAFTS = "crafts"
PRODUCE = "produce"
SERVICES = "services"
PUBLIC_SERVICE = "public_service"
ZONES = (FOOD, CRAFTS, PRODUCE, SERVICES, PUBLIC_SERVICE)
# Zones vendors may apply for (public-service booths are the city's own).
VENDOR_ZONES = (FOOD, CRAFTS, PRODUCE, SERVICES)

PER_DAY = "day"
PER_MONTH = "month"

SCHEDULED = "scheduled"
DAY_CANCELLED = "cancelled"

# Application statuses.
APPLIED = "applied"
APPROVED = "approved"
WAITLISTED = "waitlisted"
RESUBMIT = "resubmit"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"  # by the city (a day called off)
EXPIRED = "expired"  # approved but the fee was not paid in time
ATTENDED = "attended"
NO_SHOW = "no_show"
ENDED = "ended"  # a booth lease whose last month is over
STATUSES = (APPLIED, APPROVED, WAITLISTED, RESUBMIT, DECLINED, WITHDRAWN, CANCELLED, EXPIRED, ATTENDED, NO_SHOW,
            ENDED)
# Holding a stall: never two of these for one stall on one day.
STALL_HOLDING = (APPROVED, ATTENDED)
# Still in play for a day: one per business and day.
IN_PLAY = (APPLIED, APPROVED, WAITLISTED, RESUBMIT, ATTENDED)
UNDECIDED = (APPLIED, WAITLISTED, RESUBMIT)

_HOLDING_SQL = text("status IN ('approved', 'attended') AND market_day_id IS NOT NULL")
_IN_PLAY_SQL = text(
    "status IN ('applied', 'approved', 'waitlisted', 'resubmit', 'attended') AND market_day_id IS NOT NULL"
)
_LEASE_HOLDING_SQL = text("status = 'approved' AND market_day_id IS NULL")


class Market(db.Model):
    """A weekly market or a container-booth site, with its stall map's size."""

    __tablename__ = "stall_markets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default=WEEKLY)
    place: Mapped[str] = mapped_column(String(200))
    weekday: Mapped[int | None]  # 0 = Monday … 6 = Sunday (weekly markets)
    setup_minute: Mapped[int] = mapped_column(default=14 * 60)  # vendors set up from
    open_minute: Mapped[int] = mapped_column(default=16 * 60)
    close_minute: Mapped[int] = mapped_column(default=22 * 60)
    weeks_ahead: Mapped[int] = mapped_column(default=4)
    map_width: Mapped[int] = mapped_column(default=100)
    map_height: Mapped[int] = mapped_column(default=60)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stalls: Mapped[list[Stall]] = relationship(
        back_populates="market", order_by="Stall.code", cascade="all, delete-orphan"
    )

    @property
    def is_weekly(self) -> bool:
        return self.kind == WEEKLY


class Stall(db.Model):
    """One stall or booth with its place on the map (map units, origin top left)."""

    __tablename__ = "stalls"
    __table_args__ = (
        UniqueConstraint("market_id", "code"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("stall_markets.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    zone: Mapped[str] = mapped_column(String(20))
    width_cm: Mapped[int] = mapped_column(default=300)
    depth_cm: Mapped[int] = mapped_column(default=300)
    has_power: Mapped[bool] = mapped_column(default=False)
    fee: Mapped[int] = mapped_column(default=0)  # whole rupiah per day (weekly) or month (booth)
    fee_period: Mapped[str] = mapped_column(String(10), default=PER_DAY)
    x: Mapped[int] = mapped_column(default=0)
    y: Mapped[int] = mapped_column(default=0)
    w: Mapped[int] = mapped_column(default=4)
    h: Mapped[int] = mapped_column(default=4)
    active: Mapped[bool] = mapped_column(default=True)

    market: Mapped[Market] = relationship(back_populates="stalls")

    @property
    def size_label(self) -> str:
        return f"{self.width_cm / 100:g} × {self.depth_cm / 100:g} m"


class MarketDay(db.Model):
    """One day of a weekly market (a WITA date); staff may cancel it."""

    __tablename__ = "market_days"
    __table_args__ = (UniqueConstraint("market_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("stall_markets.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    market: Mapped[Market] = relationship(lazy="joined")

    @property
    def is_cancelled(self) -> bool:
        return self.status == DAY_CANCELLED


class StallApplication(db.Model):
    """A business asking for a stall on one market day, or for a booth lease
    (``lease_start`` month for ``lease_months``). Approved ones hold a stall."""

    __tablename__ = "stall_applications"
    __table_args__ = (
        # Never two businesses in one stall on one day; never one business twice a day.
        Index("uq_stall_applications_day_stall", "market_day_id", "stall_id", unique=True,
              sqlite_where=_HOLDING_SQL, postgresql_where=_HOLDING_SQL),
        Index("uq_stall_applications_day_business", "market_day_id", "business_id", unique=True,
              sqlite_where=_IN_PLAY_SQL, postgresql_where=_IN_PLAY_SQL),
        # One current lease per booth.
        Index("uq_stall_applications_lease_stall", "stall_id", unique=True,
              sqlite_where=_LEASE_HOLDING_SQL, postgresql_where=_LEASE_HOLDING_SQL),
        Index("ix_stall_applications_day_status", "market_day_id", "status"),
        Index("ix_stall_applications_business", "business_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("market_businesses.id", ondelete="CASCADE"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    market_id: Mapped[int] = mapped_column(ForeignKey("stall_markets.id", ondelete="CASCADE"))
    market_day_id: Mapped[int | None] = mapped_column(ForeignKey("market_days.id", ondelete="CASCADE"))
    lease_start: Mapped[date | None] = mapped_column(Date)  # first day of a month
    lease_months: Mapped[int | None]
    zone: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=APPLIED)
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stalls.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    business: Mapped[Business] = relationship(lazy="joined")
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    market: Mapped[Market] = relationship()
    market_day: Mapped[MarketDay | None] = relationship(lazy="joined")
    stall: Mapped[Stall | None] = relationship(lazy="joined")

    @property
    def is_lease(self) -> bool:
        return self.market_day_id is None

    @property
    def lease_end(self) -> date | None:
        """The first day after the lease (``lease_start`` plus ``lease_months``)."""
        if self.lease_start is None or not self.lease_months:
            return None
        months = self.lease_start.month - 1 + self.lease_months
        return date(self.lease_start.year + months // 12, months % 12 + 1, 1)
