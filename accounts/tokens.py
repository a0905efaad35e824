"""Signed, time-limited links: password reset (when email is configured) and the
confirmation of a new registration (sent to the phone)."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from accounts.models import User
from core.extensions import db


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Changes with the password, so a used link (or one issued before a change)
    # stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    minutes = current_app.config["PASSWORD_RESET_LINK_MINUTES"]
    try:
        data = _serializer().loads(token, max_age=minutes * 60)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or _fingerprint(user) != data.get("f"):
        return None
    return user


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-registration")


def make_confirm_token(user: User) -> str:
    """A link for the holder of ``user``'s phone to finish their registration; a
    later registration with the same number (new password) voids it."""
    return _confirm_serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_confirm_token(token: str) -> User | None:
    """The unconfirmed account a confirmation link is for, or ``None``."""
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    try:
        data = _confirm_serializer().loads(token, max_age=hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if (
        user is None
        or user.confirmed_at is not None
        or user.deleted_at is not None
        or _fingerprint(user) != data.get("f")
    ):
        return None
    return user
