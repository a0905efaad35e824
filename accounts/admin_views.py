"""Admin pages: find users, grant and revoke roles, disable accounts, reset codes,
and read the audit log. Registered on the ``accounts`` blueprint."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts import audit, resets, services
from accounts.data import REGENCY_NAMES
from accounts.forms import RoleForm, UserSearchForm
from accounts.models import ROLES, AuditEvent, User
from accounts.permissions import roles_required
from accounts.phones import display_phone
from accounts.views import bp
from core.db import utcnow
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.i18n import WITA
from core.views_kit import page_arg, refusal_to_flash

ROLE_LABELS = {
    "member": "Anggota",
    "counselor": "Konselor",
    "registrar": "Pendamping adminduk",
    "umkm_staff": "Petugas UMKM",
    "moderator": "Moderator",
    "satgas": "Petugas Satgas PMI",
    "admin": "Admin",
}


# Whose counseling notes were opened, who was in crisis, who wrote an anonymous post:
# the audit page shows the action but not the member it concerns. The rows keep the
# member for an investigation (``accounts.audit.who_opened``).
SENSITIVE_AUDIT_PREFIXES = ("counseling", "forum.reveal")


def subject_hidden(event: AuditEvent) -> bool:
    return event.action.startswith(SENSITIVE_AUDIT_PREFIXES)


def _get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    return user


@bp.route("/admin/users")
@roles_required("admin")
def admin_users():
    form = UserSearchForm(request.args)
    page = page_arg()
    pagination = services.search_users(form.q.data if form.validate() else None, page)
    return render_template(
        "admin/users.html",
        form=form,
        pagination=pagination,
        display_phone=display_phone,
        role_labels=ROLE_LABELS,
    )


@bp.route("/admin/users/<int:user_id>")
@roles_required("admin")
def admin_user(user_id: int):
    user = _get_user_or_404(user_id)
    role_form = RoleForm()
    role_form.role.choices = [(r, _(ROLE_LABELS[r])) for r in ROLES if r not in user.roles]
    return render_template(
        "admin/user.html",
        user=user,
        role_form=role_form,
        action_form=ButtonForm(),
        role_labels=ROLE_LABELS,
        display_phone=display_phone,
        regency_name=REGENCY_NAMES.get(user.regency or "", ""),
        reset_code=None,
    )


@bp.route("/admin/users/<int:user_id>/roles", methods=["POST"])
@roles_required("admin")
def admin_grant_role(user_id: int):
    user = _get_user_or_404(user_id)
    form = RoleForm()
    form.role.choices = [(r, r) for r in ROLES]
    if form.validate_on_submit():
        services.grant_role(current_user, user, form.role.data)
        db.session.commit()
        flash(_("Peran ditambahkan."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/roles/<role>/revoke", methods=["POST"])
@roles_required("admin")
def admin_revoke_role(user_id: int, role: str):
    user = _get_user_or_404(user_id)
    if role not in ROLES:
        abort(404)
    if EmptyForm().validate_on_submit():
        with refusal_to_flash(success=_("Peran dicabut.")):
            services.revoke_role(current_user, user, role)
            db.session.commit()
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
@roles_required("admin")
def admin_disable(user_id: int):
    user = _get_user_or_404(user_id)
    disable = request.form.get("disable") == "1"
    if EmptyForm().validate_on_submit():
        done = (_("Akun dinonaktifkan. Semua sesinya sudah diakhiri.") if disable
                else _("Akun diaktifkan kembali."))
        with refusal_to_flash(success=done):
            services.set_disabled(current_user, user, disable)
            db.session.commit()
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-code", methods=["POST"])
@roles_required("admin")
def admin_reset_code(user_id: int):
    user = _get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.admin_user", user_id=user.id))
    code = resets.create_reset_code(current_user, user)
    db.session.commit()
    role_form = RoleForm()
    role_form.role.choices = [(r, _(ROLE_LABELS[r])) for r in ROLES if r not in user.roles]
    # Shown once, on this response only; never stored in clear or redirected with.
    response = render_template(
        "admin/user.html",
        user=user,
        role_form=role_form,
        action_form=ButtonForm(),
        role_labels=ROLE_LABELS,
        display_phone=display_phone,
        regency_name=REGENCY_NAMES.get(user.regency or "", ""),
        reset_code=code,
    )
    return response, 200, {"Cache-Control": "no-store"}


def _parse_day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=WITA)
    except ValueError:
        return None


@bp.route("/admin/audit")
@roles_required("admin")
def admin_audit():
    today = utcnow().astimezone(WITA).date()
    start = _parse_day(request.args.get("from")) or (utcnow() - timedelta(days=7))
    # The end day is shown as chosen (today when none) and included whole.
    end_day = _parse_day(request.args.get("to"))
    end = end_day + timedelta(days=1) if end_day else utcnow() + timedelta(minutes=1)
    choices = audit.action_choices()
    action = request.args.get("action") or ""
    if action not in {code for code, _label in choices}:
        action = ""
    query = (
        audit.with_people(select(AuditEvent))
        .where(AuditEvent.created_at >= start, AuditEvent.created_at < end)
        .order_by(AuditEvent.created_at.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    page = page_arg()
    pagination = db.paginate(query, page=page, per_page=50, error_out=False)
    return render_template(
        "admin/audit.html",
        pagination=pagination,
        start=start.astimezone(WITA).date().isoformat(),
        end=(end_day.date() if end_day else today).isoformat(),
        action=action,
        action_choices=choices,
        action_label=audit.action_label,
        subject_hidden=subject_hidden,
    )
