"""The inbox ("Kotak masuk"), notification preferences and staff call tasks."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from accounts.phones import display_phone
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.read_only import read_only
from core.security import safe_next
from core.views_kit import page_arg
from notifications import services
from notifications.forms import PreferencesForm, parse_hour
from notifications.models import CallTask, Notification
from notifications.permissions import (
    can_complete_call_task,
    can_open_notification,
)

bp = Blueprint("notifications", __name__)


@bp.route("/inbox")
@read_only
@login_required
def inbox():
    page = page_arg()
    return render_template(
        "notifications/inbox.html",
        pagination=services.inbox(current_user, page),
        render=services.render,
        form=ButtonForm(),
    )


@bp.route("/inbox/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Mark a notice read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if not can_open_notification(current_user, notification):
        abort(404)
    services.mark_read(current_user, notification.id)
    db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.inbox")))


@bp.route("/inbox/read", methods=["POST"])
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        services.mark_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(has_email=bool(current_user.email))
    if request.method == "GET":
        prefs = services.preferences_for(current_user)
        form.whatsapp.data = prefs.whatsapp
        form.sms.data = prefs.sms
        form.email.data = prefs.email
        form.full_text.data = prefs.full_text
        form.quiet_from.data = prefs.quiet_from.isoformat(timespec="minutes")
        form.quiet_until.data = prefs.quiet_until.isoformat(timespec="minutes")
        form.weekly_cap.data = str(prefs.weekly_cap)
    if form.validate_on_submit():
        services.save_preferences(
            current_user,
            whatsapp=form.whatsapp.data,
            sms=form.sms.data,
            email=form.email.data,
            full_text=form.full_text.data,
            quiet_from=parse_hour(form.quiet_from.data),
            quiet_until=parse_hour(form.quiet_until.data),
            weekly_cap=int(form.weekly_cap.data),
        )
        db.session.commit()
        flash(_("Pengaturan notifikasi Anda sudah disimpan."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form)


@bp.route("/staff/call-tasks")
@roles_required(*services.CALL_TASK_ROLES)
def call_tasks():
    page = page_arg()
    return render_template(
        "notifications/call_tasks.html",
        pagination=services.open_call_tasks(current_user, page),
        render=services.render,
        display_phone=display_phone,
        form=ButtonForm(),
    )


@bp.route("/staff/call-tasks/<int:task_id>/done", methods=["POST"])
@roles_required(*services.CALL_TASK_ROLES)
def complete_call_task(task_id: int):
    task = db.session.get(CallTask, task_id)
    if not can_complete_call_task(current_user, task):
        abort(404)
    if EmptyForm().validate_on_submit():
        services.complete_call_task(current_user, task)
        db.session.commit()
        flash(_("Tugas menelepon sudah ditandai selesai."), "success")
    return redirect(url_for("notifications.call_tasks"))
