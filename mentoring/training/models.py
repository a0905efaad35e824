"""Training sessions and the registrations for them (with a waitlist)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

ACTIVE_REGISTRATION = "status IN ('confirmed', 'waitlisted')"


class TrainingSession(db.Model):
    """One training session published by UMKM staff."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_status_starts_at", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(20))
    provider_name: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(300))
    regency: Mapped[str] = mapped_column(String(40), index=True)
    # Tags as ",tenun-ikat,barista," so one LIKE finds a tag on any database.
    tags: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # or "cancelled"
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # Bumped when the time changes, so new reminders get new keys.
    schedule_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class TrainingRegistration(db.Model):
    """A member's place at a session: confirmed with a seat number, or waitlisted.

    A seat goes to exactly one person: ``(session_id, seat_no)`` is unique, and a
    person holds at most one active registration per session (partial unique index).
    """

    __tablename__ = "training_registrations"
    __table_args__ = (
        UniqueConstraint("session_id", "seat_no", name="uq_training_registrations_seat"),
        Index(
            "uq_training_registrations_active_user",
            "session_id",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_REGISTRATION),
            postgresql_where=text(ACTIVE_REGISTRATION),
        ),
        Index("ix_training_registrations_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # confirmed, waitlisted, cancelled
    seat_no: Mapped[int | None]
    attended: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="select")
