"""UMKM staff review of businesses: the queue, approve, ask for changes (with a
note), decline (with a reason), badges (verified, Purna PMI), internal notes,
suspend (with a reason) and lift a suspension. The owner is told each time.
Plain functions that take the acting user; they flush, the caller commits."""
from __future__ import annotations

from sqlalchemy import func, select

from accounts.models import User
from core.db import paginated, utcnow
from core.extensions import db
from marketplace._common import MarketError, change_flag, change_status, tell_members
from marketplace.models import (
    APPROVED,
    CHANGES_REQUESTED,
    DECLINED,
    PENDING,
    Business,
    BusinessNote,
)
from notifications.services import N_

REVIEWABLE = (PENDING, CHANGES_REQUESTED, DECLINED)


def _seen(business: Business, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The status the staff member saw, when the action is allowed from it: the
    change happens only from that status (two decisions at once: one wins)."""
    return (business.status,) if business.status in allowed else ()


QUEUE_PER_PAGE = 25


def review_queue(status: str = PENDING, page: int = 1,
                 per_page: int | None = None) -> tuple[list[Business], bool]:
    """One page of the businesses in ``status`` (oldest first: first come, first
    reviewed), read off ix_market_businesses_review; ``(businesses, has_next)``
    from one row more than shown (a page, not every business of that status)."""
    per_page = per_page or QUEUE_PER_PAGE
    rows = list(db.session.scalars(paginated(
        select(Business).where(Business.status == status).order_by(Business.created_at, Business.id),
        per_page + 1, (page - 1) * per_page,
    )))
    return rows[:per_page], len(rows) > per_page


def queue_counts() -> dict[str, int]:
    rows = db.session.execute(select(Business.status, func.count()).group_by(Business.status))
    return {status: count for status, count in rows}


def approve_business(actor: User, business: Business) -> None:
    """Publish the business; its members are told."""
    now = utcnow()
    change_status(business, _seen(business, REVIEWABLE), APPROVED, review_note=None, reviewed_at=now,
                  reviewed_by_id=actor.id, approved_at=business.approved_at or now)
    tell_members(
        business, "approved",
        N_("Usaha Anda sudah tampil di Pasar"),
        N_("%(business)s sudah disetujui petugas UMKM dan kini bisa dilihat pembeli."),
    )


def request_changes(actor: User, business: Business, note: str) -> None:
    """Send the business back to its members with a note of what to change."""
    if not note.strip():
        raise MarketError(N_("Tulis apa yang perlu diubah."))
    change_status(business, (PENDING,), CHANGES_REQUESTED, review_note=note.strip(),
                  reviewed_at=utcnow(), reviewed_by_id=actor.id)
    tell_members(
        business, "changes",
        N_("Usaha Anda perlu dilengkapi"),
        N_("Petugas UMKM meminta beberapa perubahan pada %(business)s. Buka untuk melihat pesannya."),
    )


def decline_business(actor: User, business: Business, reason: str) -> None:
    """Decline the business with a reason its members can read."""
    if not reason.strip():
        raise MarketError(N_("Tulis alasan penolakan."))
    change_status(business, _seen(business, (PENDING, CHANGES_REQUESTED)), DECLINED, review_note=reason.strip(),
                  reviewed_at=utcnow(), reviewed_by_id=actor.id)
    tell_members(
        business, "declined",
        N_("Usaha Anda belum bisa ditampilkan"),
        N_("Petugas UMKM belum bisa menampilkan %(business)s. Buka untuk membaca alasannya."),
    )


def set_badges(actor: User, business: Business, verified: bool, returnee: bool) -> None:
    """Mark the business as verified and/or run by a returned migrant worker."""
    business.verified = bool(verified)
    business.returnee = bool(returnee)
    db.session.flush()


def add_staff_note(actor: User, business: Business, body: str) -> BusinessNote:
    """An internal note about the business, for staff only."""
    note = BusinessNote(business_id=business.id, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    return note


def staff_notes(business: Business) -> list[BusinessNote]:
    return list(db.session.scalars(
        select(BusinessNote).where(BusinessNote.business_id == business.id)
        .order_by(BusinessNote.created_at.desc(), BusinessNote.id.desc())
    ))


def suspend_business(actor: User, business: Business, reason: str) -> None:
    """Take an approved business off the public pages, with a reason for its members."""
    if not reason.strip():
        raise MarketError(N_("Tulis alasan penangguhan."))
    change_flag(business, "suspended", False, True, suspended_reason=reason.strip(),
                suspended_at=utcnow())
    tell_members(
        business, "suspended",
        N_("Usaha Anda ditangguhkan"),
        N_("Petugas UMKM menangguhkan %(business)s untuk sementara. Buka untuk membaca alasannya."),
    )


def unsuspend_business(actor: User, business: Business) -> None:
    """Lift a suspension; the business shows again (if approved and not paused)."""
    change_flag(business, "suspended", True, False, suspended_reason=None, suspended_at=None)
    tell_members(
        business, "unsuspended",
        N_("Usaha Anda tampil lagi"),
        N_("Penangguhan %(business)s sudah dicabut."),
    )
