"""Public market pages (no account needed): the market home with search and
filters, a business's page, a product's page, the WhatsApp order link."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import browsing
from marketplace.blueprint import bp
from marketplace.labels import UNIT_LABELS, rupiah
from marketplace.models import CATEGORIES, Business, Product
from marketplace.whatsapp import order_text, wa_link

MAX_QUANTITY = 999


def order_link(business: Business, product: Product | None = None, quantity: int = 1,
               buyer: str | None = None) -> str | None:
    """The wa.me link for an order of ``quantity`` × ``product`` (or a plain hello)."""
    greeting = _("Halo %(business)s, saya lihat di Pasar Rumah Purna.", business=business.name)
    lines: list[str] = []
    if product is not None:
        unit = UNIT_LABELS.get(product.unit, product.unit)
        lines.append(_("Saya mau pesan: %(quantity)s × %(product)s (%(price)s %(unit)s)",
                       quantity=quantity, product=product.name, price=rupiah(product.price), unit=unit))
    buyer_line = _("Nama saya: %(name)s", name=buyer) if buyer else None
    return wa_link(business.whatsapp, order_text(greeting=greeting, lines=lines, buyer_line=buyer_line))


@bp.app_template_global()
def market_order_link(business, product=None):
    buyer = current_user.name if current_user.is_authenticated else None
    return order_link(business, product, 1, buyer)


@bp.route("/")
def index():
    return render_template(
        "marketplace/index.html",
        categories=CATEGORIES,
        products=(products := browsing.newest_products()),
        photos=browsing.first_photos([p.id for p in products]),
        returnees=browsing.returnee_businesses(),
    )


@bp.route("/usaha/<int:business_id>")
def business_detail(business_id: int):
    business = browsing.public_business(business_id)
    if business is None:
        abort(404)
    page = browsing.business_page(business)
    return render_template("marketplace/business_detail.html", page=page, business=business)


@bp.route("/produk/<int:product_id>")
def product_detail(product_id: int):
    product = browsing.public_product(product_id)
    if product is None:
        abort(404)
    photos = browsing.first_photos([product.id])
    return render_template("marketplace/product_detail.html", product=product,
                           business=product.business, photo=photos.get(product.id))


@bp.route("/produk/<int:product_id>/pesan")
def order_product(product_id: int):
    """The order form's target (a GET, works without JavaScript): on to WhatsApp
    with the product, quantity, unit price and the buyer's name."""
    product = browsing.public_product(product_id)
    if product is None:
        abort(404)
    try:
        quantity = int(request.args.get("jumlah", "1"))
    except ValueError:
        quantity = 1
    quantity = min(max(quantity, 1), MAX_QUANTITY)
    buyer = " ".join((request.args.get("nama") or "").split())[:80] or None
    link = order_link(product.business, product, quantity, buyer)
    if link is None:
        return redirect(url_for("marketplace.product_detail", product_id=product.id))
    return redirect(link)
