"""The inbox ("Kotak masuk")."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from accounts.forms import EmptyForm
from core.extensions import db
from core.security import safe_next
from notifications import services
from notifications.models import Notification

bp = Blueprint("notifications", __name__)


@bp.route("/inbox")
@login_required
def inbox():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "notifications/inbox.html",
        pagination=services.inbox(current_user, page),
        render=services.render,
        form=EmptyForm(),
    )


@bp.route("/inbox/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Mark a notice read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
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
