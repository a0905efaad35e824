"""What the public sees: the market home, search with filters, a business's page
and a product's page. Every query here goes through ``Business.public_clause()``,
so pending, declined, paused or suspended businesses never show, not even through
a product's URL."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_, select, union_all
from sqlalchemy.orm import contains_eager

from core.db import paginated
from core.extensions import db
from marketplace import search
from marketplace.models import (
    PHOTO_BUSINESS,
    PHOTO_PRODUCT,
    PHOTO_QRIS,
    Business,
    MarketPhoto,
    Product,
)

NEWEST_PRODUCTS = 12
RETURNEE_BUSINESSES = 6
PER_PAGE = 20
# Up to this many products found by the words are looked up by id; more are
# filtered while walking the products in listing order (browsing.search_products).
FEW_MATCHES = 500
# For more, the first listing rows are matched one by one: this many rows per
# product wanted (down to the page's end), at most MAX_WINDOW rows; when they hold
# too few matches the whole id lists are asked for.
WINDOW_PER_PRODUCT = 20
MAX_WINDOW = 1000


@dataclass
class Filters:
    """Search filters from the query string (already validated by the form)."""

    query: str = ""
    category: str | None = None
    regency: str | None = None
    delivers: bool = False
    cash_on_delivery: bool = False
    min_price: int | None = None
    max_price: int | None = None

    @property
    def active(self) -> bool:
        return bool(
            search.terms(self.query) or self.category or self.regency or self.delivers
            or self.cash_on_delivery or self.min_price is not None or self.max_price is not None
        )

    def business_clauses(self) -> list:
        """The conditions on the business (category, regency, delivery, cash on
        delivery) that both the product and the business search apply."""
        clauses = []
        if self.category:
            clauses.append(Business.category == self.category)
        if self.regency:
            clauses.append(Business.regency == self.regency)
        if self.delivers:
            clauses.append(Business.delivers.is_(True))
        if self.cash_on_delivery:
            clauses.append(Business.cash_on_delivery.is_(True))
        return clauses

    def product_clauses(self) -> list:
        """The conditions on the product itself (its price range)."""
        clauses = []
        if self.min_price is not None:
            clauses.append(Product.price >= self.min_price)
        if self.max_price is not None:
            clauses.append(Product.price <= self.max_price)
        return clauses


def _public_products():
    return (
        select(Product)
        .join(Product.business)
        .where(Business.public_clause())
        .options(contains_eager(Product.business))
    )


def _first_photo_each(owner_column, owner_ids: list[int], kind: str) -> dict[int, MarketPhoto]:
    """The first photo (by position) of each owner, in one query."""
    if not owner_ids:
        return {}
    photos: dict[int, MarketPhoto] = {}
    rows = db.session.scalars(
        select(MarketPhoto)
        .where(owner_column.in_(owner_ids), MarketPhoto.kind == kind)
        .order_by(owner_column, MarketPhoto.position, MarketPhoto.id)
    )
    for photo in rows:
        photos.setdefault(getattr(photo, owner_column.key), photo)
    return photos


def first_photos(product_ids: list[int]) -> dict[int, MarketPhoto]:
    """The first photo of each product, in one query."""
    return _first_photo_each(MarketPhoto.product_id, product_ids, PHOTO_PRODUCT)


def business_cover_photos(business_ids: list[int]) -> dict[int, MarketPhoto]:
    """The first photo of each business, in one query."""
    return _first_photo_each(MarketPhoto.business_id, business_ids, PHOTO_BUSINESS)


def product_photos(product: Product) -> list[MarketPhoto]:
    return list(db.session.scalars(
        select(MarketPhoto).where(MarketPhoto.product_id == product.id, MarketPhoto.kind == PHOTO_PRODUCT)
        .order_by(MarketPhoto.position, MarketPhoto.id)
    ))


def newest_products(limit: int = NEWEST_PRODUCTS) -> list[Product]:
    statement = _public_products().order_by(Product.created_at.desc(), Product.id.desc())
    return list(db.session.scalars(statement.limit(limit)).unique())


def returnee_businesses(limit: int = RETURNEE_BUSINESSES) -> list[Business]:
    return list(db.session.scalars(
        select(Business)
        .where(Business.public_clause(), Business.returnee.is_(True))
        .order_by(Business.approved_at.desc(), Business.id.desc())
        .limit(limit)
    ))


def _few_matching_products(words: list[str]) -> set[int] | None:
    """The ids of every product the words find (in its own text or its business's),
    when there are at most ``FEW_MATCHES``; ``None`` when there are more.

    One bounded statement on the full-text indexes: a rare word then costs a
    lookup of those few products instead of a walk through every product in
    listing order, and a common one stops after ``FEW_MATCHES`` ids."""
    own = search.matching_ids(Product, words)
    of_business = select(Product.id).where(
        Product.business_id.in_(search.matching_ids(Business, words))
    )
    ids = db.session.scalars(union_all(own, of_business).limit(FEW_MATCHES + 1)).all()
    return set(ids) if len(ids) <= FEW_MATCHES else None


def _listing_order():
    return (Product.sold_out, Product.created_at.desc(), Product.id.desc())


def _first_matches_in_window(filters: Filters, words: list[str], wanted: int):
    """A SELECT of the ids of the first ``wanted`` matching products in listing order,
    looking only at the first rows of the (filtered, public) listing: bounded work
    however many products the words find. It holds fewer than ``wanted`` ids when
    the window holds fewer matches (the caller then asks the id lists)."""
    size = min(max(wanted * WINDOW_PER_PRODUCT, wanted), MAX_WINDOW)
    window = (
        select(Product.id, Product.business_id, Product.search_text.label("product_text"),
               Business.search_text.label("business_text"))
        .join(Product.business)
        .where(Business.public_clause(), *filters.business_clauses(), *filters.product_clauses())
        .order_by(*_listing_order()).limit(size)
        .subquery("window")
    )
    return select(window.c.id).where(search.row_matches(window, words)).limit(wanted)


def search_products(filters: Filters, page: int, per_page: int | None = None) -> tuple[list[Product], bool]:
    """Products of public businesses matching the words (in the product's or its
    business's name and description) and the filters, newest first.
    Returns ``(products, has_next)``."""
    per_page = per_page or PER_PAGE
    offset = (page - 1) * per_page
    statement = _public_products().where(*filters.business_clauses(), *filters.product_clauses())
    statement = paginated(statement.order_by(*_listing_order()), per_page + 1, offset)
    words = search.terms(filters.query)
    if words:
        few = _few_matching_products(words)
        if few is not None:
            statement = statement.where(Product.id.in_(few)) if few else statement.where(false())
        else:  # many: the page is most likely among the first listing rows
            rows = list(db.session.scalars(statement.where(
                Product.id.in_(_first_matches_in_window(filters, words, offset + per_page + 1))
            )).unique())
            if len(rows) > per_page:  # the window held the page and one more: exactly these
                return rows[:per_page], True
            # Too few in the window: walked in listing order (ix_market_products_listing)
            # against the whole id lists, stopping after a page.
            statement = statement.where(or_(
                Product.id.in_(search.matching_ids(Product, words)),
                Product.business_id.in_(search.matching_ids(Business, words)),
            ))
    rows = list(db.session.scalars(statement).unique())
    return rows[:per_page], len(rows) > per_page


def search_businesses(filters: Filters, limit: int = 5) -> list[Business]:
    """Public businesses whose own name or description matches (shown above the products)."""
    words = search.terms(filters.query)
    if not words:
        return []
    statement = select(Business).where(
        Business.public_clause(), search.matches(Business, words), *filters.business_clauses()
    )
    return list(db.session.scalars(statement.order_by(Business.name).limit(limit)))


def public_business(business_id: int) -> Business | None:
    """The business if it is public, else ``None`` (the view answers 404)."""
    return db.session.scalar(
        select(Business).where(Business.id == business_id, Business.public_clause())
    )


def public_product(product_id: int) -> Product | None:
    """The product if its business is public, else ``None``."""
    return db.session.scalar(_public_products().where(Product.id == product_id))


@dataclass
class BusinessPage:
    business: Business
    products: list[Product]
    product_photos: dict[int, MarketPhoto]
    business_photos: list[MarketPhoto]
    qris: MarketPhoto | None


def business_page(business: Business) -> BusinessPage:
    """Everything the business page shows, in a fixed number of queries."""
    products = list(db.session.scalars(
        select(Product).where(Product.business_id == business.id).order_by(Product.position, Product.id)
    ))
    photos = list(db.session.scalars(
        select(MarketPhoto).where(MarketPhoto.business_id == business.id)
        .order_by(MarketPhoto.position, MarketPhoto.id)
    ))
    product_photos: dict[int, MarketPhoto] = {}
    business_photos: list[MarketPhoto] = []
    qris = None
    for photo in photos:
        if photo.kind == PHOTO_PRODUCT and photo.product_id is not None:
            product_photos.setdefault(photo.product_id, photo)
        elif photo.kind == PHOTO_BUSINESS:
            business_photos.append(photo)
        elif photo.kind == PHOTO_QRIS and qris is None:
            qris = photo
    return BusinessPage(business, products, product_photos, business_photos, qris)


def sitemap_entries() -> tuple[list[tuple[int, object]], list[tuple[int, object]]]:
    """``(business id, updated_at)`` and ``(product id, updated_at)`` of public ones."""
    businesses = db.session.execute(
        select(Business.id, Business.updated_at).where(Business.public_clause()).order_by(Business.id)
    ).all()
    products = db.session.execute(
        select(Product.id, Product.updated_at).join(Product.business)
        .where(Business.public_clause()).order_by(Product.id)
    ).all()
    return [tuple(r) for r in businesses], [tuple(r) for r in products]
