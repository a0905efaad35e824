"""Members' training pages: the list, a session, registering and cancelling, the
calendar file. URLs under ``/trainings``."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.extensions import db
from core.filter_forms import read_filters
from core.forms import ButtonForm, EmptyForm
from core.read_only import read_only
from core.views_kit import page_arg, refusal_to_flash
from mentoring.training import _common as common
from mentoring.training import exports, listing, operations, permissions
from mentoring.training.blueprint import bp
from mentoring.training.forms import TrainingFilterForm
from mentoring.training.models import TrainingRegistration, TrainingSession


def _training_or_404(training_id: int) -> TrainingSession:
    training = db.session.get(TrainingSession, training_id)
    if training is None:
        abort(404)
    return training


def _staff_training_or_404(training_id: int) -> TrainingSession:
    training = _training_or_404(training_id)
    if not permissions.can_manage_trainings(current_user):
        abort(404)
    return training



# --- members: trainings ------------------------------------------------------------


@bp.route("/trainings")
@read_only
@login_required
def trainings():
    chosen = read_filters(TrainingFilterForm, "mentoring/training/_filters.html", ("tag", "regency"))
    data = chosen.data or {}
    tag, regency = data.get("tag"), data.get("regency")
    pagination = listing.upcoming_trainings(tag or None, regency or None, page_arg(), viewer=current_user)
    return render_template(
        "mentoring/training/trainings.html",
        filter_fields=chosen.markup,
        pagination=pagination,
        counts=listing.listed_seat_counts(pagination.items),
        filters={"tag": tag or "", "regency": regency or ""},
    )


@bp.route("/trainings/mine")
@login_required
def my_trainings():
    return render_template(
        "mentoring/training/my_trainings.html",
        registrations=listing.my_registrations(current_user),
    )


@bp.route("/trainings/<int:training_id>")
@login_required
def training_detail(training_id: int):
    training = _training_or_404(training_id)
    registration = operations.active_registration(current_user, training)
    position = (
        listing.waitlist_position(registration)
        if registration and registration.status == "waitlisted"
        else None
    )
    counts = listing.seat_counts([training.id])[training.id]
    return render_template(
        "mentoring/training/training_detail.html",
        training=training,
        registration=registration,
        reminders=common.reminders_ahead(training.starts_at),
        position=position,
        counts=counts,
        is_open=common.registration_open(training),
        started=training.starts_at <= utcnow(),
        form=ButtonForm(),
    )


@bp.route("/trainings/<int:training_id>/register", methods=["POST"])
@login_required
def training_register(training_id: int):
    training = _training_or_404(training_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with refusal_to_flash() as outcome:
            registration = operations.register(current_user, training)
            db.session.commit()
            if registration.status == "confirmed":
                outcome.success = _("Anda terdaftar. Konfirmasi dan pengingat ada di kotak masuk Anda.")
            else:
                outcome.success = _("Pelatihan ini penuh. Anda masuk daftar tunggu dan akan dikabari jika ada tempat.")
                outcome.success_category = "info"
    except IntegrityError:
        db.session.rollback()
        flash(_("Tempat itu baru saja terisi, atau Anda sudah terdaftar. Silakan periksa lagi."), "info")
    return redirect(url_for("mentoring.training.training_detail", training_id=training.id))


@bp.route("/trainings/<int:training_id>/registrations/<int:registration_id>/cancel",
          methods=["POST"])
@login_required
def training_unregister(training_id: int, registration_id: int):
    registration = db.session.get(TrainingRegistration, registration_id)
    if (
        registration is None
        or registration.session_id != training_id
        or not permissions.can_cancel_registration(current_user, registration)
    ):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_to_flash(success=_("Pendaftaran Anda dibatalkan. Pengingatnya juga dihentikan."), success_category="info"):
        operations.cancel_registration(current_user, registration)
        db.session.commit()
    return redirect(url_for("mentoring.training.training_detail", training_id=training_id))


@bp.route("/trainings/<int:training_id>.ics")
@login_required
def training_ics(training_id: int):
    training = _training_or_404(training_id)
    body = exports.training_ics(
        training, url_for("mentoring.training.training_detail", training_id=training.id, _external=True)
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="pelatihan-{training.id}.ics"'},
    )

