"""Account operations. Plain functions taking the acting user; they flush, the
caller (a view or CLI command) commits."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from accounts import audit
from accounts.models import ROLES, Consent, ResetCode, User, UserRole, new_session_token
from accounts.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from accounts.phones import normalise_phone
from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.signals import account_deleting, collect_personal_data, role_granted, user_registered


class AccountError(Refused):
    """An account operation was refused; the message (lazy) is safe to show."""


@dataclass
class Registration:
    name: str
    phone: str
    password: str
    email: str | None = None
    regency: str | None = None
    country_returned: str | None = None
    return_year: int | None = None
    locale: str = "id"


def find_by_login(identifier: str) -> User | None:
    """Find an account by phone (any Indonesian format) or email."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == identifier.lower()))
    phone = normalise_phone(identifier)
    if phone is None:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


def phone_taken(phone: str, exclude: User | None = None) -> bool:
    query = select(User.id).where(User.phone == phone)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return db.session.scalar(query) is not None


def email_taken(email: str, exclude: User | None = None) -> bool:
    query = select(User.id).where(User.email == email.lower())
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return db.session.scalar(query) is not None


def register_member(data: Registration) -> User:
    """Create a member account with their privacy consent recorded."""
    user = User(
        name=data.name.strip(),
        phone=data.phone,
        email=data.email.lower() if data.email else None,
        password_hash=hash_password(data.password),
        regency=data.regency or None,
        country_returned=data.country_returned or None,
        return_year=data.return_year,
        locale=data.locale,
        password_changed_at=utcnow(),
    )
    user.role_rows.append(UserRole(role="member"))
    db.session.add(user)
    db.session.flush()
    record_consent(user, "privacy_notice")
    user_registered.send(user)
    return user


def record_consent(user: User, purpose: str, version: str | None = None) -> Consent:
    consent = Consent(
        user_id=user.id,
        purpose=purpose,
        version=version or current_app.config["PRIVACY_NOTICE_VERSION"],
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def authenticate(identifier: str, password: str) -> User | None:
    """The user when the password is right and the account usable, else ``None``.

    Unknown account, wrong password and disabled account look the same to the
    caller and take about the same time.
    """
    return check_login(find_by_login(identifier), password)


def check_login(user: User | None, password: str) -> User | None:
    """``authenticate`` for an account already looked up (``find_by_login``):
    exactly one argon2 verification whether or not ``user`` exists."""
    if user is None or user.deleted_at is not None:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session and remember-me cookie."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()
    db.session.flush()


def end_all_sessions(user: User) -> None:
    user.session_token = new_session_token()
    db.session.flush()


def update_profile(user: User, **fields) -> None:
    allowed = {"name", "phone", "email", "regency", "country_returned", "return_year", "locale"}
    for key, value in fields.items():
        if key not in allowed:
            raise ValueError(f"field {key} cannot be changed here")
        if key == "email":
            value = value.lower() if value else None
        setattr(user, key, value)
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
        db.session.flush()


# --- administration -------------------------------------------------------------

def search_users(query: str | None, page: int, per_page: int = 25):
    statement = select(User).where(User.deleted_at.is_(None)).order_by(User.created_at.desc())
    if query:
        query = query.strip()[:100]
        like = f"%{query.lower()}%"
        conditions = [func.lower(User.name).like(like), User.email.like(like)]
        phone = normalise_phone(query)
        if phone:
            conditions.append(User.phone == phone)
        else:
            digits = "".join(ch for ch in query if ch.isdigit())
            if len(digits) >= 4:
                conditions.append(User.phone.like(f"%{digits.lstrip('0')}%"))
        statement = statement.where(or_(*conditions))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def grant_role(actor: User | None, user: User, role: str) -> None:
    """Give ``user`` the ``role`` (audited; ``actor`` None: the command line) and
    send ``role_granted`` so the package behind the role prepares what it needs
    (a counselor's profile)."""
    if role not in ROLES:
        raise AccountError(_l("Peran ini tidak dikenal."), field_name="role")
    if role in user.roles:
        return
    user.role_rows.append(UserRole(role=role, granted_by_id=actor.id if actor else None))
    audit.record(actor, "role.grant", subject=user, detail=role)
    db.session.flush()
    role_granted.send(user, role=role, by=actor)


def revoke_role(actor: User, user: User, role: str) -> None:
    if role == "admin" and user.id == actor.id:
        raise AccountError(_l("Anda tidak bisa mencabut peran admin Anda sendiri."))
    for row in list(user.role_rows):
        if row.role == role:
            user.role_rows.remove(row)
            audit.record(actor, "role.revoke", subject=user, detail=role)
    db.session.flush()


def set_disabled(actor: User, user: User, disabled: bool) -> None:
    if user.id == actor.id and disabled:
        raise AccountError(_l("Anda tidak bisa menonaktifkan akun Anda sendiri."))
    user.active = not disabled
    if disabled:
        user.session_token = new_session_token()
    audit.record(actor, "account.disable" if disabled else "account.enable", subject=user)
    db.session.flush()


# --- personal data (UU PDP) -------------------------------------------------------

def export_personal_data(user: User) -> dict:
    """Everything the platform holds about ``user``, as a JSON-ready dict."""
    consents = db.session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.granted_at)
    ).all()
    data: dict = {
        "exported_at": utcnow().isoformat(),
        "account": {
            "name": user.name,
            "phone": user.phone,
            "email": user.email,
            "regency": user.regency,
            "country_returned": user.country_returned,
            "return_year": user.return_year,
            "language": user.locale,
            "roles": sorted(user.roles),
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.version,
                "granted_at": c.granted_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
    }
    for _receiver, result in collect_personal_data.send(user):
        if result:
            section, section_data = result
            data[section] = section_data
    json.dumps(data)  # fail here, not halfway through a download
    return data


def delete_account(user: User) -> None:
    """Erase a member's account (UU PDP): other packages erase their data through
    ``account_deleting``; the row stays as an anonymous tombstone so audit rows
    still point somewhere. Ends every session."""
    account_deleting.send(user)
    audit.record(user, "account.delete", subject=user)
    for consent in db.session.scalars(select(Consent).where(Consent.user_id == user.id)):
        db.session.delete(consent)
    for code in db.session.scalars(select(ResetCode).where(ResetCode.user_id == user.id)):
        db.session.delete(code)
    user.role_rows.clear()
    user.name = ""
    user.phone = None
    user.email = None
    user.regency = None
    user.country_returned = None
    user.return_year = None
    user.password_hash = "!deleted"  # noqa: S105 (not a hash: no password matches it)
    user.active = False
    user.deleted_at = utcnow()
    user.session_token = new_session_token()
    db.session.flush()


def create_user_with_roles(
    name: str, phone: str, password: str, roles: list[str], email: str | None = None
) -> User:
    """Used by the CLI and the demo seed: an account with the given roles."""
    user = User(
        name=name,
        phone=phone,
        email=email.lower() if email else None,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
    )
    for role in roles:
        user.role_rows.append(UserRole(role=role))
    db.session.add(user)
    db.session.flush()
    record_consent(user, "privacy_notice")
    for role in roles:
        role_granted.send(user, role=role, by=None)
    return user
