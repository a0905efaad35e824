"""Businesses from their members' side: register, edit, family members (invited by
phone, counted once they accept), pause for a holiday, send back for review.
Plain functions that take the acting user; they flush, the caller commits."""
from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.home import USER_ID
from core.links import site_path
from marketplace import search
from marketplace._common import MarketError, change_flag, change_status
from marketplace.models import (
    APPROVED,
    CHANGES_REQUESTED,
    MEMBER,
    OWNER,
    PENDING,
    Business,
    BusinessMember,
)
from notifications.services import N_, notify

EDITABLE_FIELDS = (
    "name", "category", "description", "story", "regency", "address", "only_at_market",
    "whatsapp", "opening_hours", "nib", "delivers", "cash_on_delivery", "stall_only",
)
_OPTIONAL_TEXT = ("story", "address", "opening_hours", "nib")


def _apply(business: Business, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            if name in _OPTIONAL_TEXT and isinstance(value, str):
                value = value.strip() or None
            setattr(business, name, value)
    if business.only_at_market and not business.address:
        business.address = None
    business.search_text = search.search_text(business.name, business.description, business.story)


def register_business(actor: User, data: dict) -> Business:
    """A member registers a business; it waits for UMKM staff review (``pending``)."""
    business = Business(status=PENDING, created_by_id=actor.id, description="")
    _apply(business, data)
    business.members.append(
        BusinessMember(user_id=actor.id, user=actor, role=OWNER, accepted_at=utcnow())
    )
    db.session.add(business)
    db.session.flush()
    return business


def update_business(actor: User, business: Business, data: dict) -> None:
    """A member edits the business's details (the caller checked ``can_edit_business``)."""
    _apply(business, data)
    db.session.flush()


def resubmit_business(actor: User, business: Business) -> None:
    """After staff asked for changes, the member sends the business back for review."""
    change_status(business, (CHANGES_REQUESTED,), PENDING)


def pause_business(actor: User, business: Business) -> None:
    """The owner closes the shop window for a while (holiday); it leaves every public page."""
    if business.status != APPROVED:
        raise MarketError(N_("Hanya usaha yang sudah disetujui yang bisa diliburkan."))
    change_flag(business, "paused", False, True)


def unpause_business(actor: User, business: Business) -> None:
    """Open the shop window again after a pause."""
    change_flag(business, "paused", True, False)


def businesses_of(user: User, include_invitations: bool = False) -> list[Business]:
    """The businesses ``user`` runs (accepted memberships), newest first."""
    statement = (
        select(Business)
        .join(BusinessMember, BusinessMember.business_id == Business.id)
        .where(BusinessMember.user_id == user.id)
        .order_by(Business.created_at.desc(), Business.id.desc())
    )
    if not include_invitations:
        statement = statement.where(BusinessMember.accepted_at.is_not(None))
    return list(db.session.scalars(statement).unique())


def get_business(business_id: int) -> Business | None:
    return db.session.get(Business, business_id)


def invitation_statement():
    """The newest invitation the viewer has not answered, as one row ``(id, name)``,
    for the member home (``core.home.home_query``)."""
    return (
        select(Business.id, Business.name)
        .join(BusinessMember, BusinessMember.business_id == Business.id)
        .where(BusinessMember.user_id == USER_ID(), BusinessMember.accepted_at.is_(None))
        .order_by(Business.created_at.desc(), Business.id.desc())
        .limit(1)
    )


def sent_back_statement():
    """The newest business the viewer runs that the staff sent back for changes, as one
    row ``(id, name)``, for the member home."""
    return (
        select(Business.id, Business.name)
        .join(BusinessMember, BusinessMember.business_id == Business.id)
        .where(BusinessMember.user_id == USER_ID(), BusinessMember.accepted_at.is_not(None),
               Business.status == "changes_requested")
        .order_by(Business.created_at.desc(), Business.id.desc())
        .limit(1)
    )


def pending_invitations(user: User) -> list[BusinessMember]:
    """Invitations to run a business together that ``user`` has not answered yet."""
    return list(db.session.scalars(
        select(BusinessMember)
        .where(BusinessMember.user_id == user.id, BusinessMember.accepted_at.is_(None))
        .order_by(BusinessMember.id)
    ))


def invite_member(actor: User, business: Business, phone: str) -> BusinessMember:
    """Invite a family member by phone number; they must accept before they count.

    Refused for an unknown number with the same words as for a known one that is
    already a member, so the form never tells whether a number has an account.
    """
    user = db.session.scalar(select(User).where(User.phone == phone, User.deleted_at.is_(None)))
    if user is None or any(m.user_id == user.id for m in business.members):
        raise MarketError(N_(
            "Undangan tidak bisa dikirim ke nomor ini. Pastikan dia sudah punya akun "
            "Rumah Purna dengan nomor ini dan belum menjadi anggota usaha."
        ))
    membership = BusinessMember(business=business, user_id=user.id, user=user, role=MEMBER,
                                invited_by_id=actor.id)
    db.session.add(membership)
    db.session.flush()
    notify(
        user,
        key=f"market-invite:{membership.id}",
        title=N_("Undangan mengelola usaha"),
        body=N_("%(name)s mengajak Anda ikut mengelola usaha %(business)s. Buka untuk menerima atau menolak."),
        params={"name": actor.name, "business": business.name},
        url=site_path("marketplace.my_businesses"),
    )
    return membership


def answer_invitation(actor: User, membership: BusinessMember, accept: bool) -> None:
    """The invited member accepts (becomes a member) or declines (the invitation goes)."""
    if membership.user_id != actor.id or membership.accepted_at is not None:
        raise MarketError(N_("Undangan ini sudah tidak berlaku."))
    if accept:
        membership.accepted_at = utcnow()
    else:
        db.session.delete(membership)
    db.session.flush()


def remove_member(actor: User, business: Business, membership: BusinessMember) -> None:
    """Remove a member (or withdraw an invitation). The last accepted member stays."""
    accepted = [m for m in business.members if m.accepted_at is not None]
    if membership.accepted_at is not None and len(accepted) <= 1:
        raise MarketError(N_("Usaha harus punya paling sedikit satu pengelola."))
    business.members.remove(membership)
    db.session.flush()

