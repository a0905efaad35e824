"""Members' counseling pages (``mentoring.counseling``): find a counselor,
book, "my appointments" (cancel, reschedule, answer a proposal, calendar
file), the wellbeing check and handover consent. The counselors' pages are in
the ``staff_*views.py`` modules.
"""
from __future__ import annotations

from functools import lru_cache

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from core.db import utcnow
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.i18n import current_language
from core.read_only import read_only
from core.views_kit import query_text, refusal_to_flash
from mentoring.counseling import (
    agenda,
    availability,
    booking,
    notes,
    notices,
    rescheduling,
    slot_cache,
)
from mentoring.counseling import slots as slotlib
from mentoring.counseling._common import SlotTaken
from mentoring.counseling.blueprint import bp
from mentoring.counseling.forms import (
    MODE_CHOICES,
    MODE_NAMES,
    BookingForm,
    CounselorFilterForm,
    HandoverConsentForm,
    ReasonForm,
    SlotForm,
    parse_slot,
    slot_value,
    wellbeing_form_class,
)
from mentoring.counseling.models import Appointment
from mentoring.counseling.permissions import (
    can_accept_booking,
    can_answer_proposal,
    can_cancel_appointment,
    can_reschedule_appointment,
    can_view_appointment,
)
from mentoring.counseling.wellbeing import WELLBEING_QUESTIONS, submit_wellbeing


def _first_days(free: list, shown: int = 7):
    """The first ``shown`` days with free slots (all of them with ``?all=1``)."""
    days = slotlib.group_by_day(free)
    if query_text("all", 1) == "1":
        return days, False
    return days[:shown], len(days) > shown


def _member_appointment_or_404(appointment_id: int) -> Appointment:
    appointment = agenda.get_appointment(appointment_id)
    if appointment is None or not can_view_appointment(current_user, appointment):
        abort(404)
    return appointment


def _counselor_or_404(profile_id: int):
    profile = availability.get_counselor(profile_id)
    if profile is None:
        abort(404)
    return profile


def _just_taken(profile, target, template_args: dict | None = None, exclude=None):
    """The "just taken, here are the nearest free ones" answer (after rollback)."""
    db.session.rollback()
    profile = availability.get_counselor(profile.id)
    nearest = availability.nearest_free(profile, target, exclude=exclude) if profile else []
    return (
        render_template(
            "mentoring/counseling/just_taken.html",
            profile=profile,
            nearest=nearest,
            **(template_args or {}),
        ),
        409,
    )


@bp.route("/counseling")
@read_only
@login_required
def counselors():
    form = CounselorFilterForm(request.args)
    language = form.language.data if form.validate() else None
    mode = form.mode.data if form.mode.data in MODE_NAMES else None
    upcoming, version = agenda.next_appointment(current_user)
    return render_template(
        "mentoring/counseling/counselors.html",
        form=form,
        counselor_list=_counselor_list(language or None, mode, version),
        upcoming=upcoming,
    )


def _counselor_list(language: str | None, mode: str | None, version: int | None) -> Markup:
    """The list's HTML, the same for every member: kept per page language and
    filter for as long as the first free slots in it are exact (slot_cache,
    under the token ``version`` read before it)."""
    now = utcnow()

    def compute():
        profiles = availability.list_counselors(language, mode)
        first, until = slot_cache.first_free_until(profiles, now) if profiles else ({}, slot_cache.FOREVER)
        html = render_template("mentoring/counseling/_counselor_list.html", profiles=profiles, first=first)
        return Markup(html), until  # noqa: S704 (rendered by an autoescaping template)

    return slot_cache.kept(("list", current_language(), language, mode), now, compute, version=version)


@bp.route("/counseling/counselors/<int:profile_id>")
@read_only
@login_required
def counselor_detail(profile_id: int):
    found = availability.get_counselor_and_token(profile_id)
    if found is None:
        abort(404)
    profile, version = found
    free = slot_cache.free_slots(profile, version=version) if profile.user_id != current_user.id else []
    days, more = _first_days(free)
    slot_days = _slot_days(current_language(), request.script_root, profile.id,
                           tuple((day, tuple(slots)) for day, slots in days), more)
    return render_template("mentoring/counseling/counselor_detail.html", profile=profile, slot_days=slot_days)


@lru_cache(maxsize=slot_cache.MAX_ENTRIES)
def _slot_days(_language: str, _root: str, profile_id: int, days: tuple, more: bool) -> Markup:
    """The picker's days and slot links, drawn once per content and kept per process:
    the arguments are all it shows (the page's language and mount point, the
    counselor, the slots), the same for every member; nothing of the viewer is in it."""
    book_url = url_for("mentoring.counseling.book", profile_id=profile_id) + "?start="
    html = render_template(
        "mentoring/counseling/_slot_days.html", days=days, more=more,
        slot_url=lambda slot: book_url + slot_value(slot),  # the same link url_for gives, per slot
    )
    return Markup(html)  # noqa: S704 (rendered by an autoescaping template)


@bp.route("/counseling/counselors/<int:profile_id>/book", methods=["GET", "POST"])
@login_required
def book(profile_id: int):
    profile = _counselor_or_404(profile_id)
    form = BookingForm()
    form.mode.choices = [(code, label) for code, label in MODE_CHOICES if code in profile.modes]
    if request.method == "GET":
        form.start.data = query_text("start", 20)
        if len(form.mode.choices) == 1:
            form.mode.data = form.mode.choices[0][0]
    start = parse_slot(form.start.data)
    if start is None:
        flash(_("Pilih salah satu waktu yang tersedia."), "info")
        return redirect(url_for("mentoring.counseling.counselor_detail", profile_id=profile.id))
    if form.validate_on_submit():
        with refusal_to_flash() as outcome:
            try:
                appointment = booking.book_appointment(
                    current_user,
                    profile,
                    current_user,
                    start,
                    form.mode.data,
                    topic=form.topic.data,
                    pseudonym=form.pseudonym.data if form.use_pseudonym.data else None,
                )
            except SlotTaken:
                return _just_taken(profile, start)
            db.session.commit()
            outcome.success = (
                _("Sesi Anda sudah dikonfirmasi.") if appointment.status == "confirmed"
                else _("Permintaan Anda terkirim. Konselor akan mengonfirmasi, dan Anda akan diberi tahu.")
            )
        if outcome.refused:
            return redirect(url_for("mentoring.counseling.counselor_detail", profile_id=profile.id))
        return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))
    return render_template(
        "mentoring/counseling/book.html", profile=profile, form=form, start=start,
        inside_notice=booking.inside_cancel_notice(profile, start, utcnow()),
        notice_hours=profile.cancel_notice_hours,
    )


@bp.route("/counseling/appointments")
@login_required
def my_appointments():
    upcoming, past = agenda.member_appointments(current_user)
    return render_template(
        "mentoring/counseling/my_appointments.html", upcoming=upcoming, past=past
    )


@bp.route("/counseling/appointments/<int:appointment_id>")
@login_required
def appointment_detail(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    show_check = appointment.is_active and agenda.is_first_session(current_user)
    return render_template(
        "mentoring/counseling/appointment.html",
        appointment=appointment,
        form=ButtonForm(),
        show_check=show_check,
        late=appointment.is_active and booking.is_late_cancellation(appointment, utcnow()),
        reminders=notices.reminders_to_come(appointment),
    )


@bp.route("/counseling/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_appointment(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    if not can_cancel_appointment(current_user, appointment):
        flash(_("Sesi ini tidak bisa dibatalkan lagi."), "info")
        return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))
    form = ReasonForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Sesi sudah dibatalkan. Waktunya terbuka lagi untuk orang lain.")) as outcome:
            booking.cancel_appointment(current_user, appointment, form.reason.data)
            db.session.commit()
        if outcome.refused:
            return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment_id))
        return redirect(url_for("mentoring.counseling.my_appointments"))
    return render_template(
        "mentoring/counseling/cancel.html",
        appointment=appointment,
        form=form,
        late=booking.is_late_cancellation(appointment, utcnow()),
        action=url_for("mentoring.counseling.cancel_appointment", appointment_id=appointment.id),
        back=url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id),
    )


@bp.route("/counseling/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    if not can_reschedule_appointment(current_user, appointment):
        flash(_("Sesi ini tidak bisa dipindah lagi."), "info")
        return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))
    form = SlotForm()
    if request.method == "GET":
        form.start.data = query_text("start", 20)
    start = parse_slot(form.start.data)
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Jadwal sudah dipindah.")):
            try:
                rescheduling.reschedule_appointment(current_user, appointment, start)
            except SlotTaken:
                return _just_taken(
                    appointment.counselor, start, {"appointment": appointment}, exclude=appointment
                )
            db.session.commit()
        return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))
    free = [] if start else availability.free_slots_for(appointment.counselor, exclude=appointment)
    days, more = _first_days(free)
    return render_template(
        "mentoring/counseling/reschedule.html",
        appointment=appointment,
        form=form,
        start=start,
        days=days,
        more=more,
        inside_notice=bool(start) and booking.inside_cancel_notice(appointment.counselor, start, utcnow()),
        notice_hours=appointment.counselor.cancel_notice_hours,
    )


@bp.route("/counseling/appointments/<int:appointment_id>/proposal", methods=["POST"])
@login_required
def answer_proposal(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    form = EmptyForm()
    if not form.validate_on_submit() or not can_answer_proposal(current_user, appointment):
        abort(400)
    accepting = request.form.get("answer") == "accept"
    done, category = (
        (_("Waktu baru sudah Anda terima. Sesi dikonfirmasi."), "success") if accepting
        else (_("Usulan ditolak. Sesi tetap pada waktu semula."), "info")
    )
    with refusal_to_flash(success=done, success_category=category):
        if accepting:
            proposed = appointment.proposed_starts_at
            try:
                rescheduling.accept_proposal(current_user, appointment)
            except SlotTaken:
                return _just_taken(
                    appointment.counselor, proposed, {"appointment": appointment}, exclude=appointment
                )
        else:
            rescheduling.reject_proposal(current_user, appointment)
        db.session.commit()
    return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))


@bp.route("/counseling/appointments/<int:appointment_id>/accept", methods=["POST"])
@login_required
def accept_booking(appointment_id: int):
    """The member agrees to a session a counselor booked on her behalf."""
    appointment = _member_appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit() or not can_accept_booking(current_user, appointment):
        abort(400)
    with refusal_to_flash(success=_("Terima kasih. Sesi ini sudah Anda setujui.")):
        booking.accept_booking(current_user, appointment)
        db.session.commit()
    return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))


@bp.route("/counseling/appointments/<int:appointment_id>/share", methods=["POST"])
@login_required
def share_identity(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    if EmptyForm().validate_on_submit():
        booking.share_identity(current_user, appointment)
        db.session.commit()
        flash(_("Konselor sekarang bisa melihat nama lengkap Anda."), "success")
    return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))


@bp.route("/counseling/appointments/<int:appointment_id>/calendar.ics")
@login_required
def appointment_ics(appointment_id: int):
    appointment = _member_appointment_or_404(appointment_id)
    profile = appointment.counselor
    location = {"in_person": profile.place, "video": profile.video_link}.get(appointment.mode)
    if appointment.mode == "phone":
        location = _("Telepon")
    body = agenda.calendar_ics(
        appointment, _("Sesi konseling dengan %(name)s", name=profile.name), location
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f"attachment; filename=sesi-konseling-{appointment.id}.ics",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/counseling/wellbeing", methods=["GET", "POST"])
@login_required
def wellbeing():
    form = wellbeing_form_class()()
    if request.method == "GET":
        form.appointment.data = query_text("appointment", 12)
    appointment = None
    if (form.appointment.data or "").isdigit():
        appointment = db.session.get(Appointment, int(form.appointment.data))
        if appointment is None or not can_view_appointment(current_user, appointment):
            abort(404)
    if form.validate_on_submit():
        answers = {
            name: getattr(form, name).data for name, *_rest in WELLBEING_QUESTIONS
        }
        check = submit_wellbeing(current_user, answers, appointment)
        db.session.commit()
        if check.acute:
            return render_template("mentoring/counseling/crisis.html")
        flash(_("Terima kasih. Jawaban Anda membantu konselor bersiap."), "success")
        if appointment is not None:
            return redirect(url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id))
        return redirect(url_for("mentoring.counseling.counselors"))
    return render_template(
        "mentoring/counseling/wellbeing.html", form=form, questions=WELLBEING_QUESTIONS
    )


@bp.route("/counseling/sharing", methods=["GET", "POST"])
@login_required
def handover_sharing():
    form = HandoverConsentForm()
    consent = notes.handover_consent(current_user)
    if request.method == "GET":
        form.consent.data = consent is not None
    if form.validate_on_submit():
        notes.set_handover_consent(current_user, bool(form.consent.data))
        db.session.commit()
        flash(_("Pilihan Anda sudah disimpan."), "success")
        return redirect(url_for("mentoring.counseling.handover_sharing"))
    return render_template(
        "mentoring/counseling/sharing.html",
        form=form,
        consent=consent,
        notes=notes.handover_notes_about(current_user),
    )
