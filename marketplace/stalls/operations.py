"""Market-day operations on a staff phone: the day's list by stall, check-in,
no-shows (they lower priority), and a waiting vendor moved into a stall left
empty (told at once)."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.db import utcnow
from marketplace.stalls import fees
from marketplace.stalls._common import StallError, StallTaken, change_status, tell_vendor
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    ATTENDED,
    NO_SHOW,
    WAITLISTED,
    Stall,
    StallApplication,
)
from notifications.services import N_


def check_in(actor: User, application: StallApplication) -> None:
    """The vendor is at the stall."""
    change_status(application, (APPROVED,), ATTENDED, checked_in_at=utcnow())


def mark_no_show(actor: User, application: StallApplication) -> None:
    """The vendor did not come; this lowers their priority next time."""
    change_status(application, (APPROVED,), NO_SHOW, decided_by_id=actor.id)
    fees.application_closed(application, "no-show")
    tell_vendor(application, "no-show", N_("Anda tercatat tidak hadir"),
                N_("%(business)s tercatat tidak hadir di lapak hari ini. Bila ada kekeliruan, hubungi petugas UMKM."))


def move_into(actor: User, application: StallApplication, stall: Stall) -> None:
    """Give an empty stall to a waiting vendor on the day itself; told at once."""
    if stall.market_id != application.market_id:
        raise StallError(N_("Lapak ini bukan bagian dari pasar itu."))
    try:
        change_status(application, (WAITLISTED, APPLIED), APPROVED, stall_id=stall.id,
                      decided_by_id=actor.id, decided_at=utcnow())
    except IntegrityError:
        raise StallTaken() from None
    fees.application_approved(application, urgent=True)
