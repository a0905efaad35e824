"""Site-wide pages: the home page / member home, "Layanan" (all services), the
language switch, /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text

from core.extensions import csrf, db
from core.home import cards_for, service_links_for, staff_panels_for
from core.i18n import LANG_COOKIE
from core.read_only import read_only
from core.security import safe_next

bp = Blueprint("site", __name__)


@bp.route("/")
@read_only
def home():
    if current_user.is_authenticated:
        return render_template("core/member_home.html", cards=cards_for(current_user),
                               panels=staff_panels_for(current_user),
                               services=service_links_for(current_user))
    return render_template("core/home.html")


@bp.route("/layanan")
def services():
    """Every service the platform offers this person, one tap each (``service_links``)."""
    user = current_user if current_user.is_authenticated else None
    return render_template("core/services.html", services=service_links_for(user))


@bp.route("/lang", methods=["POST"])
def set_language():
    """The visible language switch: a plain form, works without JavaScript."""
    locale = request.form.get("lang", "")
    target = safe_next(request.form.get("next"))
    response = redirect(target)
    if locale not in current_app.config["LANGUAGES"]:
        return response
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        current_app.logger.warning("healthz: database unreachable")
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
