"""Self-registration that never tells whether a number is on the platform: the
next step is always a message to the phone (``register_by_phone``)."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from accounts.models import User, UserRole, new_session_token
from accounts.passwords import hash_password
from accounts.services import Registration, email_taken, record_consent
from accounts.tokens import make_confirm_token
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from core.signals import user_registered
from notifications.services import N_, notify

# A registration link goes to the phone: WhatsApp, SMS when WhatsApp fails.
PHONE_FIRST = ["whatsapp"]


def register_by_phone(data: Registration) -> None:
    """Self-registration that never tells whether the number is on the platform.

    The answer is always "check your phone"; what happens depends on the number:

    - new: an account waiting for confirmation (it cannot log in yet) and a link
      to the phone that finishes the registration (``confirm_registration``);
    - waiting for confirmation already: its details are replaced by these (only
      the holder of the phone can confirm) and a new link goes out;
    - a confirmed account: nothing changes; its owner is told by message that
      someone tried to register with their number (at most once a day).

    The same argon2 work either way. An email already used by another account is
    not stored (the member can add one later). Flushes; messages leave after the
    caller's commit through the outbox.
    """
    password_hash = hash_password(data.password)
    existing = db.session.scalar(select(User).where(User.phone == data.phone))
    if existing is not None and existing.confirmed_at is not None:
        _tell_owner_of_registration_attempt(existing)
        return
    email = data.email.lower() if data.email else None
    if email and email_taken(email, exclude=existing):
        email = None
    user = existing
    if user is None:
        user = User(phone=data.phone)
        user.role_rows.append(UserRole(role="member"))
        db.session.add(user)
    user.name = data.name.strip()
    user.email = email
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    user.regency = data.regency or None
    user.country_returned = data.country_returned or None
    user.return_year = data.return_year
    user.locale = data.locale
    db.session.flush()
    # After the INSERT: a None in it would be filled by the column's default.
    user.confirmed_at = None
    db.session.flush()
    if existing is None:
        record_consent(user, "privacy_notice")
    _send_confirmation_link(user)


def _send_confirmation_link(user: User) -> None:
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    now = utcnow()
    notify(
        user,
        key=f"account:{user.id}:confirm:{secrets.token_hex(6)}",
        title=N_("Selesaikan pendaftaran Rumah Purna"),
        outside=N_(
            "Rumah Purna: buka tautan ini untuk menyelesaikan pendaftaran akun Anda "
            "(berlaku %(hours)d jam). Bila bukan Anda yang mendaftar, abaikan pesan ini."
        ),
        params={"hours": hours},
        url=site_path("accounts.confirm_registration", token=make_confirm_token(user)),
        channels=PHONE_FIRST,
        requested=True,
        expires_at=now + timedelta(hours=hours),
    )


def _tell_owner_of_registration_attempt(user: User) -> None:
    day = utcnow().date().isoformat()
    notify(
        user,
        key=f"account:{user.id}:register-attempt:{day}",
        title=N_("Ada yang mencoba mendaftar dengan nomor HP Anda"),
        body=N_(
            "Nomor Anda sudah punya akun, jadi tidak ada akun baru yang dibuat. Bila itu "
            "Anda, cukup masuk, atau pakai \"Lupa kata sandi\". Bila bukan, Anda tidak "
            "perlu berbuat apa-apa."
        ),
        outside=N_(
            "Rumah Purna: nomor ini sudah punya akun. Bila Anda baru mencoba mendaftar, "
            "masuk saja atau pakai \"Lupa kata sandi\". Bila bukan Anda, abaikan pesan ini."
        ),
        url=site_path("accounts.login"),
    )


def confirm_registration(user: User) -> None:
    """The holder of the phone opened the link: the account can be used now."""
    user.confirmed_at = utcnow()
    user.session_token = new_session_token()
    db.session.flush()
    user_registered.send(user)


UNCONFIRMED_DAYS = 7


def purge_unconfirmed_registrations(now=None) -> int:
    """Forget registrations nobody confirmed within ``UNCONFIRMED_DAYS`` (scheduled
    job): no name or number is kept for an account that never came to be. Their
    consent, roles and messages go with them (foreign keys cascade)."""
    now = now or utcnow()
    stale = db.session.scalars(
        select(User).where(
            User.confirmed_at.is_(None),
            User.deleted_at.is_(None),
            User.created_at < now - timedelta(days=UNCONFIRMED_DAYS),
        )
    ).all()
    for user in stale:
        db.session.delete(user)
    db.session.flush()
    return len(stale)
