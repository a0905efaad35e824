"""Training sessions and KUR applications on the shared ``mentoring`` blueprint.

Members: /trainings, /kur. UMKM staff: /staff/trainings, /staff/kur.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts import audit
from accounts.data import REGENCY_NAMES
from accounts.forms import EmptyForm
from accounts.permissions import roles_required
from accounts.phones import display_phone
from core.db import utcnow
from core.extensions import db
from core.signals import market_sales_evidence
from mentoring.blueprint import bp
from mentoring.programs import permissions, services
from mentoring.programs.data import (
    BANK_NAMES,
    NPWP_THRESHOLD,
    PROVIDER_NAMES,
    STAGE_NAMES,
    TAG_NAMES,
)
from mentoring.programs.forms import (
    AttendanceForm,
    CancelTrainingForm,
    KurAppointmentForm,
    KurChecklistForm,
    KurFilterForm,
    KurMoveForm,
    KurStartForm,
    KurWithdrawForm,
    TrainingFilterForm,
    TrainingForm,
)
from mentoring.programs.models import KurApplication, TrainingRegistration, TrainingSession

STAFF = "umkm_staff"

@bp.context_processor
def _names():
    return {
        "regency_names": REGENCY_NAMES,
        "provider_names": PROVIDER_NAMES,
        "tag_names": TAG_NAMES,
        "bank_names": BANK_NAMES,
        "stage_names": STAGE_NAMES,
    }


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))


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


def _own_kur_or_404(application_id: int) -> KurApplication:
    application = db.session.get(KurApplication, application_id)
    if application is None or not permissions.can_view_kur_application(current_user, application):
        abort(404)
    return application


# --- members: trainings ------------------------------------------------------------


@bp.route("/trainings")
@login_required
def trainings():
    form = TrainingFilterForm(request.args)
    valid = form.validate()
    tag = form.tag.data if valid else None
    regency = form.regency.data if valid else None
    pagination = services.upcoming_trainings(tag or None, regency or None, _page())
    ids = [t.id for t in pagination.items]
    return render_template(
        "mentoring/programs/trainings.html",
        form=form,
        pagination=pagination,
        counts=services.seat_counts(ids),
        mine=services.registrations_of(current_user, ids),
        filters={"tag": tag or "", "regency": regency or ""},
    )


@bp.route("/trainings/mine")
@login_required
def my_trainings():
    return render_template(
        "mentoring/programs/my_trainings.html",
        registrations=services.my_registrations(current_user),
    )


@bp.route("/trainings/<int:training_id>")
@login_required
def training_detail(training_id: int):
    training = _training_or_404(training_id)
    registration = services.active_registration(current_user, training)
    position = (
        services.waitlist_position(registration)
        if registration and registration.status == "waitlisted"
        else None
    )
    counts = services.seat_counts([training.id])[training.id]
    return render_template(
        "mentoring/programs/training_detail.html",
        training=training,
        registration=registration,
        reminders=services.reminders_ahead(training.starts_at),
        position=position,
        counts=counts,
        is_open=services.registration_open(training),
        started=training.starts_at <= utcnow(),
        form=EmptyForm(),
    )


@bp.route("/trainings/<int:training_id>/register", methods=["POST"])
@login_required
def training_register(training_id: int):
    training = _training_or_404(training_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        registration = services.register(current_user, training)
        db.session.commit()
    except services.ProgramError as error:
        db.session.rollback()
        flash(str(error.message), "info")
    except IntegrityError:
        db.session.rollback()
        flash(_("Tempat itu baru saja terisi, atau Anda sudah terdaftar. Silakan periksa lagi."), "info")
    else:
        if registration.status == "confirmed":
            flash(_("Anda terdaftar. Konfirmasi dan pengingat ada di kotak masuk Anda."), "success")
        else:
            flash(_("Pelatihan ini penuh. Anda masuk daftar tunggu dan akan dikabari jika ada tempat."), "info")
    return redirect(url_for("mentoring.training_detail", training_id=training.id))


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
    try:
        services.cancel_registration(current_user, registration)
        db.session.commit()
    except services.ProgramError as error:
        db.session.rollback()
        flash(str(error.message), "info")
    else:
        flash(_("Pendaftaran Anda dibatalkan. Pengingatnya juga dihentikan."), "info")
    return redirect(url_for("mentoring.training_detail", training_id=training_id))


@bp.route("/trainings/<int:training_id>.ics")
@login_required
def training_ics(training_id: int):
    training = _training_or_404(training_id)
    body = services.training_ics(
        training, url_for("mentoring.training_detail", training_id=training.id, _external=True)
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="pelatihan-{training.id}.ics"'},
    )


# --- staff: trainings --------------------------------------------------------------


@bp.route("/staff/trainings")
@roles_required(STAFF)
def staff_trainings():
    pagination = services.all_trainings(_page())
    return render_template(
        "mentoring/programs/staff_trainings.html",
        pagination=pagination,
        counts=services.seat_counts(t.id for t in pagination.items),
    )


def _training_data(form: TrainingForm) -> services.TrainingData:
    return services.TrainingData(
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
        training = services.create_training(current_user, _training_data(form))
        db.session.commit()
        flash(_("Pelatihan sudah diterbitkan."), "success")
        return redirect(url_for("mentoring.training_detail", training_id=training.id))
    return render_template("mentoring/programs/training_form.html", form=form, training=None)


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
        try:
            services.update_training(current_user, training, _training_data(form))
            db.session.commit()
        except services.ProgramError as error:
            db.session.rollback()
            form.capacity.errors.append(error.message)
        else:
            flash(_("Perubahan pelatihan sudah disimpan."), "success")
            return redirect(url_for("mentoring.training_detail", training_id=training.id))
    return render_template("mentoring/programs/training_form.html", form=form, training=training)


@bp.route("/staff/trainings/<int:training_id>/cancel", methods=["GET", "POST"])
@roles_required(STAFF)
def training_cancel(training_id: int):
    training = _staff_training_or_404(training_id)
    if training.is_cancelled:
        return redirect(url_for("mentoring.training_detail", training_id=training.id))
    form = CancelTrainingForm()
    if form.validate_on_submit():
        told = services.cancel_training(current_user, training, form.reason.data)
        db.session.commit()
        flash(_("Pelatihan dibatalkan. %(count)d orang sudah diberi tahu.", count=told), "info")
        return redirect(url_for("mentoring.training_detail", training_id=training.id))
    return render_template("mentoring/programs/training_cancel.html", form=form, training=training)


@bp.route("/staff/trainings/<int:training_id>/registrants", methods=["GET", "POST"])
@roles_required(STAFF)
def training_registrants(training_id: int):
    training = _staff_training_or_404(training_id)
    people = services.registrants(training)
    form = AttendanceForm()
    form.attended.choices = [(r.id, r.user.name) for r in people if r.status == "confirmed"]
    if request.method == "GET":
        form.attended.data = [r.id for r in people if r.attended]
    if form.validate_on_submit():
        count = services.mark_attendance(current_user, training, form.attended.data or [])
        db.session.commit()
        flash(_("Kehadiran disimpan: %(count)d orang hadir.", count=count), "success")
        return redirect(url_for("mentoring.training_registrants", training_id=training.id))
    return render_template(
        "mentoring/programs/training_registrants.html",
        training=training,
        people=people,
        form=form,
        display_phone=display_phone,
    )


@bp.route("/staff/trainings/<int:training_id>/registrants.csv")
@roles_required(STAFF)
def training_registrants_csv(training_id: int):
    training = _staff_training_or_404(training_id)
    body = services.registrants_csv(training)
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


# --- members: KUR ------------------------------------------------------------------


@bp.route("/kur")
@login_required
def kur():
    applications = services.my_kur_applications(current_user)
    return render_template(
        "mentoring/programs/kur.html",
        applications=applications,
        has_active=any(a.is_active for a in applications),
    )


@bp.route("/kur/new", methods=["GET", "POST"])
@login_required
def kur_new():
    active = services.active_kur_application(current_user)
    if active is not None:
        flash(_("Anda sudah punya pengajuan KUR yang sedang berjalan."), "info")
        return redirect(url_for("mentoring.kur_detail", application_id=active.id))
    form = KurStartForm()
    if request.method == "GET":
        form.regency.data = current_user.regency
    problems = []
    if form.validate_on_submit():
        data = services.KurStart(
            business_name=form.business_name.data,
            business_months=form.business_months.data,
            regency=form.regency.data,
            amount=form.amount.data,
            bank=form.bank.data,
            has_ektp=form.has_ektp.data == "yes",
            adult_or_married=form.adult_or_married.data == "yes",
            no_other_credit=form.no_other_credit.data == "yes",
        )
        problems = services.eligibility_problems(data)
        if not problems:
            try:
                application = services.start_kur_application(current_user, data)
                db.session.commit()
            except (services.ProgramError, IntegrityError):
                db.session.rollback()
                flash(_("Anda sudah punya pengajuan KUR yang sedang berjalan."), "info")
                return redirect(url_for("mentoring.kur"))
            flash(_("Pengajuan KUR dimulai. Langkah berikutnya: siapkan berkas."), "success")
            return redirect(url_for("mentoring.kur_detail", application_id=application.id))
    return render_template("mentoring/programs/kur_new.html", form=form, problems=problems)


def _kur_detail_page(application, checklist=None, appointment=None, status=200, withdraw=None):
    if checklist is None:
        checklist = KurChecklistForm(obj=application, formdata=None)
    if appointment is None:
        appointment = KurAppointmentForm(formdata=None)
        appointment.appointment_at.data = application.bank_appointment_at
    events = application.events
    return render_template(
        "mentoring/programs/kur_detail.html",
        application=application,
        events=events,
        checklist=checklist,
        appointment=appointment,
        required=services.required_documents(application),
        missing=services.missing_documents(application),
        npwp_threshold=NPWP_THRESHOLD,
        form=EmptyForm(),
        withdraw=withdraw or KurWithdrawForm(formdata=None),
        sales_evidence=_sales_evidence(application),
    ), status


def _sales_evidence(application) -> list[tuple[str, str]]:
    """Weekly sales logs the member keeps in the market (through a signal: mentoring
    does not import the marketplace), offered as evidence for the bank."""
    if not application.is_active:
        return []
    evidence: list[tuple[str, str]] = []
    for _receiver, answer in market_sales_evidence.send(current_user._get_current_object()):
        evidence.extend(answer or [])
    return evidence


@bp.route("/kur/<int:application_id>")
@login_required
def kur_detail(application_id: int):
    return _kur_detail_page(_own_kur_or_404(application_id))


@bp.route("/kur/<int:application_id>/checklist", methods=["POST"])
@login_required
def kur_checklist(application_id: int):
    application = _own_kur_or_404(application_id)
    form = KurChecklistForm()
    if not form.validate_on_submit():
        return _kur_detail_page(application, checklist=form)
    ticked = [name for name in ("doc_ktp", "doc_kk", "doc_business_letter", "doc_npwp")
              if getattr(form, name).data]
    try:
        services.update_checklist(current_user, application, ticked)
    except services.ProgramError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("mentoring.kur_detail", application_id=application.id))
    db.session.commit()
    flash(_("Daftar berkas disimpan."), "success")
    return redirect(url_for("mentoring.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/appointment", methods=["POST"])
@login_required
def kur_appointment(application_id: int):
    application = _own_kur_or_404(application_id)
    if not application.is_active:
        abort(404)
    form = KurAppointmentForm()
    if not form.validate_on_submit():
        return _kur_detail_page(application, appointment=form)
    services.set_bank_appointment(current_user, application, form.appointment_at.data)
    db.session.commit()
    if form.appointment_at.data:
        flash(_("Janji di bank disimpan. Kami akan mengingatkan Anda sebelumnya."), "success")
    else:
        flash(_("Janji di bank dihapus."), "info")
    return redirect(url_for("mentoring.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/submitted", methods=["POST"])
@login_required
def kur_mark_submitted(application_id: int):
    application = _own_kur_or_404(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.mark_submitted(current_user, application)
        db.session.commit()
    except services.ProgramError as error:
        db.session.rollback()
        flash(str(error.message), "info")
    else:
        flash(_("Tercatat: berkas Anda sudah diserahkan ke bank."), "success")
    return redirect(url_for("mentoring.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/withdraw", methods=["POST"])
@login_required
def kur_withdraw(application_id: int):
    application = _own_kur_or_404(application_id)
    form = KurWithdrawForm()
    if not permissions.can_withdraw_kur_application(current_user, application):
        flash(_("Pengajuan ini sudah diputuskan atau sedang menunggu keputusan bank, jadi tidak bisa dibatalkan lagi. Hubungi petugas UMKM jika perlu."), "info")
        return redirect(url_for("mentoring.kur_detail", application_id=application.id))
    if not form.validate_on_submit():
        return _kur_detail_page(application, withdraw=form)
    try:
        services.withdraw_kur_application(current_user, application, form.reason.data)
        db.session.commit()
    except services.ProgramError as error:
        db.session.rollback()
        flash(str(error.message), "info")
    else:
        flash(_("Pengajuan KUR Anda dibatalkan. Pengingatnya juga dihentikan."), "info")
    return redirect(url_for("mentoring.kur_detail", application_id=application.id))


# --- staff: KUR --------------------------------------------------------------------


@bp.route("/staff/kur")
@roles_required(STAFF)
def kur_applications():
    form = KurFilterForm(request.args)
    valid = form.validate()
    stage = form.stage.data if valid else None
    regency = form.regency.data if valid else None
    sort = (form.sort.data if valid else None) or "stuck"
    pagination = services.kur_applications_for_staff(stage or None, regency or None, sort, _page())
    return render_template(
        "mentoring/programs/kur_applications.html",
        form=form,
        pagination=pagination,
        days_in_stage=services.days_in_stage,
        filters={"stage": stage or "", "regency": regency or "", "sort": sort},
    )


@bp.route("/staff/kur/<int:application_id>", methods=["GET", "POST"])
@roles_required(STAFF)
def kur_manage(application_id: int):
    application = db.session.scalar(
        select(KurApplication)
        .where(KurApplication.id == application_id)
        .options(selectinload(KurApplication.events))
    )
    if application is None or not permissions.can_manage_kur(current_user):
        abort(404)
    form = KurMoveForm()
    form.to_stage.choices = [(s, STAGE_NAMES[s]) for s in services.next_stages(application)]
    if application.is_active and form.validate_on_submit():
        try:
            services.move_kur_application(
                current_user, application, form.to_stage.data, form.note.data
            )
            db.session.commit()
        except services.ProgramError as error:
            db.session.rollback()
            form.to_stage.errors.append(error.message)
        else:
            flash(_("Tahap pengajuan diperbarui. Anggota sudah diberi tahu."), "success")
            return redirect(url_for("mentoring.kur_manage", application_id=application.id))
    return render_template(
        "mentoring/programs/kur_manage.html",
        application=application,
        form=form,
        days=services.days_in_stage(application),
        missing=services.missing_documents(application),
        display_phone=display_phone,
    )
