"""Counselors' pages (``/counseling/staff``) on the shared ``mentoring``
blueprint: dashboard, profile and availability, requests (confirm, decline,
cancel, propose a new time, outcome), confidential notes, clients and handover
notes, urgent flags, booking on a member's behalf. Every route needs the
counselor role; someone else's appointment or client is a 404.
"""
from __future__ import annotations

import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import lazyload

from accounts import audit
from accounts.forms import EmptyForm
from accounts.models import User
from accounts.permissions import roles_required
from accounts.phones import display_phone
from accounts.reauth import require_recent_password
from accounts.services import Registration, phone_taken, record_consent, register_member
from core.db import utcnow
from core.extensions import db
from mentoring.blueprint import bp
from mentoring.counseling import agenda, availability, notes, services, wellbeing
from mentoring.counseling import slots as slotlib
from mentoring.counseling._common import CounselingError, SlotTaken
from mentoring.counseling.forms import (
    MODE_CHOICES,
    ExceptionForm,
    FindMemberForm,
    HandoverForm,
    NewMemberForm,
    NoteForm,
    OnBehalfBookingForm,
    ProfileForm,
    RangeForm,
    ReasonForm,
    SlotForm,
    parse_slot,
    slot_value,
)
from mentoring.counseling.models import Appointment, WellbeingCheck
from mentoring.counseling.permissions import (
    can_cancel_appointment,
    can_confirm_appointment,
    can_manage_appointment,
    can_mark_outcome,
    can_propose_reschedule,
    can_write_note,
)


def _staff_appointment_or_404(appointment_id: int) -> Appointment:
    appointment = agenda.get_appointment(appointment_id)
    if appointment is None or not can_manage_appointment(current_user, appointment):
        abort(404)
    return appointment


def _my_profile():
    return availability.get_or_create_profile(current_user)


@bp.route("/counseling/staff")
@roles_required("counselor")
def staff_dashboard():
    profile = availability.get_profile_for(current_user)
    if profile is None:
        profile = _my_profile()
        db.session.commit()
    board = agenda.dashboard(profile)
    by_day = {day: [] for day in board.week_days}
    for appointment in board.week:
        by_day.setdefault(slotlib.local_day(appointment.starts_at), []).append(appointment)
    return render_template(
        "mentoring/counseling/staff/dashboard.html",
        profile=profile,
        board=board,
        by_day=by_day,
        form=EmptyForm(),
    )


@bp.route("/counseling/staff/profile", methods=["GET", "POST"])
@roles_required("counselor")
def staff_profile():
    profile = _my_profile()
    form = ProfileForm(obj=profile) if request.method == "GET" else ProfileForm()
    if form.validate_on_submit():
        availability.update_profile(
            current_user,
            profile,
            bio=form.bio.data or "",
            languages=list(form.languages.data),
            modes=list(form.modes.data),
            place=form.place.data or None,
            video_link=form.video_link.data or None,
            accepts_new_clients=form.accepts_new_clients.data,
            requires_confirmation=form.requires_confirmation.data,
            session_minutes=form.session_minutes.data,
            buffer_minutes=form.buffer_minutes.data,
            min_notice_hours=form.min_notice_hours.data,
            horizon_days=form.horizon_days.data,
            daily_max=form.daily_max.data,
            cancel_notice_hours=form.cancel_notice_hours.data,
        )
        db.session.commit()
        flash(_("Profil konselor Anda sudah disimpan."), "success")
        return redirect(url_for("mentoring.staff_dashboard"))
    db.session.commit()  # the profile may have just been created
    return render_template("mentoring/counseling/staff/profile.html", form=form)


def _minute(value) -> int:
    return value.hour * 60 + value.minute


@bp.route("/counseling/staff/availability", methods=["GET", "POST"])
@roles_required("counselor")
def staff_availability():
    profile = _my_profile()
    range_form = RangeForm(prefix="range")
    exception_form = ExceptionForm(prefix="exc")
    status = 200
    if request.method == "POST":
        try:
            if "range-submit" in request.form and range_form.validate():
                end = _minute(range_form.end.data) or slotlib.DAY_MINUTES  # 00:00 = midnight
                availability.add_range(
                    profile, int(range_form.weekday.data), _minute(range_form.start.data), end
                )
            elif "exc-submit" in request.form and exception_form.validate():
                start = exception_form.start.data
                end = exception_form.end.data
                availability.add_exception(
                    profile,
                    exception_form.day.data,
                    exception_form.kind.data,
                    _minute(start) if start else None,
                    (_minute(end) or slotlib.DAY_MINUTES) if end else None,
                )
            else:
                raise CounselingError("")
        except CounselingError as error:
            db.session.rollback()
            profile = _my_profile()
            if str(error):
                target = range_form if "range-submit" in request.form else exception_form
                target.form_errors.append(_(str(error)))
            status = 400
        else:
            db.session.commit()
            flash(_("Ketersediaan Anda sudah disimpan."), "success")
            return redirect(url_for("mentoring.staff_availability"))
    db.session.commit()
    return (
        render_template(
            "mentoring/counseling/staff/availability.html",
            profile=profile,
            range_form=range_form,
            exception_form=exception_form,
            form=EmptyForm(),
            today=utcnow().astimezone(slotlib.WITA).date(),
        ),
        status,
    )


@bp.route("/counseling/staff/availability/<kind>/<int:row_id>/delete", methods=["POST"])
@roles_required("counselor")
def staff_availability_delete(kind: str, row_id: int):
    profile = _my_profile()
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = (
        availability.remove_range(profile, row_id) if kind == "range"
        else availability.remove_exception(profile, row_id) if kind == "exception"
        else False
    )
    if not removed:
        abort(404)
    db.session.commit()
    flash(_("Sudah dihapus."), "success")
    return redirect(url_for("mentoring.staff_availability"))


@bp.route("/counseling/staff/appointments/<int:appointment_id>")
@roles_required("counselor")
def staff_appointment(appointment_id: int):
    appointment = _staff_appointment_or_404(appointment_id)
    return render_template(
        "mentoring/counseling/staff/appointment.html",
        appointment=appointment,
        form=EmptyForm(),
        is_client=agenda.is_counselor_of(current_user, appointment.member),
    )


@bp.route("/counseling/staff/appointments/<int:appointment_id>/confirm", methods=["POST"])
@roles_required("counselor")
def staff_confirm(appointment_id: int):
    appointment = _staff_appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit() or not can_confirm_appointment(current_user, appointment):
        abort(400)
    try:
        services.confirm_appointment(current_user, appointment)
    except CounselingError as error:
        db.session.rollback()
        flash(_(str(error)), "info")
    else:
        db.session.commit()
        flash(_("Sesi sudah dikonfirmasi. Anggota diberi tahu."), "success")
    return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment_id))


def _staff_reason_page(appointment_id: int, action: str):
    appointment = _staff_appointment_or_404(appointment_id)
    allowed = (
        can_confirm_appointment(current_user, appointment) if action == "decline"
        else can_cancel_appointment(current_user, appointment)
    )
    if not allowed:
        flash(_("Sesi ini sudah tidak bisa diubah."), "info")
        return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))
    form = ReasonForm()
    if form.validate_on_submit():
        if action == "decline":
            services.decline_appointment(current_user, appointment, form.reason.data)
            flash(_("Permintaan ditolak. Anggota melihat alasan Anda."), "success")
        else:
            services.cancel_appointment(current_user, appointment, form.reason.data)
            flash(_("Sesi dibatalkan. Anggota diberi tahu."), "success")
        db.session.commit()
        return redirect(url_for("mentoring.staff_dashboard"))
    return render_template(
        "mentoring/counseling/cancel.html",
        appointment=appointment,
        form=form,
        decline=action == "decline",
        late=False,
        action=url_for(f"mentoring.staff_{action}", appointment_id=appointment.id),
        back=url_for("mentoring.staff_appointment", appointment_id=appointment.id),
    )


@bp.route("/counseling/staff/appointments/<int:appointment_id>/decline", methods=["GET", "POST"])
@roles_required("counselor")
def staff_decline(appointment_id: int):
    return _staff_reason_page(appointment_id, "decline")


@bp.route("/counseling/staff/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@roles_required("counselor")
def staff_cancel(appointment_id: int):
    return _staff_reason_page(appointment_id, "cancel")


@bp.route("/counseling/staff/appointments/<int:appointment_id>/propose", methods=["GET", "POST"])
@roles_required("counselor")
def staff_propose(appointment_id: int):
    appointment = _staff_appointment_or_404(appointment_id)
    if not can_propose_reschedule(current_user, appointment):
        flash(_("Sesi ini sudah tidak bisa diubah."), "info")
        return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))
    form = SlotForm()
    if form.validate_on_submit():
        start = parse_slot(form.start.data)
        try:
            services.propose_reschedule(current_user, appointment, start)
        except SlotTaken:
            db.session.rollback()
            form.start.errors.append(_("Waktu ini baru saja diambil orang lain. Pilih waktu lain."))
        else:
            db.session.commit()
            flash(_("Usulan waktu baru terkirim ke anggota."), "success")
            return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))
    free = availability.free_slots_for(appointment.counselor, exclude=appointment, ignore_notice=True)
    return render_template(
        "mentoring/counseling/staff/propose.html",
        appointment=appointment,
        form=form,
        days=slotlib.group_by_day(free),
    )


@bp.route("/counseling/staff/appointments/<int:appointment_id>/outcome", methods=["POST"])
@roles_required("counselor")
def staff_outcome(appointment_id: int):
    appointment = _staff_appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit() or not can_mark_outcome(current_user, appointment):
        abort(400)
    attended = request.form.get("outcome") == "attended"
    services.mark_outcome(current_user, appointment, attended)
    db.session.commit()
    flash(_("Sudah dicatat."), "success")
    return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))


@bp.route("/counseling/staff/appointments/<int:appointment_id>/note", methods=["GET", "POST"])
@roles_required("counselor")
@require_recent_password
def staff_note(appointment_id: int):
    appointment = _staff_appointment_or_404(appointment_id)
    if not can_write_note(current_user, appointment):
        abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        notes.save_note(current_user, appointment, form.body.data)
        db.session.commit()
        flash(_("Catatan sesi tersimpan. Hanya Anda yang bisa membacanya."), "success")
        return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))
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
    profile = _my_profile()
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
        return redirect(url_for("mentoring.staff_client", member_id=member.id))
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


@bp.route("/counseling/staff/urgent/<int:check_id>/handled", methods=["POST"])
@roles_required("counselor")
def staff_urgent_handled(check_id: int):
    check = db.session.get(WellbeingCheck, check_id)
    if check is None or not check.acute:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            wellbeing.handle_urgent(current_user, check)
        except CounselingError:
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Ditandai sudah ditangani."), "success")
    return redirect(url_for("mentoring.staff_dashboard"))


@bp.route("/counseling/staff/book", methods=["GET", "POST"])
@roles_required("counselor")
def staff_book():
    profile = _my_profile()
    find = FindMemberForm(request.args)
    member = None
    new_form = None
    book_form = OnBehalfBookingForm()
    phone = request.form.get("member_phone") if request.method == "POST" else None
    if request.method == "GET" and request.args.get("phone") and find.validate():
        phone = find.phone.data
    if phone:
        member = agenda.find_member_by_phone(phone)
        if member is None and request.method == "GET":
            new_form = NewMemberForm(formdata=None, phone=display_phone(phone))
            new_form.phone.raw_text = display_phone(phone)
    if member is None and request.method == "POST":
        abort(400)
    if member is not None:
        free = availability.free_slots_for(profile, ignore_notice=True)
        book_form.start.choices = [
            (slot_value(s), format_date(s, "EEE d MMM") + " " + s.astimezone(slotlib.WITA).strftime("%H:%M"))
            for s in free
        ]
        book_form.mode.choices = [(c, label) for c, label in MODE_CHOICES if c in profile.modes]
        book_form.member_phone.data = member.phone
        if book_form.validate_on_submit():
            start = parse_slot(book_form.start.data)
            try:
                appointment = services.book_appointment(
                    current_user, profile, member, start, book_form.mode.data,
                    topic=book_form.topic.data,
                )
            except SlotTaken:
                db.session.rollback()
                book_form.start.errors.append(_("Waktu ini baru saja diambil orang lain. Pilih waktu lain."))
            except CounselingError as error:
                db.session.rollback()
                book_form.start.errors.append(_(str(error)))
            else:
                db.session.commit()
                flash(_("Sesi sudah dijadwalkan dan dikonfirmasi. Anggota diberi tahu."), "success")
                return redirect(url_for("mentoring.staff_appointment", appointment_id=appointment.id))
    db.session.commit()
    return render_template(
        "mentoring/counseling/staff/book.html",
        find=find,
        member=member,
        new_form=new_form,
        book_form=book_form,
        searched=bool(request.args.get("phone")),
    )


@bp.route("/counseling/staff/book/new-member", methods=["POST"])
@roles_required("counselor")
def staff_new_member():
    form = NewMemberForm()
    if form.validate_on_submit():
        if phone_taken(form.phone.data):
            form.phone.errors.append(_("Nomor ini sudah terdaftar. Cari dengan nomor ini."))
        else:
            member = register_member(
                Registration(
                    name=form.name.data,
                    phone=form.phone.data,
                    # The member sets their own password later with a code from the office.
                    password=secrets.token_urlsafe(24),
                    locale="id",
                )
            )
            record_consent(member, services.ON_BEHALF_CONSENT)
            audit.record(current_user, "counseling.member_created", subject=member)
            db.session.commit()
            flash(_("Akun anggota dibuat. Untuk masuk sendiri, anggota bisa meminta kode atur ulang ke petugas."), "success")
            return redirect(url_for("mentoring.staff_book", phone=member.phone))
    return (
        render_template(
            "mentoring/counseling/staff/book.html",
            find=FindMemberForm(formdata=None),
            member=None,
            new_form=form,
            book_form=None,
            searched=True,
        ),
        400,
    )
