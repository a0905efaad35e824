"""Password resets: one-time codes an admin gives at the office, and links by
email (built from ``SITE_URL``, sent through the outbox)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from accounts import audit
from accounts.models import ResetCode, User
from accounts.passwords import dummy_verify, hash_password, verify_password
from accounts.services import change_password, find_by_login
from accounts.tokens import make_reset_token
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from notifications.services import N_, notify


def create_reset_code(actor: User, user: User) -> str:
    """Make a one-time reset code (valid 24 h) and return it; only its hash is kept."""
    for old in db.session.scalars(
        select(ResetCode).where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None))
    ):
        old.used_at = utcnow()  # only the newest code works
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    hours = current_app.config["PASSWORD_RESET_CODE_HOURS"]
    db.session.add(
        ResetCode(
            user_id=user.id,
            code_hash=hash_password(code),
            created_by_id=actor.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    audit.record(actor, "password.reset_code", subject=user)
    db.session.flush()
    return f"{code[:4]}-{code[4:]}"


def reset_with_code(identifier: str, code: str, new_password: str) -> User | None:
    """Use a reset code; returns the user on success, ``None`` on any failure."""
    user = find_by_login(identifier)
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if user is None:
        dummy_verify(cleaned)
        return None
    now = utcnow()
    candidates = db.session.scalars(
        select(ResetCode).where(
            ResetCode.user_id == user.id,
            ResetCode.used_at.is_(None),
            ResetCode.expires_at > now,
        )
    ).all()
    for candidate in candidates:
        if verify_password(candidate.code_hash, cleaned):
            candidate.used_at = now
            change_password(user, new_password)
            audit.record(user, "password.reset_by_code", subject=user)
            return user
    dummy_verify(cleaned)
    return None


def request_password_reset(email: str) -> None:
    """Send a reset link to the account with ``email``, if there is one (and do as
    much work when there is none). The link is built from ``SITE_URL`` only and
    leaves through the outbox as a message the person asked for; it expires with
    the link."""
    user = find_by_login(email)
    if user is None or not user.is_active or not user.email:
        return
    minutes = current_app.config["PASSWORD_RESET_LINK_MINUTES"]
    now = utcnow()
    notify(
        user,
        key=f"account:{user.id}:reset-link:{secrets.token_hex(6)}",
        title=N_("Atur ulang kata sandi Rumah Purna"),
        outside=N_(
            "Rumah Purna: ada permintaan untuk mengatur ulang kata sandi akun Anda. "
            "Buka tautan ini dalam %(minutes)d menit untuk membuat kata sandi baru. "
            "Bila bukan Anda yang meminta, abaikan pesan ini: kata sandi Anda tidak berubah."
        ),
        params={"minutes": minutes},
        url=site_path("accounts.reset_with_link", token=make_reset_token(user)),
        channels=["email"],
        requested=True,
        expires_at=now + timedelta(minutes=minutes),
    )


def purge_expired_reset_codes(now: datetime | None = None) -> int:
    """Delete used or expired reset codes older than a day (scheduled job)."""
    now = now or utcnow()
    old = db.session.scalars(
        select(ResetCode).where(
            or_(ResetCode.expires_at < now, ResetCode.used_at.is_not(None)),
            ResetCode.created_at < now - timedelta(days=1),
        )
    ).all()
    for row in old:
        db.session.delete(row)
    db.session.flush()
    return len(old)
