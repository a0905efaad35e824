"""Photos of businesses and products and a business's QRIS image, through the
shared upload pipeline (``core.uploads``): type checked by content, re-encoded
(EXIF and GPS dropped), two WebP variants under byte caps (thumbnail <= 40 KB,
large <= 150 KB). Plain functions that take the acting user; they flush, the
caller commits (files of a rolled-back upload are removed by the pipeline)."""
from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from accounts.models import User
from core.extensions import db
from core.uploads import IMAGE, PRODUCT_PHOTO_VARIANTS, StoredFile, delete_stored_ids, save_upload
from marketplace._common import MarketError
from marketplace.models import (
    PHOTO_BUSINESS,
    PHOTO_PRODUCT,
    PHOTO_QRIS,
    Business,
    MarketPhoto,
    Product,
)
from notifications.services import N_

OWNER = "marketplace"
MAX_PHOTOS = 6  # per product, and per business


def add_photo(actor: User, business: Business, file: FileStorage | bytes, *, kind: str = PHOTO_PRODUCT,
              product: Product | None = None) -> MarketPhoto:
    """Store one photo. A QRIS image replaces the business's previous one.

    Raises ``UploadRefused`` (wrong type, bomb, too large) or ``MarketError``.
    """
    if kind == PHOTO_PRODUCT and (product is None or product.business_id != business.id):
        raise ValueError("a product photo needs the business's product")
    if kind == PHOTO_QRIS:
        remove_photos(select(MarketPhoto.id).where(
            MarketPhoto.business_id == business.id, MarketPhoto.kind == PHOTO_QRIS))
    else:
        count_query = select(func.count(MarketPhoto.id)).where(MarketPhoto.kind == kind)
        if product is not None:
            count_query = count_query.where(MarketPhoto.product_id == product.id)
        else:
            count_query = count_query.where(MarketPhoto.business_id == business.id)
        if db.session.scalar(count_query) >= MAX_PHOTOS:
            raise MarketError(N_("Paling banyak 6 foto. Hapus satu dulu untuk menambah."))
    stored = save_upload(file, owner=OWNER, user=actor, accept={IMAGE}, variants=PRODUCT_PHOTO_VARIANTS)
    thumb, large = stored.variant_named("thumb"), stored.variant_named("large")
    last = db.session.scalar(select(func.max(MarketPhoto.position)).where(
        MarketPhoto.business_id == business.id, MarketPhoto.kind == kind,
        MarketPhoto.product_id == (product.id if product is not None else None)))
    photo = MarketPhoto(
        business_id=business.id, product_id=product.id if product is not None else None, kind=kind,
        file_id=stored.id, thumb_key=thumb.key, thumb_width=thumb.width, thumb_height=thumb.height,
        large_key=large.key, large_width=large.width, large_height=large.height,
        position=(last or 0) + 1, uploaded_by_id=actor.id,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def remove_photo(actor: User, photo: MarketPhoto) -> None:
    """Delete a photo: its row now, its files once the transaction commits."""
    remove_photos(select(MarketPhoto.id).where(MarketPhoto.id == photo.id))


def remove_photos(photo_ids_query) -> int:
    """Delete the photos selected by ``photo_ids_query`` (a SELECT of ids) and their
    stored files. Used for one photo, a product, a business or an account."""
    photos = list(db.session.scalars(select(MarketPhoto).where(MarketPhoto.id.in_(photo_ids_query))))
    file_ids = [p.file_id for p in photos]
    for photo in photos:
        db.session.delete(photo)
    db.session.flush()
    delete_stored_ids(file_ids)
    return len(photos)


def remove_photos_of_product(product: Product) -> int:
    return remove_photos(select(MarketPhoto.id).where(MarketPhoto.product_id == product.id))


def remove_photos_of_business(business: Business) -> int:
    return remove_photos(select(MarketPhoto.id).where(MarketPhoto.business_id == business.id))


def photos_of(business: Business) -> list[MarketPhoto]:
    return list(db.session.scalars(
        select(MarketPhoto).where(MarketPhoto.business_id == business.id)
        .order_by(MarketPhoto.kind, MarketPhoto.product_id, MarketPhoto.position, MarketPhoto.id)
    ))


def stored_file_for(photo: MarketPhoto, size: str) -> StoredFile | None:
    """The stored WebP of ``photo`` in ``size`` (``thumb`` or ``large``)."""
    key = photo.thumb_key if size == "thumb" else photo.large_key
    return db.session.scalar(select(StoredFile).where(StoredFile.key == key))


KINDS = (PHOTO_BUSINESS, PHOTO_PRODUCT, PHOTO_QRIS)
