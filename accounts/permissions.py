"""Role decorators for routes and ``can_*`` predicates for objects.

Routes: ``@roles_required("admin")`` answers 403 to a logged-in user without the
role (and sends an anonymous visitor to the login page). Objects: views call a
``can_*`` predicate and answer 404 when it is false, so the object's existence is
not revealed. The same predicates are available to templates.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from accounts.models import User


def roles_required(*roles: str):
    """Allow the route to users holding any of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the test that walks every staff route
        return wrapped

    return decorator


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.has_role("admin")


def can_view_audit_log(user: User) -> bool:
    return user.is_authenticated and user.has_role("admin")


TEMPLATE_PREDICATES = {
    "can_manage_users": can_manage_users,
    "can_view_audit_log": can_view_audit_log,
}
