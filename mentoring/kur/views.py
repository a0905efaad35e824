"""Members' KUR pages: the eligibility check, an application with its document
checklist, bank appointment and withdrawal. URLs under ``/kur``."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.signals import market_sales_evidence
from core.views_kit import refusal_to_flash
from mentoring.kur import applications, listing, permissions, reminders
from mentoring.kur.blueprint import bp
from mentoring.kur.data import NPWP_THRESHOLD
from mentoring.kur.forms import KurAppointmentForm, KurChecklistForm, KurStartForm, KurWithdrawForm
from mentoring.kur.models import KurApplication


def _own_kur_or_404(application_id: int) -> KurApplication:
    application = db.session.get(KurApplication, application_id)
    if application is None or not permissions.can_view_kur_application(current_user, application):
        abort(404)
    return application



# --- members: KUR ------------------------------------------------------------------


@bp.route("/kur")
@login_required
def kur():
    applications = listing.my_kur_applications(current_user)
    return render_template(
        "mentoring/kur/kur.html",
        applications=applications,
        has_active=any(a.is_active for a in applications),
    )


@bp.route("/kur/new", methods=["GET", "POST"])
@login_required
def kur_new():
    active = applications.active_kur_application(current_user)
    if active is not None:
        flash(_("Anda sudah punya pengajuan KUR yang sedang berjalan."), "info")
        return redirect(url_for("mentoring.kur.kur_detail", application_id=active.id))
    form = KurStartForm()
    if request.method == "GET":
        form.regency.data = current_user.regency
    problems = []
    if form.validate_on_submit():
        data = applications.KurStart(
            business_name=form.business_name.data,
            business_months=form.business_months.data,
            regency=form.regency.data,
            amount=form.amount.data,
            bank=form.bank.data,
            has_ektp=form.has_ektp.data == "yes",
            adult_or_married=form.adult_or_married.data == "yes",
            no_other_credit=form.no_other_credit.data == "yes",
        )
        problems = applications.eligibility_problems(data)
        if not problems:
            try:
                with refusal_to_flash(
                    success=_("Pengajuan KUR dimulai. Langkah berikutnya: siapkan berkas.")
                ) as outcome:
                    application = applications.start_kur_application(current_user, data)
                    db.session.commit()
            except IntegrityError:  # another tab started one at the same moment
                db.session.rollback()
                flash(_("Anda sudah punya pengajuan KUR yang sedang berjalan."), "info")
                return redirect(url_for("mentoring.kur.kur"))
            if outcome.refused:
                return redirect(url_for("mentoring.kur.kur"))
            return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))
    return render_template("mentoring/kur/kur_new.html", form=form, problems=problems)


def _kur_detail_page(application, checklist=None, appointment=None, status=200, withdraw=None):
    if checklist is None:
        checklist = KurChecklistForm(obj=application, formdata=None)
    if appointment is None:
        appointment = KurAppointmentForm(formdata=None)
        appointment.appointment_at.data = application.bank_appointment_at
    events = application.events
    return render_template(
        "mentoring/kur/kur_detail.html",
        application=application,
        events=events,
        checklist=checklist,
        appointment=appointment,
        required=applications.required_documents(application),
        missing=applications.missing_documents(application),
        npwp_threshold=NPWP_THRESHOLD,
        form=ButtonForm(),
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
    with refusal_to_flash(category="error", success=_("Daftar berkas disimpan.")):
        applications.update_checklist(current_user, application, ticked)
        db.session.commit()
    return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/appointment", methods=["POST"])
@login_required
def kur_appointment(application_id: int):
    application = _own_kur_or_404(application_id)
    if not application.is_active:
        abort(404)
    form = KurAppointmentForm()
    if not form.validate_on_submit():
        return _kur_detail_page(application, appointment=form)
    reminders.set_bank_appointment(current_user, application, form.appointment_at.data)
    db.session.commit()
    if form.appointment_at.data:
        flash(_("Janji di bank disimpan. Kami akan mengingatkan Anda sebelumnya."), "success")
    else:
        flash(_("Janji di bank dihapus."), "info")
    return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/submitted", methods=["POST"])
@login_required
def kur_mark_submitted(application_id: int):
    application = _own_kur_or_404(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_to_flash(success=_("Tercatat: berkas Anda sudah diserahkan ke bank.")):
        applications.mark_submitted(current_user, application)
        db.session.commit()
    return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))


@bp.route("/kur/<int:application_id>/withdraw", methods=["POST"])
@login_required
def kur_withdraw(application_id: int):
    application = _own_kur_or_404(application_id)
    form = KurWithdrawForm()
    if not permissions.can_withdraw_kur_application(current_user, application):
        flash(_("Pengajuan ini sudah diputuskan atau sedang menunggu keputusan bank, jadi tidak bisa dibatalkan lagi. Hubungi petugas UMKM jika perlu."), "info")
        return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))
    if not form.validate_on_submit():
        return _kur_detail_page(application, withdraw=form)
    with refusal_to_flash(success=_("Pengajuan KUR Anda dibatalkan. Pengingatnya juga dihentikan."), success_category="info"):
        applications.withdraw_kur_application(current_user, application, form.reason.data)
        db.session.commit()
    return redirect(url_for("mentoring.kur.kur_detail", application_id=application.id))

