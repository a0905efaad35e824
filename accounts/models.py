"""Accounts: users, their roles, consents, reset codes and the audit log."""
from __future__ import annotations

import secrets
import time
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db

ROLES = ("member", "counselor", "registrar", "umkm_staff", "moderator", "satgas", "admin")
STAFF_ROLES = ROLES[1:]
# Where the logged-in viewer's role names, read with the viewer (``accounts.auth``),
# wait in the instance's ``__dict__`` until a commit or a loaded ``role_rows``.
ROLE_NAMES = "_roles_read_with_login"


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # E.164 (+62…). Null only for a deleted (anonymised) account.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    regency: Mapped[str | None] = mapped_column(String(40))
    country_returned: Mapped[str | None] = mapped_column(String(40))
    return_year: Mapped[int | None]
    locale: Mapped[str] = mapped_column(String(5), default="id")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id that Flask-Login stores; changing it ends every session and
    # remember-me cookie of this user.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owner of the phone confirmed the account (the link sent after
    # registration). None: registered but not confirmed, cannot log in.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie, asked
        once when logging in: ``<id>:<session token>:<login time>``. The token ends
        every session when it changes; the login time lets the server refuse a
        cookie older than ``REMEMBER_COOKIE_DURATION`` (``accounts.auth``)."""
        return f"{self.id}:{self.session_token}:{int(time.time())}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.deleted_at is None and self.confirmed_at is not None

    def _role_list(self):
        """The role names: the rows when they are loaded (they hold any change made
        in this request), else the names read with the login, else the rows."""
        state = self.__dict__
        names = state.get(ROLE_NAMES)
        if names is None or "role_rows" in state:
            return [row.role for row in self.role_rows]
        return names

    @property
    def roles(self) -> set[str]:
        return set(self._role_list())

    def has_role(self, *roles: str) -> bool:
        # Asked many times per page (permission predicates): no set built per call.
        return any(name in roles for name in self._role_list())

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="role_rows", foreign_keys=[user_id])


class Consent(db.Model):
    """Who agreed to what, with which text version, when (UU PDP)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResetCode(db.Model):
    """A one-time password reset code an admin gives a person at the office."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    """Append-only record of sensitive actions.

    "Who opened whose documents between t1 and t2" is one query over
    ``(action, created_at)`` with ``actor_id`` and ``subject_user_id``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_created_at", "action", "created_at"),
        Index("ix_audit_events_subject_created_at", "subject_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_user_id], lazy="joined")
