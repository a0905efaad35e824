"""Personal data: the member's marketplace export (their businesses, products and
photos), and what account deletion removes: every business they run alone, with
its products, photos (files included) and sales log; their place in businesses
they share. The receivers in ``handlers.py`` call these."""
from __future__ import annotations

import base64

from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.models import User
from core.extensions import db
from core.uploads import StoredFile, read_stored
from marketplace.models import Business, BusinessMember, MarketPhoto, Product, SalesWeek
from marketplace.photos import remove_photos_of_business


def _memberships(user: User) -> list[BusinessMember]:
    return list(db.session.scalars(
        select(BusinessMember).where(BusinessMember.user_id == user.id).order_by(BusinessMember.id)
    ))


def businesses_run_alone(user: User) -> list[Business]:
    """Businesses where ``user`` is the only accepted member (deleted with the account)."""
    alone = []
    for membership in _memberships(user):
        business = membership.business
        if membership.accepted_at is not None and business.member_ids() == {user.id}:
            alone.append(business)
    return alone


def _photo(photo: MarketPhoto, files: dict[str, StoredFile], user: User) -> dict:
    data = {"kind": photo.kind, "product_id": photo.product_id, "width": photo.large_width,
            "height": photo.large_height, "uploaded_by_you": photo.uploaded_by_id == user.id,
            "created_at": photo.created_at.isoformat()}
    stored = files.get(photo.large_key)
    if stored is not None and photo.uploaded_by_id == user.id:
        try:
            data["webp_base64"] = base64.b64encode(read_stored(stored)).decode()
        except FileNotFoundError:
            data["webp_base64"] = None
    return data


def export_for(user: User) -> dict | None:
    """The businesses ``user`` runs or was invited to, with products, photos (the
    ones they uploaded as WebP, base64) and the sales log. Staff notes are not
    included: they are the staff's working notes, not the member's data."""
    memberships = _memberships(user)
    if not memberships:
        return None
    ids = [m.business_id for m in memberships]
    products = list(db.session.scalars(select(Product).where(Product.business_id.in_(ids))
                                       .order_by(Product.business_id, Product.position)))
    photos = list(db.session.scalars(select(MarketPhoto).where(MarketPhoto.business_id.in_(ids))
                                     .order_by(MarketPhoto.id)))
    files = {f.key: f for f in db.session.scalars(
        select(StoredFile).where(StoredFile.key.in_([p.large_key for p in photos])))}
    weeks = list(db.session.scalars(select(SalesWeek).where(SalesWeek.business_id.in_(ids))
                                    .order_by(SalesWeek.week_start)))
    out = []
    for membership in memberships:
        b = membership.business
        out.append({
            "name": b.name, "category": b.category, "description": b.description, "story": b.story,
            "regency": b.regency, "address": b.address, "only_at_market": b.only_at_market,
            "whatsapp": b.whatsapp, "opening_hours": b.opening_hours, "nib": b.nib,
            "delivers": b.delivers, "cash_on_delivery": b.cash_on_delivery, "stall_only": b.stall_only,
            "status": b.status, "review_note": b.review_note, "paused": b.paused,
            "suspended": b.suspended, "suspended_reason": b.suspended_reason,
            "verified": b.verified, "returnee": b.returnee, "created_at": b.created_at.isoformat(),
            "your_role": membership.role,
            "you_accepted_at": membership.accepted_at.isoformat() if membership.accepted_at else None,
            "products": [
                {"id": p.id, "name": p.name, "description": p.description, "price_rupiah": p.price,
                 "unit": p.unit, "tags": p.tag_list, "sold_out": p.sold_out}
                for p in products if p.business_id == b.id
            ],
            "photos": [_photo(p, files, user) for p in photos if p.business_id == b.id],
            "sales_weeks": [
                {"week_start": w.week_start.isoformat(), "turnover_rupiah": w.turnover,
                 "items_sold": w.items_sold, "note": w.note}
                for w in weeks if w.business_id == b.id
            ],
        })
    return {"businesses": out}


def deletion_note(user: User) -> str | None:
    """What the deletion page says before the member decides."""
    alone = businesses_run_alone(user)
    if not alone:
        return None
    names = ", ".join(b.name for b in alone)
    return _("Usaha yang Anda kelola sendiri akan dihapus bersama produk, foto, dan catatan "
             "penjualannya: %(names)s. Jika ingin usaha tetap ada, undang anggota keluarga "
             "sebagai pengelola dulu.", names=names)


def erase_for(user: User) -> None:
    """Account deletion: remove every business run alone (photo files after the
    commit) and the member's place in shared ones; forget who uploaded or recorded."""
    for business in businesses_run_alone(user):
        remove_photos_of_business(business)
        db.session.delete(business)
    db.session.flush()
    for membership in _memberships(user):
        db.session.delete(membership)
    db.session.flush()
    db.session.execute(update(MarketPhoto).where(MarketPhoto.uploaded_by_id == user.id)
                       .values(uploaded_by_id=None).execution_options(synchronize_session=False))
    db.session.execute(update(SalesWeek).where(SalesWeek.recorded_by_id == user.id)
                       .values(recorded_by_id=None).execution_options(synchronize_session=False))
    db.session.flush()
