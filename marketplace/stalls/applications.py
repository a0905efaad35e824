"""The vendor's side of stall applications: which businesses may apply, applying
for market days or a booth lease, withdrawing, resubmitting, and the vendor's own
list. Staff decisions are in ``decisions.py``, the curation queue in ``curation.py``.
Every change is told to the vendor. Only flushes; the view or job commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from marketplace.businesses import businesses_of
from marketplace.models import APPROVED as BUSINESS_APPROVED
from marketplace.models import Business
from marketplace.stalls import decisions, fees, schedule
from marketplace.stalls._common import StallError, change_status, tell_vendor, vendor_day
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    BOOTHS,
    IN_PLAY,
    RESUBMIT,
    SCHEDULED,
    VENDOR_ZONES,
    WAITLISTED,
    WITHDRAWN,
    Market,
    MarketDay,
    StallApplication,
)
from notifications.services import N_

CATEGORY_ZONE = {
    "kuliner": "food",
    "kerajinan": "crafts",
    "fashion": "crafts",
    "hasil_bumi": "produce",
    "jasa": "services",
    "lainnya": "services",
}


def zone_for(business: Business) -> str:
    return CATEGORY_ZONE.get(business.category, "services")


def vendor_businesses(user: User) -> list[Business]:
    """The approved, active businesses ``user`` runs: the ones that may apply."""
    return [
        b for b in businesses_of(user)
        if b.status == BUSINESS_APPROVED and not b.suspended
    ]


def can_apply_for(user: User, business: Business) -> bool:
    return any(b.id == business.id for b in vendor_businesses(user))


def apply_for_days(actor: User, business: Business, days: list[MarketDay], zone: str,
                   note: str | None = None) -> list[StallApplication]:
    """Apply for a stall on each of ``days`` (upcoming, scheduled, one market)."""
    if not can_apply_for(actor, business):
        raise StallError(N_("Hanya usaha Anda yang sudah disetujui yang bisa mengajukan lapak."))
    if zone not in VENDOR_ZONES:
        raise StallError(N_("Pilih zona lapak."))
    if not days:
        raise StallError(N_("Pilih paling sedikit satu hari pasar."))
    today = schedule.wita_date(utcnow())
    taken = set(db.session.scalars(
        select(StallApplication.market_day_id).where(
            StallApplication.business_id == business.id,
            StallApplication.market_day_id.in_([d.id for d in days]),
            StallApplication.status.in_(IN_PLAY),
        )
    ))
    created = []
    for day in days:
        if day.status != SCHEDULED or day.day < today:
            raise StallError(N_("Hari pasar ini sudah lewat atau dibatalkan."))
        if day.id in taken:
            raise StallError(N_("Usaha ini sudah mengajukan lapak untuk hari itu."))
        application = StallApplication(
            business_id=business.id, business=business, applicant_id=actor.id, applicant=actor,
            market_id=day.market_id, market_day_id=day.id, market_day=day, zone=zone,
            note=(note or "").strip()[:500] or None, status=APPLIED,
        )
        db.session.add(application)
        created.append(application)
    try:
        db.session.flush()
    except IntegrityError:
        raise StallError(N_("Usaha ini sudah mengajukan lapak untuk hari itu.")) from None
    for application in created:
        tell_vendor(application, "applied", N_("Pengajuan lapak diterima"),
                    N_("Pengajuan lapak %(business)s untuk %(day)s kami terima. Petugas akan memberi kabar."),
                    {"day": vendor_day(application, application.market_day.day)})
    return created


def apply_for_lease(actor: User, business: Business, market: Market, start: date, months: int,
                    note: str | None = None) -> StallApplication:
    """Apply to lease a container booth from the first of ``start``'s month."""
    if not can_apply_for(actor, business):
        raise StallError(N_("Hanya usaha Anda yang sudah disetujui yang bisa mengajukan lapak."))
    if market.kind != BOOTHS:
        raise StallError(N_("Pasar ini tidak menyewakan kios."))
    if not 1 <= months <= 12:
        raise StallError(N_("Lama sewa 1 sampai 12 bulan."))
    start = start.replace(day=1)
    today = schedule.wita_date(utcnow())
    if start < today.replace(day=1):
        raise StallError(N_("Bulan mulai sewa sudah lewat."))
    application = StallApplication(
        business_id=business.id, business=business, applicant_id=actor.id, applicant=actor,
        market_id=market.id, market=market, lease_start=start, lease_months=months,
        zone=zone_for(business), note=(note or "").strip()[:500] or None, status=APPLIED,
    )
    db.session.add(application)
    db.session.flush()
    tell_vendor(application, "applied", N_("Pengajuan sewa kios diterima"),
                N_("Pengajuan sewa kios %(business)s kami terima. Petugas akan memberi kabar."))
    return application


def withdraw(actor: User, application: StallApplication) -> None:
    """The vendor takes back an application; a stall it held goes to the next in line."""
    held = application.stall if application.status == APPROVED else None
    change_status(application, (APPLIED, WAITLISTED, RESUBMIT, APPROVED), WITHDRAWN, decided_at=utcnow())
    fees.application_closed(application, "withdrawn by the vendor", actor)
    tell_vendor(application, "withdrawn", N_("Pengajuan lapak ditarik"),
                N_("Pengajuan lapak %(business)s sudah Anda tarik."))
    if held is not None and application.market_day is not None:
        decisions.promote_next(actor, application.market_day, held)


def resubmit(actor: User, application: StallApplication, note: str) -> None:
    """The vendor answers "asked to resubmit" with a new note."""
    change_status(application, (RESUBMIT,), APPLIED, note=note.strip()[:500] or None)


def my_applications(user: User) -> list[StallApplication]:
    """Applications of the businesses ``user`` runs, newest first."""
    ids = [b.id for b in businesses_of(user)]
    if not ids:
        return []
    return list(db.session.scalars(
        select(StallApplication).where(StallApplication.business_id.in_(ids)).order_by(StallApplication.id.desc())
    ))
