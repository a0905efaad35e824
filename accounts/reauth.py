"""Re-entering the password before sensitive pages (SECURITY.md): another person's
documents, a session note, changing phone/email/password.

Decorate a view with ``@require_recent_password``: without a password entered in
the last ``REAUTH_MINUTES`` the person is sent to ``accounts.confirm_password``
and comes back afterwards.
"""
from __future__ import annotations

import time
from functools import wraps

from flask import current_app, redirect, request, session, url_for

SESSION_KEY = "reauth_at"


def mark_password_confirmed() -> None:
    session[SESSION_KEY] = int(time.time())


def password_recently_confirmed() -> bool:
    confirmed = session.get(SESSION_KEY)
    if not confirmed:
        return False
    return time.time() - confirmed < current_app.config["REAUTH_MINUTES"] * 60


def require_recent_password(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not password_recently_confirmed():
            return redirect(url_for("accounts.confirm_password", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped
