"""Flask-Login wiring: the stored id is ``"<user id>:<session token>:<login time>"``
so that rotating the token ends every session and remember-me cookie of that user,
and a remember-me cookie stops working ``REMEMBER_DAYS`` after the login."""
from __future__ import annotations

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.extensions import db

# One query for the user and their roles: this runs on every request, so the
# statement is built once (building it and its cache key each time was a large part
# of the cost).
_USER_WITH_ROLES = (
    select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("user_id"))
)


def _clock() -> float:
    return time.time()


def login_too_old(issued: str) -> bool:
    """Whether a login stamped ``issued`` (Unix seconds, see ``User.get_id``) is past
    ``REMEMBER_COOKIE_DURATION``: the remember-me cookie (and the session) then
    stop working, whatever the browser keeps."""
    if not issued.isdigit():
        return True
    limit = current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
    return _clock() - int(issued) > limit


def load_user(stored_id: str) -> User | None:
    user_id, token, issued = ((stored_id or "").split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not token or login_too_old(issued):
        return None
    user = (
        db.session.execute(_USER_WITH_ROLES, {"user_id": int(user_id)})
        .unique()
        .scalar_one_or_none()
    )
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def configure_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
