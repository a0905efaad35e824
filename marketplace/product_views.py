"""Members' pages for their products and photos: add (with a photo), edit, sold
out in one tap, move up/down, remove; business photos and the QRIS image; and the
photo files themselves (public ones cached, others private)."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.uploads import UploadRefused, send_stored
from core.views_kit import refusal_to_flash
from marketplace import browsing, photos, products
from marketplace._views import member_business_or_404, no_store
from marketplace.blueprint import bp
from marketplace.businesses import get_business
from marketplace.forms import PhotoForm, ProductForm
from marketplace.models import PHOTO_PRODUCT, MarketPhoto
from marketplace.permissions import can_view_business_private


def _product_or_404(business, product_id: int):
    product = products.get_product(product_id)
    if product is None or product.business_id != business.id:
        abort(404)
    return product


def _product_data(form: ProductForm) -> dict:
    return {name: form[name].data for name in products.EDITABLE_FIELDS}


def _back(business):
    return redirect(url_for("marketplace.my_business", business_id=business.id))


def _save(form: ProductForm, business, product) -> bool:
    """Add or update the product and store its new photo, in one commit. A refused
    photo keeps everything typed and says why under the photo field."""
    with refusal_to_flash(success=_("Produk tersimpan.")) as outcome:
        try:
            if product is None:
                product = products.add_product(current_user, business, _product_data(form))
            else:
                products.update_product(current_user, product, _product_data(form))
            if form.photo.data:
                photos.add_photo(current_user, business, form.photo.data, product=product)
        except UploadRefused as error:
            db.session.rollback()
            form.photo.errors = [_(str(error))]
            return False
        db.session.commit()
    return outcome.ok


@bp.route("/usaha-saya/<int:business_id>/produk/baru", methods=["GET", "POST"])
@login_required
def add_product(business_id: int):
    business = member_business_or_404(business_id)
    form = ProductForm()
    if form.validate_on_submit() and _save(form, business, None):
        return _back(business)
    return no_store(make_response(render_template(
        "marketplace/product_form.html", form=form, business=business, product=None)))


@bp.route("/usaha-saya/<int:business_id>/produk/<int:product_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_product(business_id: int, product_id: int):
    business = member_business_or_404(business_id)
    product = _product_or_404(business, product_id)
    form = ProductForm(obj=product)
    if form.validate_on_submit() and _save(form, business, product):
        return _back(business)
    product_photos = [p for p in photos.photos_of(business) if p.product_id == product.id]
    return no_store(make_response(render_template(
        "marketplace/product_form.html", form=form, business=business, product=product,
        photos=product_photos, button=ButtonForm())))


def _product_action(business_id: int, product_id: int, action, message: str):
    business = member_business_or_404(business_id)
    product = _product_or_404(business, product_id)
    if EmptyForm().validate_on_submit():
        action(product)
        db.session.commit()
        if message:
            flash(message, "success")
    return redirect(url_for("marketplace.my_business", business_id=business.id) + "#produk")


@bp.route("/usaha-saya/<int:business_id>/produk/<int:product_id>/habis", methods=["POST"])
@login_required
def toggle_sold_out(business_id: int, product_id: int):
    return _product_action(business_id, product_id,
                           lambda p: products.set_sold_out(current_user, p, not p.sold_out), "")


@bp.route("/usaha-saya/<int:business_id>/produk/<int:product_id>/naik", methods=["POST"])
@login_required
def move_product_up(business_id: int, product_id: int):
    return _product_action(business_id, product_id, lambda p: products.move_product(current_user, p, -1), "")


@bp.route("/usaha-saya/<int:business_id>/produk/<int:product_id>/turun", methods=["POST"])
@login_required
def move_product_down(business_id: int, product_id: int):
    return _product_action(business_id, product_id, lambda p: products.move_product(current_user, p, 1), "")


@bp.route("/usaha-saya/<int:business_id>/produk/<int:product_id>/hapus", methods=["POST"])
@login_required
def remove_product(business_id: int, product_id: int):
    return _product_action(business_id, product_id, lambda p: products.remove_product(current_user, p),
                           _("Produk dihapus."))


@bp.route("/usaha-saya/<int:business_id>/foto", methods=["POST"])
@login_required
def add_business_photo(business_id: int):
    business = member_business_or_404(business_id)
    form = PhotoForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Foto tersimpan.")):
            photos.add_photo(current_user, business, form.photo.data, kind=form.kind.data)
            db.session.commit()
    else:
        for message in form.photo.errors:
            flash(message, "info")
    return _back(business)


@bp.route("/usaha-saya/<int:business_id>/foto/<int:photo_id>/hapus", methods=["POST"])
@login_required
def remove_photo(business_id: int, photo_id: int):
    business = member_business_or_404(business_id)
    photo = db.session.get(MarketPhoto, photo_id)
    if photo is None or photo.business_id != business.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        photos.remove_photo(current_user, photo)
        db.session.commit()
        flash(_("Foto dihapus."), "success")
    if photo.kind == PHOTO_PRODUCT and photo.product_id:
        return redirect(url_for("marketplace.edit_product", business_id=business.id, product_id=photo.product_id))
    return _back(business)


@bp.route("/foto/<int:photo_id>-<any(thumb, large):size>.webp")
def photo_file(photo_id: int, size: str):
    """A photo's WebP. Photos of public businesses are public and cacheable; the
    others only for the business's members and UMKM staff (never cached)."""
    photo = db.session.get(MarketPhoto, photo_id)
    if photo is None:
        abort(404)
    public = browsing.public_business(photo.business_id) is not None
    if not public:
        owner = get_business(photo.business_id)
        if owner is None or not can_view_business_private(current_user, owner):
            abort(404)
    stored = photos.stored_file_for(photo, size)
    if stored is None:
        abort(404)
    return send_stored(stored, attachment=False, private=not public,
                       download_name=f"foto-{photo.id}-{size}.webp")
