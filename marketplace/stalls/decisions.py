"""Staff decisions on stall applications: approve into a stall, waitlist, ask to
resubmit or decline (one by one or in bulk), confirm the fair-rotation proposal,
and give a stall that came free to the next in line. Every change is told to the
vendor. Only flushes; the view or job commits."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from marketplace.stalls import allocation, curation, fees
from marketplace.stalls._common import StallError, StallTaken, change_status, tell_vendor
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    DECLINED,
    RESUBMIT,
    STALL_HOLDING,
    UNDECIDED,
    WAITLISTED,
    MarketDay,
    Stall,
    StallApplication,
)
from notifications.services import N_


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
    applications = {a.id: a for a in curation.day_applications(day)}
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
    queue = curation.day_queue(day)
    if stall.id not in {s.id for s in queue.free_stalls}:
        return None
    waiting = [c for c in allocation.queue(curation.candidates(queue.applications, queue.history)) if c.zone == stall.zone]
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
