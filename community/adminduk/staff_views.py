"""Registrars' pages (role ``registrar`` or ``admin``): the queue, a request's
desk page (status, assignment, internal notes, appointment, conversation), the
documents and numbers behind a recent password entry (audited), the dashboard,
and the admins' page of who opened whose documents."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import User
from accounts.permissions import roles_required
from accounts.reauth import require_recent_password
from community.adminduk import desk, documents, outreach, requests
from community.adminduk.forms import (
    AppointmentForm,
    AssignForm,
    AuditFilterForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
)
from community.adminduk.models import (
    OPEN_STATUSES,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
    Attachment,
    HelpRequest,
)
from community.adminduk.views import bp, conversation
from core.extensions import db
from core.filter_forms import read_filters
from core.i18n import WITA
from core.read_only import read_only
from core.uploads import send_stored
from core.views_kit import page_arg, refusal_to_flash

REGISTRAR = ("registrar", "admin")
QUEUE_FILTERS = ("status", "service", "regency", "assigned")


def _per_page() -> int:
    try:
        return max(1, min(int(request.args.get("per_page", 25)), 100))
    except ValueError:
        return 25


def desk_request_or_404(request_id: int) -> HelpRequest:
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None:
        abort(404)
    return help_request


@bp.route("/desk")
@read_only
@roles_required(*REGISTRAR)
def desk_queue():
    chosen = read_filters(QueueFilterForm, "community/adminduk/_queue_filters.html", QUEUE_FILTERS)
    filters = desk.QueueFilters()
    if chosen.data is not None:
        data = chosen.data
        filters = desk.QueueFilters(status=data["status"] or "open", service=data["service"] or "",
                                    regency=data["regency"] or "", assigned=data["assigned"] or "")
    page = desk.queue_page(filters, current_user, page_arg(), per_page=_per_page())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "community/adminduk/desk_queue.html", filter_fields=chosen.markup, page=page, rows=page.items,
        cutoff=desk.overdue_cutoff(), pager_args=args,
        waiting_on_us=desk.WAITING_ON_US,
    )


@bp.route("/desk/requests/<int:request_id>")
@roles_required(*REGISTRAR)
def desk_request(request_id: int):
    help_request = desk_request_or_404(request_id)
    messages, history, loose = conversation(help_request, internal=True)
    assign_form = AssignForm(formdata=None, assignee=help_request.assigned_to_id or 0)
    assign_form.assignee.choices = [(0, _("Belum ada"))] + [(u.id, u.name) for u in desk.registrars()]
    status_form = StatusForm(formdata=None, expected=help_request.status)
    status_form.status.choices = [(s, STATUS_LABELS[s]) for s in TRANSITIONS[help_request.status]]
    return render_template(
        "community/adminduk/desk_request.html", req=help_request, messages=messages,
        history=history, loose=loose, assign_form=assign_form, status_form=status_form,
        note_form=NoteForm(formdata=None), message_form=MessageForm(formdata=None),
        appointment_form=AppointmentForm(formdata=None),
        appointment=outreach.next_appointment(help_request), overdue=desk.is_overdue(help_request),
    )


def _back(help_request: HelpRequest):
    return redirect(url_for(".desk_request", request_id=help_request.id))


@bp.route("/desk/requests/<int:request_id>/status", methods=["POST"])
@roles_required(*REGISTRAR)
def desk_status(request_id: int):
    help_request = desk_request_or_404(request_id)
    form = StatusForm()
    form.status.choices = [(s, s) for s in STATUSES]
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Status diperbarui. Anggota sudah diberi tahu.")):
            desk.change_status(current_user, help_request, form.status.data, form.note.data,
                               expected=form.expected.data or None)
            db.session.commit()
    return _back(help_request)


@bp.route("/desk/requests/<int:request_id>/assign", methods=["POST"])
@roles_required(*REGISTRAR)
def desk_assign(request_id: int):
    help_request = desk_request_or_404(request_id)
    form = AssignForm()
    form.assignee.choices = [(0, "")] + [(u.id, u.name) for u in desk.registrars()]
    if request.form.get("me"):
        form.assignee.data = current_user.id
        form.assignee.choices.append((current_user.id, current_user.name))
    if form.validate_on_submit() or request.form.get("me"):
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        with refusal_to_flash(success=_("Penugasan disimpan.")):
            desk.assign(current_user, help_request, assignee)
            db.session.commit()
    return _back(help_request)


@bp.route("/desk/requests/<int:request_id>/notes", methods=["POST"])
@roles_required(*REGISTRAR)
def desk_note(request_id: int):
    help_request = desk_request_or_404(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        desk.add_note(current_user, help_request, form.body.data)
        db.session.commit()
        flash(_("Catatan internal disimpan."), "success")
    return _back(help_request)


@bp.route("/desk/requests/<int:request_id>/messages", methods=["POST"])
@roles_required(*REGISTRAR)
def desk_message(request_id: int):
    help_request = desk_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Pesan terkirim ke anggota.")):
            requests.post_message(current_user, help_request, form.body.data, form.files.data)
            db.session.commit()
    return _back(help_request)


@bp.route("/desk/requests/<int:request_id>/appointment", methods=["POST"])
@roles_required(*REGISTRAR)
def desk_appointment(request_id: int):
    help_request = desk_request_or_404(request_id)
    form = AppointmentForm()
    if form.validate_on_submit():
        starts_at = form.starts_at.data.replace(tzinfo=WITA).astimezone(UTC)
        with refusal_to_flash(success=_("Janji temu disimpan. Anggota diberi tahu dan diingatkan sehari sebelumnya.")):
            desk.set_appointment(current_user, help_request, starts_at, form.place.data)
            db.session.commit()
    else:
        flash(_("Isi tanggal, jam dan tempat janji temu."), "info")
    return _back(help_request)


@bp.route("/desk/requests/<int:request_id>/files/<int:attachment_id>")
@roles_required(*REGISTRAR)
@require_recent_password
def desk_file(request_id: int, attachment_id: int):
    help_request = desk_request_or_404(request_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.request_id != help_request.id:
        abort(404)
    stored = documents.open_attachment(current_user, help_request, attachment)
    if stored is None:
        abort(404)
    db.session.commit()  # the audit row stays even if sending fails
    return send_stored(stored, download_name=f"dokumen-{attachment.id}.{stored.extension}")


@bp.route("/desk/requests/<int:request_id>/numbers")
@roles_required(*REGISTRAR)
@require_recent_password
def desk_numbers(request_id: int):
    help_request = desk_request_or_404(request_id)
    nik, kk_number = documents.reveal_numbers(current_user, help_request)
    db.session.commit()
    return render_template("community/adminduk/desk_numbers.html", req=help_request, nik=nik,
                           kk_number=kk_number)


@bp.route("/desk/dashboard")
@roles_required(*REGISTRAR)
def desk_dashboard():
    from community.adminduk import chart

    counts = desk.open_counts()
    weeks = desk.weekly_median_days()
    return render_template(
        "community/adminduk/desk_dashboard.html", counts=counts, weeks=weeks,
        statuses=OPEN_STATUSES, regencies=sorted({regency for _status, regency in counts}),
        svg=chart.weekly_svg(weeks),
    )


@bp.route("/admin/document-views")
@roles_required("admin")
def admin_document_views():
    form = AuditFilterForm(request.args)
    form.registrar.choices = [(0, _("Semua pendamping"))] + [(u.id, u.name) for u in desk.registrars()]
    form.validate()
    today = datetime.now(WITA).date()
    start_day = form.start.data or today - timedelta(days=30)
    end_day = form.end.data or today
    start = datetime.combine(start_day, time.min, WITA).astimezone(UTC)
    end = datetime.combine(end_day + timedelta(days=1), time.min, WITA).astimezone(UTC)
    events = documents.views_by(form.registrar.data or None, start, end)
    return render_template("community/adminduk/admin_document_views.html", form=form, events=events,
                           start_day=start_day, end_day=end_day)
