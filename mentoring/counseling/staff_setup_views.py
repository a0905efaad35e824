"""A counselor's set-up (``/counseling/staff``): the profile with its booking
rules, and weekly availability with exceptions. Only POSTs write: a counselor
without a profile sees the form filled with the defaults, and saving it
creates the profile."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.db import utcnow
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.views_kit import refusal_to_flash
from mentoring.counseling import availability
from mentoring.counseling import slots as slotlib
from mentoring.counseling.blueprint import bp
from mentoring.counseling.forms import ExceptionForm, ProfileForm, RangeForm
from mentoring.counseling.staff_views import my_profile


@bp.route("/counseling/staff/profile", methods=["GET", "POST"])
@roles_required("counselor")
def staff_profile():
    profile = availability.get_profile_for(current_user)
    if request.method == "GET":
        form = ProfileForm(obj=profile) if profile else ProfileForm(data=availability.profile_defaults())
    else:
        form = ProfileForm()
    if form.validate_on_submit():
        profile = profile or availability.get_or_create_profile(current_user)
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
        return redirect(url_for("mentoring.counseling.staff_dashboard"))
    return render_template("mentoring/counseling/staff/profile.html", form=form)


def _minute(value) -> int:
    return value.hour * 60 + value.minute


def _add_availability(profile, range_form, exception_form) -> None:
    """Add the weekly range (``range_form``) or else the exception the counselor typed."""
    if range_form is not None:
        end = _minute(range_form.end.data) or slotlib.DAY_MINUTES  # 00:00 = midnight
        availability.add_range(profile, int(range_form.weekday.data), _minute(range_form.start.data), end)
        return
    start, end = exception_form.start.data, exception_form.end.data
    availability.add_exception(
        profile,
        exception_form.day.data,
        exception_form.kind.data,
        _minute(start) if start else None,
        (_minute(end) or slotlib.DAY_MINUTES) if end else None,
    )


@bp.route("/counseling/staff/availability", methods=["GET", "POST"])
@roles_required("counselor")
def staff_availability():
    profile = my_profile()
    range_form = RangeForm(prefix="range")
    exception_form = ExceptionForm(prefix="exc")
    status = 200
    if request.method == "POST":
        status = 400
        adding_range = "range-submit" in request.form
        target = range_form if adding_range else exception_form
        if (adding_range or "exc-submit" in request.form) and target.validate():
            with refusal_to_flash(target, "end" if adding_range else "day",
                                  success=_("Ketersediaan Anda sudah disimpan.")) as outcome:
                _add_availability(profile, range_form if adding_range else None, exception_form)
                db.session.commit()
            if outcome.ok:
                return redirect(url_for("mentoring.counseling.staff_availability"))
            profile = my_profile()
    return (
        render_template(
            "mentoring/counseling/staff/availability.html",
            profile=profile,
            range_form=range_form,
            exception_form=exception_form,
            form=ButtonForm(),
            today=utcnow().astimezone(slotlib.WITA).date(),
        ),
        status,
    )


@bp.route("/counseling/staff/availability/<kind>/<int:row_id>/delete", methods=["POST"])
@roles_required("counselor")
def staff_availability_delete(kind: str, row_id: int):
    profile = my_profile()
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
    return redirect(url_for("mentoring.counseling.staff_availability"))
