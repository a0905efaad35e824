"""Public market pages (no account needed): the market home, search with filters,
a business's page, a product's page, the WhatsApp order link, the sitemap and the
photo files. Every reader gets the rendered parts from ``cache`` (drawn as for an
anonymous visitor), with the buyer's name filled in per request (``buyer``) and
the layout around them drawn per request."""
from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from core.kept import LRU
from core.links import message_link
from core.read_only import read_only
from core.views_kit import page_arg
from marketplace import browsing, cache
from marketplace import buyer as buyer_bits
from marketplace.blueprint import bp
from marketplace.forms import SearchForm
from marketplace.labels import CATEGORY_LABELS, UNIT_LABELS, rupiah
from marketplace.models import CATEGORIES, Business, Product
from marketplace.signals_out import next_stall
from marketplace.whatsapp import order_text, wa_link

MAX_QUANTITY = 999
MAX_PAGE = 500
# A search is kept only when its words fit in this many characters (real ones do).
MAX_KEPT_QUERY = 40


def order_link(business: Business, product: Product | None = None, quantity: int = 1,
               buyer: str | None = None) -> str | None:
    """The wa.me link for an order of ``quantity`` × ``product`` (or a plain hello),
    in the reader's language, with the buyer's name when known."""
    greeting = _("Halo %(business)s, saya lihat di Pasar Rumah Purna.", business=business.name)
    lines: list[str] = []
    if product is not None:
        unit = UNIT_LABELS.get(product.unit, product.unit)
        lines.append(_("Saya mau pesan: %(quantity)s × %(product)s (%(price)s %(unit)s)",
                       quantity=quantity, product=product.name, price=rupiah(product.price), unit=unit))
        if quantity > 1:
            lines.append(_("Total: %(total)s", total=rupiah(product.price * quantity)))
    buyer_line = _("Nama saya: %(name)s", name=buyer) if buyer else None
    return wa_link(business.whatsapp, order_text(greeting=greeting, lines=lines, buyer_line=buyer_line))


def market_order_link(business, product=None, buyer=None):
    """Template helper: the wa.me link for one of ``product`` (or a hello)."""
    return order_link(business, product, 1, buyer)


_photo_paths: dict[tuple[str, str], tuple[str, str]] = {}


def market_photo_src(photo_id: int, size: str) -> str:
    """The path of a photo's WebP, built without ``url_for`` per photo (a page shows
    dozens): the rule's prefix and suffix are found once per mount point and size."""
    key = (request.script_root, size)
    parts = _photo_paths.get(key)
    if parts is None:
        marker = 918273645
        url = url_for("marketplace.photo_file", photo_id=marker, size=size)
        head, _found, tail = url.partition(str(marker))
        parts = _photo_paths[key] = (head, tail)
    return f"{parts[0]}{int(photo_id)}{parts[1]}"


def _buyer_name() -> str | None:
    return current_user.name if current_user.is_authenticated else None


def absolute(path: str) -> str:
    """``SITE_URL`` + ``path`` (never the request's host: these pages are kept and
    shown to everyone); the bare path when no ``SITE_URL`` is configured."""
    return message_link(path) or path


def render_parts(template: str, **context) -> dict:
    """Render a page's parts once, to be kept: the template sets ``title`` and
    ``head`` (Open Graph tags) and its output is the body. They are kept for every
    reader, so the templates see an anonymous ``current_user`` whoever asks (the
    layout, drawn per request, is where the reader shows)."""
    context.setdefault("current_user", current_app.login_manager.anonymous_user())
    current_app.update_template_context(context)
    module = current_app.jinja_env.get_template(template).make_module(context)
    return {"title": str(module.title).strip(), "head": Markup(str(module.head)),  # noqa: S704 (rendered, escaped)
            "body": Markup(str(module))}  # noqa: S704


def page_from_parts(parts: dict | None):
    if parts is None:
        abort(404)
    return render_template("marketplace/page.html", parts=parts)


@bp.route("/")
@read_only
def index():
    def render():
        products = browsing.newest_products()
        returnees = browsing.returnee_businesses()
        return render_parts(
            "marketplace/index.html",
            categories=CATEGORIES,
            products=products,
            photos=browsing.first_photos([p.id for p in products]),
            returnees=returnees,
            covers=browsing.business_cover_photos([b.id for b in returnees]),
            form=SearchForm(formdata=None), absolute=absolute,
        )

    # One page for everyone: the query string is not read.
    return page_from_parts(cache.cached(render, "home"))


# The form's fields: the only parameters that decide a search's canonical filters.
SEARCH_FIELDS = ("q", "kategori", "wilayah", "antar", "cod", "min", "maks")
MAX_CANONICAL = 1024
_canonical = LRU(MAX_CANONICAL)  # the values given -> the canonical filters


def _search_args() -> dict:
    """The query string's valid search filters, normalised (``SearchForm.query_args``):
    all a search page shows of the request, so its kept page's key. Unknown
    parameters and values that do not validate are left out.

    The answer depends only on the values given for the form's fields (its choices
    are fixed lists), so it is kept per those values: building and validating the
    form was a tenth of a kept search page's time. Bounded: a flood of made-up
    searches only makes the next one build its form again."""
    given = tuple(tuple(request.args.getlist(name)) for name in SEARCH_FIELDS)
    args = _canonical.get(given)
    if args is None:
        asked = SearchForm(request.args)
        asked.filters()
        args = {name: str(value) for name, value in asked.query_args().items()}
        _canonical.put(given, args)
    return dict(args)


@bp.route("/cari")
@read_only
def search():
    args = _search_args()
    page = page_arg(max_page=MAX_PAGE)

    def render():
        form = SearchForm(MultiDict(args))
        filters = form.filters()
        products, has_next = browsing.search_products(filters, page)
        businesses = browsing.search_businesses(filters) if page == 1 else []
        parts = render_parts(
            "marketplace/search.html",
            form=form, filters=filters, page=page, has_next=has_next,
            products=products, photos=browsing.first_photos([p.id for p in products]),
            businesses=businesses, args=args,
            category_name=CATEGORY_LABELS.get(filters.category or ""),
        )
        # Only short searches that find something are worth a place (junk finds
        # nothing; nor do pages past the last).
        if len(filters.query) > MAX_KEPT_QUERY or not (products or businesses):
            return cache.not_kept(parts)
        return parts

    return page_from_parts(cache.cached(render, "search", (page, *sorted(args.items()))))


@bp.route("/usaha/<int:business_id>")
@read_only
def business_detail(business_id: int):
    buyer = _buyer_name()

    def render():
        business = browsing.public_business(business_id)
        if business is None:
            return None
        page = browsing.business_page(business)
        return render_parts(
            "marketplace/business_detail.html", page=page, business=business,
            stall=next_stall(business), absolute=absolute, **buyer_bits.marks(buyer),
        )

    parts = cache.cached(render, "business", (business_id,), buyer_bits.variant(buyer), business_id=business_id)
    return page_from_parts(buyer_bits.fill(parts, buyer))


@bp.route("/produk/<int:product_id>")
@read_only
def product_detail(product_id: int):
    buyer = _buyer_name()

    def render():
        product = browsing.public_product(product_id)
        if product is None:
            return None
        photos = browsing.product_photos(product)
        return render_parts(
            "marketplace/product_detail.html", product=product, business=product.business,
            photos=photos, absolute=absolute, **buyer_bits.marks(buyer),
        )

    parts = cache.cached(render, "product", (product_id,), buyer_bits.variant(buyer))
    return page_from_parts(buyer_bits.fill(parts, buyer))


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
    buyer = "".join(ch for ch in (request.args.get("nama") or "") if ch.isprintable())
    buyer = " ".join(buyer.split())[:80] or _buyer_name()
    link = order_link(product.business, product, quantity, buyer)
    if link is None:
        return redirect(url_for("marketplace.product_detail", product_id=product.id))
    return redirect(link)


@bp.route("/sitemap.xml")
def sitemap():
    """Approved, open businesses and their products only."""
    businesses, products = browsing.sitemap_entries()
    xml = render_template("marketplace/sitemap.xml", businesses=businesses, products=products,
                          absolute=absolute)
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
