"""The weekly sales log (optional; private to the business's members and UMKM
staff) and the figures of the UMKM staff dashboard. Plain functions; writers take
the acting user and only flush."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from core.links import site_path
from marketplace._common import MarketError
from marketplace.models import APPROVED, Business, BusinessMember, SalesWeek
from notifications.services import N_

MAX_WEEKS_SHOWN = 52
DASHBOARD_WEEKS = 12


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_monday(now: datetime | None = None) -> date:
    return monday_of((now or utcnow()).astimezone(WITA).date())


def parse_week(text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date (any day of the week) as that week's Monday."""
    try:
        return monday_of(date.fromisoformat((text or "").strip()))
    except ValueError:
        return None


def record_week(actor: User, business: Business, week_start: date, turnover: int, items_sold: int,
                note: str | None = None, now: datetime | None = None) -> SalesWeek:
    """Record (or correct) one week's turnover and items sold. Future weeks and weeks
    more than two years back are refused."""
    week_start = monday_of(week_start)
    if week_start > this_monday(now):
        raise MarketError(N_("Minggu ini belum tiba. Pilih minggu ini atau yang sudah lewat."))
    if week_start < this_monday(now) - timedelta(days=730):
        raise MarketError(N_("Hanya dua tahun terakhir yang bisa dicatat."))
    if turnover < 0 or items_sold < 0:
        raise MarketError(N_("Omzet dan jumlah tidak boleh negatif."))
    row = db.session.scalar(select(SalesWeek).where(
        SalesWeek.business_id == business.id, SalesWeek.week_start == week_start))
    if row is None:
        row = SalesWeek(business_id=business.id, week_start=week_start)
        db.session.add(row)
    row.turnover, row.items_sold = int(turnover), int(items_sold)
    row.note = (note or "").strip() or None
    row.recorded_by_id = actor.id
    db.session.flush()
    return row


def remove_week(actor: User, row: SalesWeek) -> None:
    db.session.delete(row)
    db.session.flush()


def weeks_of(business: Business, limit: int = MAX_WEEKS_SHOWN) -> list[SalesWeek]:
    """The business's weeks, newest first."""
    return list(db.session.scalars(
        select(SalesWeek).where(SalesWeek.business_id == business.id)
        .order_by(SalesWeek.week_start.desc()).limit(limit)
    ))


@dataclass
class Totals:
    weeks: int
    turnover: int
    items_sold: int

    @property
    def average(self) -> int:
        return self.turnover // self.weeks if self.weeks else 0


def totals(weeks: list[SalesWeek]) -> Totals:
    return Totals(len(weeks), sum(w.turnover for w in weeks), sum(w.items_sold for w in weeks))


def evidence_links(user: User) -> list[tuple[str, str]]:
    """``(business name, evidence page path)`` for each business ``user`` runs that
    has a sales log (offered to the KUR application through a signal)."""
    rows = db.session.execute(
        select(Business.id, Business.name)
        .join(BusinessMember, BusinessMember.business_id == Business.id)
        .where(BusinessMember.user_id == user.id, BusinessMember.accepted_at.is_not(None))
        .where(select(SalesWeek.id).where(SalesWeek.business_id == Business.id).exists())
        .order_by(Business.name)
    ).all()
    return [(name, site_path("marketplace.sales_evidence", business_id=bid)) for bid, name in rows]


# --- the UMKM staff dashboard ---------------------------------------------------------

@dataclass
class Dashboard:
    by_category: list[tuple[str, int]]
    by_regency: list[tuple[str, int]]
    registrations: list[tuple[date, int]]  # per week, oldest first
    turnover: list[tuple[date, int]]  # total weekly turnover of all businesses
    statuses: dict[str, int]


def _week_series(rows: dict[date, int], weeks: int, last: date) -> list[tuple[date, int]]:
    start = last - timedelta(weeks=weeks - 1)
    return [(start + timedelta(weeks=i), rows.get(start + timedelta(weeks=i), 0)) for i in range(weeks)]


def dashboard(now: datetime | None = None, weeks: int = DASHBOARD_WEEKS) -> Dashboard:
    """Businesses by category and regency (approved ones), registrations per week
    and the total weekly turnover of the sales logs, over the last ``weeks`` weeks."""
    last = this_monday(now)
    start = last - timedelta(weeks=weeks - 1)
    by_category = db.session.execute(
        select(Business.category, func.count()).where(Business.status == APPROVED)
        .group_by(Business.category).order_by(func.count().desc(), Business.category)
    ).all()
    by_regency = db.session.execute(
        select(Business.regency, func.count()).where(Business.status == APPROVED)
        .group_by(Business.regency).order_by(func.count().desc(), Business.regency)
    ).all()
    statuses = dict(db.session.execute(select(Business.status, func.count()).group_by(Business.status)).all())
    since = datetime.combine(start, datetime.min.time(), tzinfo=WITA)
    created = db.session.scalars(select(Business.created_at).where(Business.created_at >= since))
    registrations: dict[date, int] = {}
    for moment in created:
        week = monday_of(moment.astimezone(WITA).date())
        registrations[week] = registrations.get(week, 0) + 1
    turnover = dict(db.session.execute(
        select(SalesWeek.week_start, func.sum(SalesWeek.turnover))
        .where(SalesWeek.week_start >= start).group_by(SalesWeek.week_start)
    ).all())
    return Dashboard(
        by_category=[tuple(r) for r in by_category],
        by_regency=[tuple(r) for r in by_regency],
        registrations=_week_series(registrations, weeks, last),
        turnover=_week_series({k: int(v) for k, v in turnover.items()}, weeks, last),
        statuses=statuses,
    )
