"""A counselor's clients (``/counseling/staff``): confidential session notes,
the client page with handover notes, and booking on a member's behalf (found
by phone, or registered on the spot). Only the member's own counselor opens
the client page; someone else's appointment or client is a 404."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import lazyload

from accounts.models import User
from accounts.permissions import roles_required
from accounts.phones import display_phone
from accounts.reauth import require_recent_password
from core.extensions import db
from core.i18n import format_wita
from core.views_kit import query_text, refusal_to_flash
from mentoring.counseling import agenda, availability, booking, notes
from mentoring.counseling.blueprint import bp
from mentoring.counseling.forms import (
    MODE_CHOICES,
    FindMemberForm,
    HandoverForm,
    NewMemberForm,
    NoteForm,
    OnBehalfBookingForm,
    parse_slot,
    slot_value,
)
from mentoring.counseling.permissions import can_write_note
from mentoring.counseling.staff_views import my_profile, staff_appointment_or_404


@bp.route("/counseling/staff/appointments/<int:appointment_id>/note", methods=["GET", "POST"])
@roles_required("counselor")
@require_recent_password
def staff_note(appointment_id: int):
    appointment = staff_appointment_or_404(appointment_id)
    if not can_write_note(current_user, appointment):
        abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        notes.save_note(current_user, appointment, form.body.data)
        db.session.commit()
        flash(_("Catatan sesi tersimpan. Hanya Anda yang bisa membacanya."), "success")
        return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))
    if request.method == "GET":
        note = notes.read_note(current_user, appointment)
        db.session.commit()  # the audit row of this opening
        form.body.data = note.body if note else ""
    response = Response(
        render_template("mentoring/counseling/staff/note.html", appointment=appointment, form=form)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _client_or_404(member_id: int):
    """Only the member's own counselor (``agenda.is_counselor_of``) gets in: not a
    counselor who found her by phone and booked, or booked and cancelled."""
    profile = my_profile()
    member = db.session.get(User, member_id, options=[lazyload(User.role_rows)])
    history = agenda.client_history(profile, member) if member else []
    if not any(agenda.makes_counselor(a) for a in history):
        abort(404)
    return profile, member, history


@bp.route("/counseling/staff/clients/<int:member_id>", methods=["GET", "POST"])
@roles_required("counselor")
def staff_client(member_id: int):
    profile, member, history = _client_or_404(member_id)
    own = notes.own_handover_note(current_user, member)
    form = HandoverForm(obj=own) if request.method == "GET" else HandoverForm()
    if form.validate_on_submit():
        notes.save_handover(current_user, member, form.body.data)
        db.session.commit()
        flash(_("Catatan serah terima tersimpan."), "success")
        return redirect(url_for("mentoring.counseling.staff_client", member_id=member.id))
    latest = history[0]
    consent = notes.handover_consent(member)
    return render_template(
        "mentoring/counseling/staff/client.html",
        member=member,
        history=history,
        latest=latest,
        form=form,
        # ``_client_or_404`` let us in: we are her counselor.
        shared=notes.shared_handover_notes(current_user, member, consent, counselor_of=True),
        consent=consent,
        no_shows=sum(1 for a in history if a.status == "no_show"),
        late=sum(1 for a in history if a.late_cancellation),
    )


@bp.route("/counseling/staff/book", methods=["GET", "POST"])
@roles_required("counselor")
def staff_book():
    profile = my_profile()
    find = FindMemberForm(request.args)
    found = None
    new_form = None
    book_form = OnBehalfBookingForm()
    phone = request.form.get("member_phone") if request.method == "POST" else None
    if request.method == "GET" and query_text("phone", 30) and find.validate():
        phone = find.phone.data
    if phone:
        found = booking.find_member_for_booking(
            current_user, profile, phone, audited=request.method == "GET"
        )
        if request.method == "GET":
            db.session.commit()  # the audit row of this lookup
        if found is None and request.method == "GET":
            new_form = NewMemberForm(formdata=None, phone=display_phone(phone))
            new_form.phone.raw_text = display_phone(phone)
    if found is None and request.method == "POST":
        abort(400)
    if found is not None:
        free = availability.free_slots_for(profile, ignore_notice=True)
        book_form.start.choices = [
            (slot_value(s), format_wita(s, "short_day_time"))
            for s in free
        ]
        book_form.mode.choices = [(c, label) for c, label in MODE_CHOICES if c in profile.modes]
        book_form.member_phone.data = found.member.phone
        if book_form.validate_on_submit():
            start = parse_slot(book_form.start.data)
            with refusal_to_flash(book_form, "start",
                                  success=_("Sesi sudah dijadwalkan dan dikonfirmasi. Anggota diberi tahu.")) as outcome:
                appointment = booking.book_appointment(
                    current_user, profile, found.member, start, book_form.mode.data,
                    topic=book_form.topic.data, pseudonym=found.pseudonym,
                )
                db.session.commit()
            if outcome.ok:
                return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))
    return render_template(
        "mentoring/counseling/staff/book.html",
        find=find,
        found=found,
        new_form=new_form,
        book_form=book_form,
        searched=bool(query_text("phone", 30)),
    )


@bp.route("/counseling/staff/book/new-member", methods=["POST"])
@roles_required("counselor")
def staff_new_member():
    form = NewMemberForm()
    if form.validate_on_submit():
        with refusal_to_flash(form, "phone",
                              success=_("Akun anggota dibuat. Untuk masuk sendiri, anggota bisa meminta kode atur ulang ke petugas.")) as outcome:
            member = booking.register_member_on_behalf(current_user, form.name.data, form.phone.data)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("mentoring.counseling.staff_book", phone=member.phone))
    return (
        render_template(
            "mentoring/counseling/staff/book.html",
            find=FindMemberForm(formdata=None),
            found=None,
            new_form=form,
            book_form=None,
            searched=True,
        ),
        400,
    )
