"""Counselors' dashboard and the actions on an appointment (``/counseling/staff``):
confirm, decline, cancel, propose a new time, outcome, and closing an urgent
flag. Profile and availability set-up are in ``staff_setup_views.py``;
clients, notes and booking on behalf in ``staff_client_views.py``. Every route
needs the counselor role; someone else's appointment is a 404.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.read_only import read_only
from core.views_kit import page_arg, refusal_to_flash
from mentoring.counseling import agenda, availability, booking, dashboard, rescheduling, wellbeing
from mentoring.counseling import slots as slotlib
from mentoring.counseling.blueprint import bp
from mentoring.counseling.forms import ReasonForm, SlotForm, parse_slot
from mentoring.counseling.models import Appointment, CounselorProfile, WellbeingCheck
from mentoring.counseling.permissions import (
    can_cancel_appointment,
    can_confirm_appointment,
    can_manage_appointment,
    can_mark_outcome,
    can_propose_reschedule,
)

MAX_DAYS_AWAY = 3660  # a day view ten years away is a typo or a probe


def staff_appointment_or_404(appointment_id: int) -> Appointment:
    """The current counselor's appointment, or 404."""
    appointment = agenda.get_appointment(appointment_id)
    if appointment is None or not can_manage_appointment(current_user, appointment):
        abort(404)
    return appointment


def my_profile() -> CounselorProfile:
    """The current counselor's profile. A counselor without one (the role came
    before profiles were made on granting it) is sent to the set-up form; a GET
    never creates it."""
    profile = availability.get_profile_for(current_user)
    if profile is None:
        _set_up_first()
    return profile


def _set_up_first():
    flash(_("Lengkapi dulu profil konselor Anda."), "info")
    abort(redirect(url_for("mentoring.counseling.staff_profile")))


@bp.route("/counseling/staff")
@read_only
@roles_required("counselor")
def staff_dashboard():
    board = dashboard.dashboard_for(current_user)
    if board is None:
        _set_up_first()
    return render_template(
        "mentoring/counseling/staff/dashboard.html",
        board=board,
        week_rows=dashboard.WEEK_ROWS,
        form=ButtonForm(),
    )


@bp.route("/counseling/staff/day")
@read_only
@roles_required("counselor")
def staff_day():
    """One day's sessions in full, paged (the dashboard shows the first few)."""
    profile = my_profile()
    day = _day_arg()
    page = page_arg()
    rows, has_next = dashboard.day_rows(profile, day, page)
    return render_template(
        "mentoring/counseling/staff/day.html", day=day, rows=rows, page=page, has_next=has_next,
        days=(day - timedelta(days=1), day + timedelta(days=1)),
    )


@bp.route("/counseling/staff/requests")
@read_only
@roles_required("counselor")
def staff_requests():
    """Every request waiting for the counselor, paged (the dashboard shows the first)."""
    profile = my_profile()
    page = page_arg()
    rows, total = dashboard.waiting_rows(profile, page)
    return render_template(
        "mentoring/counseling/staff/requests.html", rows=rows, page=page,
        has_next=page * dashboard.PAGE_ROWS < total,
    )


def _day_arg() -> date:
    """``?date=YYYY-MM-DD`` (today when absent); anything else answers 400."""
    raw = request.args.get("date", "")
    today = dashboard.today_of()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400)
    if len(raw) != 10 or abs((day - today).days) > MAX_DAYS_AWAY:
        abort(400)
    return day


@bp.route("/counseling/staff/appointments/<int:appointment_id>")
@roles_required("counselor")
def staff_appointment(appointment_id: int):
    appointment = staff_appointment_or_404(appointment_id)
    return render_template(
        "mentoring/counseling/staff/appointment.html",
        appointment=appointment,
        form=ButtonForm(),
        is_client=agenda.is_counselor_of(current_user, appointment.member),
    )


@bp.route("/counseling/staff/appointments/<int:appointment_id>/confirm", methods=["POST"])
@roles_required("counselor")
def staff_confirm(appointment_id: int):
    appointment = staff_appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit() or not can_confirm_appointment(current_user, appointment):
        abort(400)
    with refusal_to_flash(success=_("Sesi sudah dikonfirmasi. Anggota diberi tahu.")):
        booking.confirm_appointment(current_user, appointment)
        db.session.commit()
    return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment_id))


def _staff_reason_page(appointment_id: int, action: str):
    appointment = staff_appointment_or_404(appointment_id)
    allowed = (
        can_confirm_appointment(current_user, appointment) if action == "decline"
        else can_cancel_appointment(current_user, appointment)
    )
    if not allowed:
        flash(_("Sesi ini sudah tidak bisa diubah."), "info")
        return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))
    form = ReasonForm()
    if form.validate_on_submit():
        done = (_("Permintaan ditolak. Anggota melihat alasan Anda.") if action == "decline"
                else _("Sesi dibatalkan. Anggota diberi tahu."))
        with refusal_to_flash(success=done) as outcome:
            if action == "decline":
                booking.decline_appointment(current_user, appointment, form.reason.data)
            else:
                booking.cancel_appointment(current_user, appointment, form.reason.data)
            db.session.commit()
        if outcome.refused:
            return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment_id))
        return redirect(url_for("mentoring.counseling.staff_dashboard"))
    endpoint = "mentoring.counseling.staff_decline" if action == "decline" else "mentoring.counseling.staff_cancel"
    return render_template(
        "mentoring/counseling/cancel.html",
        appointment=appointment,
        form=form,
        decline=action == "decline",
        late=False,
        action=url_for(endpoint, appointment_id=appointment.id),
        back=url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id),
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
    appointment = staff_appointment_or_404(appointment_id)
    if not can_propose_reschedule(current_user, appointment):
        flash(_("Sesi ini sudah tidak bisa diubah."), "info")
        return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))
    form = SlotForm()
    if form.validate_on_submit():
        start = parse_slot(form.start.data)
        with refusal_to_flash(form, "start", success=_("Usulan waktu baru terkirim ke anggota.")) as outcome:
            rescheduling.propose_reschedule(current_user, appointment, start)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))
        appointment = staff_appointment_or_404(appointment_id)  # as it is now
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
    appointment = staff_appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit() or not can_mark_outcome(current_user, appointment):
        abort(400)
    attended = request.form.get("outcome") == "attended"
    with refusal_to_flash(success=_("Sudah dicatat.")):
        booking.mark_outcome(current_user, appointment, attended)
        db.session.commit()
    return redirect(url_for("mentoring.counseling.staff_appointment", appointment_id=appointment.id))


@bp.route("/counseling/staff/urgent/<int:check_id>/handled", methods=["POST"])
@roles_required("counselor")
def staff_urgent_handled(check_id: int):
    check = db.session.get(WellbeingCheck, check_id)
    if check is None or not check.acute:
        abort(404)
    if EmptyForm().validate_on_submit():
        with refusal_to_flash(success=_("Ditandai sudah ditangani.")):
            wellbeing.handle_urgent(current_user, check)
            db.session.commit()
    return redirect(url_for("mentoring.counseling.staff_dashboard"))
