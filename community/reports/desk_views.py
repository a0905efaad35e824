"""The Satgas desk on the ``community.reports`` blueprint: the queue, a report
(status changes, internal notes, the reporter's contact), the reports naming one
identifier, and the province dashboard."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from community.reports import dashboard, desk, linking, reporting
from community.reports.forms import CloseForm, NoteForm, QueueFilterForm, ReferForm, SeenStatusForm
from community.reports.models import Report
from community.reports.permissions import DESK_ROLES, can_see_contact, can_work_reports
from community.reports.views import bp
from core.extensions import db
from core.filter_forms import read_filters
from core.read_only import read_only
from core.uploads import send_stored
from core.views_kit import page_arg, refusal_to_flash

QUEUE_FILTERS = ("kind", "regency", "status", "when", "sort")


def _report_or_404(report_id: int) -> Report:
    report = reporting.get_report(report_id)
    if report is None or not can_work_reports(current_user):
        abort(404)
    return report


@bp.route("/desk")
@read_only
@roles_required(*DESK_ROLES)
def queue():
    chosen = read_filters(QueueFilterForm, "community/reports/_queue_filters.html", QUEUE_FILTERS)
    if chosen.data is not None:
        filters = {name: value or None for name, value in chosen.data.items()}
    else:  # the fields that are valid still filter
        form = chosen.form
        filters = {name: (form[name].data or None) if not form[name].errors else None
                   for name in QUEUE_FILTERS}
    page = page_arg()
    rows, has_next = desk.queue_page(page, **filters)
    return render_template(
        "community/reports/queue.html", filter_fields=chosen.markup, rows=rows, page=page, has_next=has_next,
        pager_args={k: v for k, v in filters.items() if v},
    )


@bp.route("/desk/<int:report_id>")
@roles_required(*DESK_ROLES)
def report_detail(report_id: int):
    report = _report_or_404(report_id)
    contact_shown = can_see_contact(current_user, report)
    desk.record_view(current_user, report, contact_shown=contact_shown)
    db.session.commit()
    per_identifier, linked = linking.links_for(report)
    delivery = desk.contact_delivery(report) if contact_shown else None
    seen = {"seen_status": report.status}
    return render_template(
        "community/reports/report.html",
        report=report,
        contact_shown=contact_shown,
        delivery=delivery,
        officer_must_tell=contact_shown and desk.officer_must_tell(report, delivery),
        per_identifier=per_identifier,
        linked=linked,
        notes=desk.notes_for(report),
        history=desk.history_for(report),
        verify_form=SeenStatusForm(data=seen),
        told_form=SeenStatusForm(data=seen),
        refer_form=ReferForm(data=seen),
        close_form=CloseForm(data=seen),
        note_form=NoteForm(),
    )


def _status_change(report_id: int, form, action, done: str | None = None) -> Response:
    report = _report_or_404(report_id)
    if form.validate_on_submit():
        with refusal_to_flash(success=done or _("Status laporan sudah diubah.")):
            action(report, form)
            db.session.commit()
    else:
        flash(_("Periksa isian formulir: ada yang belum dipilih."), "info")
    return redirect(url_for("community.reports.report_detail", report_id=report_id))


@bp.route("/desk/<int:report_id>/verify", methods=["POST"])
@roles_required("satgas")
def verify(report_id: int):
    return _status_change(report_id, SeenStatusForm(), lambda report, form: desk.start_verifying(
        current_user, report, form.seen_status.data))


@bp.route("/desk/<int:report_id>/refer", methods=["POST"])
@roles_required("satgas")
def refer(report_id: int):
    return _status_change(report_id, ReferForm(), lambda report, form: desk.refer(
        current_user, report, form.seen_status.data, form.body.data, form.note.data or ""))


@bp.route("/desk/<int:report_id>/close", methods=["POST"])
@roles_required("satgas")
def close(report_id: int):
    return _status_change(report_id, CloseForm(), lambda report, form: desk.close(
        current_user, report, form.seen_status.data, form.reason.data))


@bp.route("/desk/<int:report_id>/told", methods=["POST"])
@roles_required("satgas")
def reporter_told(report_id: int):
    return _status_change(report_id, SeenStatusForm(), lambda report, form: desk.mark_reporter_told(
        current_user, report, form.seen_status.data), done=_("Tercatat: pelapor sudah dikabari."))


@bp.route("/desk/<int:report_id>/notes", methods=["POST"])
@roles_required("satgas")
def add_note(report_id: int):
    report = _report_or_404(report_id)
    form = NoteForm()
    if form.validate_on_submit():
        desk.add_note(current_user, report, form.text.data)
        db.session.commit()
        flash(_("Catatan tersimpan."), "success")
    else:
        flash(" ".join(str(e) for e in form.text.errors) or _("Tulis catatannya."), "info")
    return redirect(url_for("community.reports.report_detail", report_id=report_id))


@bp.route("/desk/<int:report_id>/pictures/<int:attachment_id>")
@roles_required(*DESK_ROLES)
def picture(report_id: int, attachment_id: int):
    report = _report_or_404(report_id)
    attachment = next((a for a in report.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    desk.record_picture_view(current_user, report, attachment)
    db.session.commit()
    return send_stored(attachment.file, attachment=False, download_name=f"{report.code}-{attachment.id}")


@bp.route("/desk/identifiers/<digest>")
@roles_required(*DESK_ROLES)
def identifier(digest: str):
    if len(digest) != 64:
        abort(404)
    page = page_arg()
    found = linking.identifier_reports(digest, page)
    if found is None:
        abort(404)
    first, rows, has_next, total = found
    return render_template(
        "community/reports/identifier.html", identifier=first, rows=rows, page=page,
        has_next=has_next, total=total, pager_args={"digest": digest},
    )


@bp.route("/desk/dashboard")
@roles_required(*DESK_ROLES)
def dashboard_page():
    return render_template("community/reports/dashboard.html", stats=dashboard.province_stats())


@bp.route("/desk/dashboard.csv")
@roles_required(*DESK_ROLES)
def dashboard_csv():
    body = dashboard.counts_csv(dashboard.province_stats())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=laporan-satgas-hitungan.csv",
    })
