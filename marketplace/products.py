"""Products of a business: add, edit, sold out in one tap, reorder, remove.
Plain functions that take the acting user (a member of the business, checked by
the caller); they flush, the caller commits."""
from __future__ import annotations

from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from marketplace import search
from marketplace._common import MarketError
from marketplace.models import MAX_PRICE, UNITS, Business, Product
from notifications.services import N_

EDITABLE_FIELDS = ("name", "description", "price", "unit", "tags")
MAX_PRODUCTS = 200


def normalise_tags(raw: str | None) -> str:
    """``"Se'i, Babi ,babi"`` → ``"se'i,babi"``: lower case, no repeats, at most ten."""
    tags: list[str] = []
    for tag in (raw or "").split(","):
        tag = " ".join(tag.split()).lower()[:30]
        if tag and tag not in tags:
            tags.append(tag)
    return ",".join(tags[:10])


def _apply(product: Product, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(product, name, data[name])
    if not isinstance(product.price, int) or not 0 <= product.price <= MAX_PRICE:
        raise MarketError(N_("Harga antara Rp 0 dan Rp 100.000.000."))
    if product.unit not in UNITS:
        raise MarketError(N_("Pilih satuan dari daftar."))
    product.description = product.description or ""
    product.tags = normalise_tags(product.tags)
    product.search_text = search.search_text(product.name, product.description, product.tags.replace(",", " "))


def add_product(actor: User, business: Business, data: dict) -> Product:
    """Add a product at the end of the business's list."""
    count, last = db.session.execute(
        select(func.count(Product.id), func.max(Product.position)).where(Product.business_id == business.id)
    ).one()
    if count >= MAX_PRODUCTS:
        raise MarketError(N_("Satu usaha paling banyak punya 200 produk."))
    product = Product(business_id=business.id, position=(last or 0) + 1)
    _apply(product, data)
    db.session.add(product)
    db.session.flush()
    return product


def update_product(actor: User, product: Product, data: dict) -> None:
    _apply(product, data)
    db.session.flush()


def set_sold_out(actor: User, product: Product, sold_out: bool) -> None:
    """Mark the product sold out (or in stock again) in one tap."""
    product.sold_out = bool(sold_out)
    db.session.flush()


def move_product(actor: User, product: Product, direction: int) -> None:
    """Swap the product with its neighbour above (``-1``) or below (``+1``)."""
    siblings = list(db.session.scalars(
        select(Product).where(Product.business_id == product.business_id).order_by(Product.position, Product.id)
    ))
    index = siblings.index(product)
    other = index + (1 if direction > 0 else -1)
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        item.position = position
    db.session.flush()


def remove_product(actor: User, product: Product) -> None:
    """Delete the product and its photos (rows now, files after the commit)."""
    from marketplace.photos import remove_photos_of_product

    remove_photos_of_product(product)
    db.session.delete(product)
    db.session.flush()


def get_product(product_id: int) -> Product | None:
    return db.session.get(Product, product_id)
