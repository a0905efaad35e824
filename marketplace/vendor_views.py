"""Members' pages for the businesses they run: register, "my businesses", edit,
family members and invitations, pause, send back for review."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.views_kit import refusal_to_flash
from marketplace import browsing, businesses
from marketplace._views import member_business_or_404, no_store
from marketplace.blueprint import bp
from marketplace.forms import BusinessForm, InviteMemberForm, PhotoForm
from marketplace.models import BusinessMember


def _business_data(form: BusinessForm) -> dict:
    return {name: form[name].data for name in businesses.EDITABLE_FIELDS}


@bp.route("/usaha-saya")
@login_required
def my_businesses():
    return no_store(make_response(render_template(
        "marketplace/my_businesses.html",
        businesses=businesses.businesses_of(current_user),
        invitations=businesses.pending_invitations(current_user),
        form=ButtonForm(),
    )))


@bp.route("/usaha-saya/baru", methods=["GET", "POST"])
@login_required
def register_business():
    form = BusinessForm()
    if request.method == "GET" and current_user.phone:
        form.whatsapp.data = current_user.phone
        form.regency.data = current_user.regency
    if form.validate_on_submit():
        business = businesses.register_business(current_user, _business_data(form))
        db.session.commit()
        flash(_("Usaha Anda terdaftar. Petugas UMKM akan memeriksanya sebelum tampil di Pasar. "
                "Sementara itu, tambahkan produk dan foto."), "success")
        return redirect(url_for("marketplace.my_business", business_id=business.id))
    return no_store(make_response(render_template(
        "marketplace/business_form.html", form=form, business=None,
    )))


@bp.route("/usaha-saya/<int:business_id>")
@login_required
def my_business(business_id: int):
    business = member_business_or_404(business_id)
    page = browsing.business_page(business)
    return no_store(make_response(render_template(
        "marketplace/my_business.html", business=business, form=ButtonForm(),
        invite_form=InviteMemberForm(), photo_form=PhotoForm(), products=page.products,
        photos_by_product=page.product_photos, business_photos=page.business_photos, qris=page.qris,
    )))


@bp.route("/usaha-saya/<int:business_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_business(business_id: int):
    business = member_business_or_404(business_id)
    form = BusinessForm(obj=business)
    if form.validate_on_submit():
        businesses.update_business(current_user, business, _business_data(form))
        db.session.commit()
        flash(_("Perubahan tersimpan."), "success")
        return redirect(url_for("marketplace.my_business", business_id=business.id))
    return no_store(make_response(render_template(
        "marketplace/business_form.html", form=form, business=business,
    )))


def _member_action(business_id: int, action, done: str):
    business = member_business_or_404(business_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=done):
            action(current_user, business)
            db.session.commit()
    return redirect(url_for("marketplace.my_business", business_id=business.id))


@bp.route("/usaha-saya/<int:business_id>/kirim-ulang", methods=["POST"])
@login_required
def resubmit_business(business_id: int):
    return _member_action(business_id, businesses.resubmit_business,
                          _("Usaha dikirim lagi untuk diperiksa petugas UMKM."))


@bp.route("/usaha-saya/<int:business_id>/libur", methods=["POST"])
@login_required
def pause_business(business_id: int):
    return _member_action(business_id, businesses.pause_business,
                          _("Usaha diliburkan. Tidak tampil di Pasar sampai Anda buka lagi."))


@bp.route("/usaha-saya/<int:business_id>/buka", methods=["POST"])
@login_required
def unpause_business(business_id: int):
    return _member_action(business_id, businesses.unpause_business,
                          _("Usaha buka lagi dan tampil di Pasar."))


@bp.route("/usaha-saya/<int:business_id>/anggota", methods=["POST"])
@login_required
def invite_member(business_id: int):
    business = member_business_or_404(business_id)
    form = InviteMemberForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Undangan terkirim. Dia perlu menerimanya dulu.")):
            businesses.invite_member(current_user, business, form.phone.data)
            db.session.commit()
    else:
        for message in form.phone.errors:
            flash(message, "info")
    return redirect(url_for("marketplace.my_business", business_id=business.id))


@bp.route("/usaha-saya/<int:business_id>/anggota/<int:member_id>/hapus", methods=["POST"])
@login_required
def remove_member(business_id: int, member_id: int):
    business = member_business_or_404(business_id)
    membership = next((m for m in business.members if m.id == member_id), None)
    form = EmptyForm()
    if membership is not None and form.validate_on_submit():
        with refusal_to_flash(success=_("Anggota sudah dihapus dari usaha ini.")):
            businesses.remove_member(current_user, business, membership)
            db.session.commit()
    if membership is not None and membership.user_id == current_user.id:
        return redirect(url_for("marketplace.my_businesses"))
    return redirect(url_for("marketplace.my_business", business_id=business.id))


@bp.route("/undangan/<int:member_id>", methods=["POST"])
@login_required
def answer_invitation(member_id: int):
    membership = db.session.get(BusinessMember, member_id)
    form = EmptyForm()
    if membership is None or membership.user_id != current_user.id:
        abort(404)
    if form.validate_on_submit():
        accept = request.form.get("answer") == "accept"
        with refusal_to_flash(success=_("Anda sekarang ikut mengelola usaha ini.") if accept
                              else _("Undangan ditolak.")):
            businesses.answer_invitation(current_user, membership, accept)
            db.session.commit()
    return redirect(url_for("marketplace.my_businesses"))
