"""Vendors apply for market days or a booth lease; staff decide (one by one, in
bulk, or by confirming the fair-rotation proposal). Every change is told to the
vendor. Only flushes; the view or job commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from marketplace.businesses import businesses_of
from marketplace.models import APPROVED as BUSINESS_APPROVED
from marketplace.models import Business
from marketplace.stalls import allocation, fees, schedule
from marketplace.stalls._common import StallError, StallTaken, change_status, tell_vendor
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    ATTENDED,
    BOOTHS,
    DECLINED,
    EXPIRED,
    IN_PLAY,
    NO_SHOW,
    RESUBMIT,
    SCHEDULED,
    STALL_HOLDING,
    UNDECIDED,
    VENDOR_ZONES,
    WAITLISTED,
    WITHDRAWN,
    Market,
    MarketDay,
    Stall,
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


# --- the vendor's side -------------------------------------------------------------

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
                    {"day": application.market_day.day.strftime("%d/%m/%Y")})
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
        promote_next(actor, application.market_day, held)


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


# --- history and the queue ---------------------------------------------------------

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
    rows = db.session.execute(
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


# --- staff decisions ----------------------------------------------------------------

def approve(actor: User, application: StallApplication, stall: Stall) -> None:
    """Give ``stall`` to ``application`` (its zone, its market, free that day)."""
    if stall.market_id != application.market_id or not stall.active:
        raise StallError(N_("Lapak ini bukan bagian dari pasar itu."))
    if stall.zone != application.zone:
        raise StallError(N_("Lapak ini di zona lain. Pilih lapak di zona yang diajukan."))
    try:
        change_status(application, UNDECIDED, APPROVED, stall_id=stall.id, decided_by_id=actor.id,
                      decided_at=utcnow(), reason=None)
    except IntegrityError:
        raise StallTaken() from None
    fees.application_approved(application)


def waitlist(actor: User, application: StallApplication) -> None:
    change_status(application, (APPLIED, RESUBMIT), WAITLISTED, decided_by_id=actor.id, decided_at=utcnow())
    tell_vendor(application, "waitlisted", N_("Pengajuan lapak masuk daftar tunggu"),
                N_("%(business)s masuk daftar tunggu. Kami beri kabar bila ada lapak kosong."))


def ask_resubmit(actor: User, application: StallApplication, reason: str) -> None:
    reason = _reason(reason)
    change_status(application, (APPLIED, WAITLISTED), RESUBMIT, reason=reason, decided_by_id=actor.id,
                  decided_at=utcnow())
    tell_vendor(application, f"resubmit-{int(utcnow().timestamp())}", N_("Pengajuan lapak perlu dilengkapi"),
                N_("Petugas meminta perubahan pada pengajuan lapak %(business)s: %(reason)s"), {"reason": reason})


def decline(actor: User, application: StallApplication, reason: str) -> None:
    reason = _reason(reason)
    change_status(application, UNDECIDED, DECLINED, reason=reason, decided_by_id=actor.id, decided_at=utcnow())
    tell_vendor(application, "declined", N_("Pengajuan lapak ditolak"),
                N_("Pengajuan lapak %(business)s ditolak: %(reason)s"), {"reason": reason})


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise StallError(N_("Tulis alasannya untuk pedagang."))
    return reason[:500]


def decide_many(actor: User, applications: list[StallApplication], decision: str, reason: str | None = None) -> int:
    """Waitlist, ask to resubmit or decline several applications at once."""
    actions = {
        "waitlist": lambda a: waitlist(actor, a),
        "resubmit": lambda a: ask_resubmit(actor, a, reason or ""),
        "decline": lambda a: decline(actor, a, reason or ""),
    }
    if decision not in actions:
        raise StallError(N_("Pilih keputusan."))
    for application in applications:
        actions[decision](application)
    return len(applications)


def confirm_allocation(actor: User, day: MarketDay, assignments: dict[int, int], waitlist_rest: bool = True) -> int:
    """Approve the (possibly adjusted) proposal: application id -> stall id. The
    applications left without a stall are waitlisted. Returns how many approved."""
    applications = {a.id: a for a in day_applications(day)}
    stalls = {s.id: s for s in db.session.scalars(select(Stall).where(Stall.market_id == day.market_id))}
    approved = 0
    for application_id, stall_id in assignments.items():
        application, stall = applications.get(application_id), stalls.get(stall_id)
        if application is None or stall is None:
            raise StallError(N_("Usulan pembagian lapak sudah tidak cocok. Muat ulang halaman."))
        approve(actor, application, stall)
        approved += 1
    if waitlist_rest:
        for application in applications.values():
            if application.status == APPLIED and application.id not in assignments:
                waitlist(actor, application)
    return approved


def promote_next(actor: User | None, day: MarketDay, stall: Stall) -> StallApplication | None:
    """Give a stall that came free to the first waiting business of its zone (who is
    told at once). Returns the application promoted, if any."""
    queue = day_queue(day)
    if stall.id not in {s.id for s in queue.free_stalls}:
        return None
    waiting = [c for c in allocation.queue(candidates(queue.applications, queue.history)) if c.zone == stall.zone]
    busy = {a.business_id for a in queue.applications if a.status in STALL_HOLDING}
    by_id = {a.id: a for a in queue.applications}
    for candidate in waiting:
        if candidate.business_id in busy:
            continue
        application = by_id[candidate.application_id]
        change_status(application, (APPLIED, WAITLISTED), APPROVED, stall_id=stall.id,
                      decided_by_id=actor.id if actor else None, decided_at=utcnow())
        fees.application_approved(application, urgent=True)
        return application
    return None


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
