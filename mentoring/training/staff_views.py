"""UMKM staff training pages: publishing, editing and cancelling sessions, the
registrant list with attendance, and its CSV. URLs under ``/staff/trainings``."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.permissions import roles_required
from accounts.phones import display_phone
from core.extensions import db
from core.views_kit import page_arg, refusal_to_flash
from mentoring.training import exports, listing, operations, permissions
from mentoring.training.blueprint import bp
from mentoring.training.forms import AttendanceForm, CancelTrainingForm, TrainingForm
from mentoring.training.views import _staff_training_or_404

STAFF = "umkm_staff"


# --- staff: trainings --------------------------------------------------------------


@bp.route("/staff/trainings")
@roles_required(STAFF)
def staff_trainings():
    pagination = listing.all_trainings(page_arg())
    return render_template(
        "mentoring/training/staff_trainings.html",
        pagination=pagination,
        counts=listing.seat_counts(t.id for t in pagination.items),
    )


def _training_data(form: TrainingForm) -> operations.TrainingData:
    return operations.TrainingData(
        title=form.title.data,
        description=form.description.data or "",
        provider=form.provider.data,
        provider_name=form.provider_name.data or None,
        place=form.place.data or None,
        online_url=form.online_url.data or None,
        regency=form.regency.data,
        tags=list(form.tags.data or []),
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        registration_deadline_at=form.registration_deadline_at.data or form.starts_at.data,
        capacity=form.capacity.data,
    )


@bp.route("/staff/trainings/new", methods=["GET", "POST"])
@roles_required(STAFF)
def training_new():
    form = TrainingForm()
    if form.validate_on_submit():
        training = operations.create_training(current_user, _training_data(form))
        db.session.commit()
        flash(_("Pelatihan sudah diterbitkan."), "success")
        return redirect(url_for("mentoring.training.training_detail", training_id=training.id))
    return render_template("mentoring/training/training_form.html", form=form, training=None)


@bp.route("/staff/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@roles_required(STAFF)
def training_edit(training_id: int):
    training = _staff_training_or_404(training_id)
    if not permissions.can_edit_training(current_user, training):
        abort(404)
    if request.method == "GET":
        form = TrainingForm(obj=training, original_start=training.starts_at)
        form.tags.data = training.tag_list
    else:
        form = TrainingForm(original_start=training.starts_at)
    if form.validate_on_submit():
        with refusal_to_flash(form, field="capacity",
                              success=_("Perubahan pelatihan sudah disimpan.")) as outcome:
            operations.update_training(current_user, training, _training_data(form))
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("mentoring.training.training_detail", training_id=training.id))
    return render_template("mentoring/training/training_form.html", form=form, training=training)


@bp.route("/staff/trainings/<int:training_id>/cancel", methods=["GET", "POST"])
@roles_required(STAFF)
def training_cancel(training_id: int):
    training = _staff_training_or_404(training_id)
    if training.is_cancelled:
        return redirect(url_for("mentoring.training.training_detail", training_id=training.id))
    form = CancelTrainingForm()
    if form.validate_on_submit():
        told = operations.cancel_training(current_user, training, form.reason.data)
        db.session.commit()
        flash(_("Pelatihan dibatalkan. %(count)d orang sudah diberi tahu.", count=told), "info")
        return redirect(url_for("mentoring.training.training_detail", training_id=training.id))
    return render_template("mentoring/training/training_cancel.html", form=form, training=training)


@bp.route("/staff/trainings/<int:training_id>/registrants", methods=["GET", "POST"])
@roles_required(STAFF)
def training_registrants(training_id: int):
    training = _staff_training_or_404(training_id)
    people = listing.registrants(training)
    form = AttendanceForm()
    form.attended.choices = [(r.id, r.user.name) for r in people if r.status == "confirmed"]
    if request.method == "GET":
        form.attended.data = [r.id for r in people if r.attended]
    if form.validate_on_submit():
        count = operations.mark_attendance(current_user, training, form.attended.data or [])
        db.session.commit()
        flash(_("Kehadiran disimpan: %(count)d orang hadir.", count=count), "success")
        return redirect(url_for("mentoring.training.training_registrants", training_id=training.id))
    return render_template(
        "mentoring/training/training_registrants.html",
        training=training,
        people=people,
        form=form,
        display_phone=display_phone,
    )


@bp.route("/staff/trainings/<int:training_id>/registrants.csv")
@roles_required(STAFF)
def training_registrants_csv(training_id: int):
    training = _staff_training_or_404(training_id)
    body = exports.registrants_csv(training)
    # Phone numbers leave the platform in this file: keep a record of who took it.
    audit.record(current_user, "training.registrants_export", object_type="training_session",
                 object_id=training.id)
    db.session.commit()
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="peserta-pelatihan-{training.id}.csv"',
            "Cache-Control": "no-store",
        },
    )

