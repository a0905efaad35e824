"""UMKM staff pages: the review queue, a business's review page (approve, ask for
changes, decline, badges, internal notes, suspend)."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.views_kit import page_arg, refusal_to_flash
from marketplace import cache, review
from marketplace._views import no_store, staff_business_or_404
from marketplace.blueprint import bp
from marketplace.forms import BadgesForm, ReasonForm, StaffNoteForm
from marketplace.models import STATUSES
from marketplace.permissions import STAFF_ROLE
from marketplace.public_views import page_from_parts, render_parts


@bp.route("/staf")
@roles_required(STAFF_ROLE)
def staff_queue():
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        status = "pending"
    page = page_arg()

    def render():
        businesses, has_next = review.review_queue(status, page)
        parts = render_parts(
            "marketplace/staff_queue.html",
            businesses=businesses, page=page, has_next=has_next,
            counts=review.queue_counts(),
            status=status,
        )
        return parts if businesses or page == 1 else cache.not_kept(parts)  # past the last page

    # The queue is the same for every staff member (no forms, no reader's bits): its
    # parts are kept under the market cache's version, which every change to a
    # business raises, in a store of its own; the role check above comes first.
    return no_store(make_response(page_from_parts(cache.cached(render, "staff", (status, page)))))


@bp.route("/staf/usaha/<int:business_id>")
@roles_required(STAFF_ROLE)
def staff_business(business_id: int):
    business = staff_business_or_404(business_id)
    return no_store(make_response(render_template(
        "marketplace/staff_business.html",
        business=business,
        notes=review.staff_notes(business),
        form=ButtonForm(),
        reason_form=ReasonForm(),
        note_form=StaffNoteForm(),
        badges_form=BadgesForm(obj=business),
    )))


def _back(business):
    return redirect(url_for("marketplace.staff_business", business_id=business.id))


def _run(business, action, done: str, *args):
    with refusal_to_flash(success=done):
        action(current_user, business, *args)
        db.session.commit()
    return _back(business)


@bp.route("/staf/usaha/<int:business_id>/setujui", methods=["POST"])
@roles_required(STAFF_ROLE)
def approve_business(business_id: int):
    business = staff_business_or_404(business_id)
    if not EmptyForm().validate_on_submit():
        return _back(business)
    return _run(business, review.approve_business, _("Usaha disetujui dan tampil di Pasar."))


def _with_reason(business_id: int, action, done: str):
    business = staff_business_or_404(business_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(message, "info")
        return _back(business)
    return _run(business, action, done, form.reason.data)


@bp.route("/staf/usaha/<int:business_id>/minta-perubahan", methods=["POST"])
@roles_required(STAFF_ROLE)
def request_changes(business_id: int):
    return _with_reason(business_id, review.request_changes,
                        _("Permintaan perubahan terkirim ke pemilik usaha."))


@bp.route("/staf/usaha/<int:business_id>/tolak", methods=["POST"])
@roles_required(STAFF_ROLE)
def decline_business(business_id: int):
    return _with_reason(business_id, review.decline_business, _("Usaha ditolak. Pemilik diberi tahu."))


@bp.route("/staf/usaha/<int:business_id>/tangguhkan", methods=["POST"])
@roles_required(STAFF_ROLE)
def suspend_business(business_id: int):
    return _with_reason(business_id, review.suspend_business,
                        _("Usaha ditangguhkan dan tidak tampil di Pasar."))


@bp.route("/staf/usaha/<int:business_id>/cabut-penangguhan", methods=["POST"])
@roles_required(STAFF_ROLE)
def unsuspend_business(business_id: int):
    business = staff_business_or_404(business_id)
    if not EmptyForm().validate_on_submit():
        return _back(business)
    return _run(business, review.unsuspend_business, _("Penangguhan dicabut."))


@bp.route("/staf/usaha/<int:business_id>/lencana", methods=["POST"])
@roles_required(STAFF_ROLE)
def set_badges(business_id: int):
    business = staff_business_or_404(business_id)
    form = BadgesForm()
    if not form.validate_on_submit():
        return _back(business)
    return _run(business, review.set_badges, _("Lencana tersimpan."), form.verified.data, form.returnee.data)


@bp.route("/staf/usaha/<int:business_id>/catatan", methods=["POST"])
@roles_required(STAFF_ROLE)
def add_staff_note(business_id: int):
    business = staff_business_or_404(business_id)
    form = StaffNoteForm()
    if not form.validate_on_submit():
        for message in form.body.errors:
            flash(message, "info")
        return _back(business)
    return _run(business, review.add_staff_note, _("Catatan tersimpan."), form.body.data)
