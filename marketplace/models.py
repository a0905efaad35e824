"""Marketplace: businesses run by members (often returned migrant workers), the
people who run them, their products, photos, staff notes and the weekly sales log.

A business is public only while ``status == "approved"`` and it is neither paused
by its owner nor suspended by staff (``Business.public_clause()``); every public
query (pages, search, sitemap, product URLs) goes through that clause.
Prices are whole rupiah (integers). ``*_at`` columns are UTC.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    column,
    event,
    func,
    insert,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

# Categories (codes; labels in marketplace/labels.py).
CATEGORIES = ("kuliner", "kerajinan", "fashion", "hasil_bumi", "jasa", "lainnya")

# Review status of a business.
PENDING = "pending"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
DECLINED = "declined"
STATUSES = (PENDING, CHANGES_REQUESTED, APPROVED, DECLINED)

# Membership roles.
OWNER = "owner"
MEMBER = "member"

UNITS = ("piece", "kg", "pack", "portion", "bottle", "meter", "sheet", "hour", "service")

MAX_PRICE = 100_000_000  # Rp 100 juta: anything above is a typing mistake here

PHOTO_BUSINESS = "business"
PHOTO_PRODUCT = "product"
PHOTO_QRIS = "qris"


def _search_index(name: str) -> Index:
    """PostgreSQL full-text index over ``search_text`` (SQLite uses FTS5, search.py)."""
    return Index(
        name,
        func.to_tsvector(literal_column("'simple'::regconfig"), column("search_text")),
        postgresql_using="gin",
    ).ddl_if(dialect="postgresql")


class Business(db.Model):
    """A small business with its shop window on the market pages."""

    __tablename__ = "market_businesses"
    __table_args__ = (
        Index("ix_market_businesses_public", "status", "paused", "suspended", "created_at"),
        # The staff review queue's order within a status (review.review_queue).
        Index("ix_market_businesses_review", "status", "created_at", "id"),
        # The market home's newest returnee businesses, read backwards (browsing.returnee_businesses).
        Index("ix_market_businesses_returnee", "returnee", "status", "approved_at", "id"),
        Index("ix_market_businesses_category", "category", "regency"),
        _search_index("ix_market_businesses_search"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    # The optional story: from migrant work to business.
    story: Mapped[str | None] = mapped_column(Text)
    regency: Mapped[str] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    only_at_market: Mapped[bool] = mapped_column(default=False)
    whatsapp: Mapped[str] = mapped_column(String(20))  # E.164
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    nib: Mapped[str | None] = mapped_column(String(13))  # Nomor Induk Berusaha, 13 digits
    delivers: Mapped[bool] = mapped_column(default=False)
    cash_on_delivery: Mapped[bool] = mapped_column(default=False)
    stall_only: Mapped[bool] = mapped_column(default=False)

    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    # The staff's last note to the owner (changes asked for, or the reason for declining).
    review_note: Mapped[str | None] = mapped_column(String(1000))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused: Mapped[bool] = mapped_column(default=False)
    suspended: Mapped[bool] = mapped_column(default=False)
    suspended_reason: Mapped[str | None] = mapped_column(String(1000))
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified: Mapped[bool] = mapped_column(default=False)
    # Badge "Purna PMI": run by a returned migrant worker (set by staff).
    returnee: Mapped[bool] = mapped_column(default=False)

    # Names, description and story, for search (kept by the services).
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list[BusinessMember]] = relationship(
        back_populates="business", cascade="all, delete-orphan", order_by="BusinessMember.id"
    )
    products: Mapped[list[Product]] = relationship(
        back_populates="business",
        cascade="all, delete-orphan",
        order_by="[Product.position, Product.id]",
    )

    @property
    def is_public(self) -> bool:
        return self.status == APPROVED and not self.paused and not self.suspended

    @classmethod
    def public_clause(cls):
        """The SQL condition for "shown to the public" (same as ``is_public``)."""
        return and_(cls.status == APPROVED, cls.paused.is_(False), cls.suspended.is_(False))

    def member_ids(self, accepted_only: bool = True) -> set[int]:
        return {
            m.user_id for m in self.members if m.accepted_at is not None or not accepted_only
        }


class BusinessMember(db.Model):
    """A person who runs a business. Added by phone number; counts only once accepted
    (the creator is accepted at once)."""

    __tablename__ = "market_business_members"
    __table_args__ = (UniqueConstraint("business_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("market_businesses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=MEMBER)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    business: Mapped[Business] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class BusinessNote(db.Model):
    """A UMKM staff member's internal note about a business (never shown to its members)."""

    __tablename__ = "market_business_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(
        ForeignKey("market_businesses.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class Product(db.Model):
    """Something a business sells, at a whole-rupiah price per unit."""

    __tablename__ = "market_products"
    __table_args__ = (
        Index("ix_market_products_business", "business_id", "position", "id"),
        Index("ix_market_products_created", "created_at"),
        _search_index("ix_market_products_search"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("market_businesses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(BigInteger)  # whole rupiah
    unit: Mapped[str] = mapped_column(String(20), default="piece")
    tags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, lower case
    sold_out: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # Product name, description and tags, for search (kept by the services).
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    business: Mapped[Business] = relationship(back_populates="products")

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]


# The listing order of search results (sold out last, newest first): a search for a
# common word walks it and stops after a page (browsing.search_products).
Index("ix_market_products_listing", Product.sold_out, Product.created_at.desc(), Product.id.desc())


class MarketPhoto(db.Model):
    """A photo of a business, of a product, or a business's QRIS code, stored through
    the shared upload pipeline (``core.uploads``) with two WebP variants; their
    storage keys and sizes are copied here so a list of photos needs no second query."""

    __tablename__ = "market_photos"
    __table_args__ = (
        Index("ix_market_photos_business", "business_id", "kind", "position"),
        Index("ix_market_photos_product", "product_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("market_businesses.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_products.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10), default=PHOTO_PRODUCT)
    # The re-encoded original (kept for the member's data export); its WebP variants
    # "thumb" (<= 40 KB) and "large" (<= 150 KB) are what pages show.
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL"), index=True
    )
    thumb_key: Mapped[str] = mapped_column(String(120))
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    large_key: Mapped[str] = mapped_column(String(120))
    large_width: Mapped[int]
    large_height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SalesWeek(db.Model):
    """One week of the optional sales log: turnover and items sold (private to the
    business's members and UMKM staff). ``week_start`` is the Monday (WITA)."""

    __tablename__ = "market_sales_weeks"
    __table_args__ = (UniqueConstraint("business_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("market_businesses.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date, index=True)
    turnover: Mapped[int] = mapped_column(BigInteger)  # whole rupiah
    items_sold: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MarketCacheState(db.Model):
    """One row (id 1): the version of everything the public market pages show
    (marketplace/cache.py raises it on every change)."""

    __tablename__ = "market_cache_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


@event.listens_for(MarketCacheState.__table__, "after_create")
def _first_cache_row(target, connection, **_kwargs):
    connection.execute(insert(target).values(id=1, version=0))


@event.listens_for(Product.__table__, "after_create")
def _product_search_index(_target, connection, **_kwargs):
    from marketplace.search import install_sqlite_index

    install_sqlite_index(connection, rebuild=True)
