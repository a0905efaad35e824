"""Flask-Login wiring: the stored id is ``"<user id>:<session token>:<login time>"``
so that rotating the token ends every session and remember-me cookie of that user,
and a remember-me cookie stops working ``REMEMBER_DAYS`` after the login."""
from __future__ import annotations

import time

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import ColumnElement, bindparam, event, func, select
from sqlalchemy.orm import Session, lazyload

from accounts.models import ROLE_NAMES, User, UserRole
from core.extensions import db

# Values other packages read about the viewer on every page (the bell's unread
# count), loaded in the same statement as the user: name -> a scalar subquery
# correlated with ``users.id``. Registered at start-up with ``load_with_user``.
_EXTRAS: dict[str, ColumnElement] = {}
_FACTS = "rumahpurna_user_facts"


# The user's role names as one string ("counselor member"), read in the user's
# statement instead of joining their role rows: a page only asks which roles the
# viewer has, and building a ``UserRole`` object per role (and de-duplicating the
# joined rows) was a good part of the cost of loading the viewer.
_ROLES = (
    select(func.aggregate_strings(UserRole.role, " "))
    .where(UserRole.user_id == User.id)
    .correlate(User)
    .scalar_subquery()
)


def _user_statement():
    """One query for the user, their role names and the registered extras: this runs
    on every request, so the statement is built once per set of extras (building it
    and its cache key each time was a large part of the cost). The role rows
    themselves load only if something changes them (``lazyload``)."""
    return (
        select(User, _ROLES.label("role_names"), *(column.label(name) for name, column in _EXTRAS.items()))
        .options(lazyload(User.role_rows))
        .where(User.id == bindparam("user_id"))
    )


_USER_WITH_ROLES = _user_statement()


def load_with_user(name: str, column: ColumnElement) -> None:
    """Have ``column`` (a scalar subquery correlated with ``User.id``) read in the
    statement that loads the logged-in user, so a value every page shows costs no
    round trip of its own. ``user_fact(user, name)`` gives it back until the
    request commits or ``forget_user_fact`` is called (both make the reader ask
    the database again, so a page never shows a value older than its own changes)."""
    global _USER_WITH_ROLES
    _EXTRAS[name] = column
    _USER_WITH_ROLES = _user_statement()


MISSING = object()


def user_fact(user, name: str):
    """The value ``name`` loaded with ``user`` in this request, or ``MISSING``."""
    if not has_app_context():
        return MISSING
    facts = g.get(_FACTS)
    if not facts or facts[0] != getattr(user, "id", None):
        return MISSING
    return facts[1].get(name, MISSING)


def forget_user_fact(name: str | None = None) -> None:
    """Drop one loaded value (or all): the next reader asks the database."""
    if not has_app_context():
        return
    facts = g.get(_FACTS)
    if facts:
        if name is None:
            g.pop(_FACTS, None)
        else:
            facts[1].pop(name, None)


def _forget_facts_after_commit(_session) -> None:
    forget_user_fact()
    # A commit may have changed the viewer's roles: the next question reads their rows.
    if has_app_context():
        user = g.get("_login_user")
        if user is not None:
            user.__dict__.pop(ROLE_NAMES, None)


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
    row = db.session.execute(_USER_WITH_ROLES, {"user_id": int(user_id)}).one_or_none()
    user = row[0] if row is not None else None
    if user is None or user.session_token != token or not user.is_active:
        return None
    user.__dict__[ROLE_NAMES] = tuple((row[1] or "").split())
    if _EXTRAS:
        setattr(g, _FACTS, (user.id, dict(zip(_EXTRAS, row[2:], strict=True))))
    return user


def configure_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    if not event.contains(Session, "after_commit", _forget_facts_after_commit):
        event.listen(Session, "after_commit", _forget_facts_after_commit)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
