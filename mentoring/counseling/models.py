"""Counseling: counselor profiles, weekly availability, exceptions, appointments,
confidential session notes, handover notes and the wellbeing check.

Weekly availability is wall-clock time in Asia/Makassar (minutes after local
midnight); every moment in time is stored in UTC (``*_at`` columns).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    insert,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.crypto import EncryptedText
from core.db import UTCDateTime, utcnow
from core.extensions import db

LANGUAGES = ("id", "dawan", "tetun", "rote", "sabu", "manggarai", "en")
MODES = ("in_person", "phone", "video")

REQUESTED = "requested"
CONFIRMED = "confirmed"
DECLINED = "declined"
CANCELLED = "cancelled"
ATTENDED = "attended"
NO_SHOW = "no_show"
STATUSES = (REQUESTED, CONFIRMED, DECLINED, CANCELLED, ATTENDED, NO_SHOW)
# Appointments that hold their time: no other booking may start at or overlap it.
ACTIVE_STATUSES = (REQUESTED, CONFIRMED)
_ACTIVE_SQL = text("status IN ('requested', 'confirmed')")
_REQUESTED_SQL = text("status = 'requested'")
# Appointments that can make a counselor "the member's counselor" (client page,
# handover notes), when the member herself booked or accepted them
# (``Appointment.agreed_by_member``): any counselor can book on a member's
# behalf and cancel, so requested, cancelled and declined ones never count.
RELATIONSHIP_STATUSES = (CONFIRMED, ATTENDED, NO_SHOW)


class CounselorProfile(db.Model):
    """A counselor's public profile and booking rules (one per counselor user)."""

    __tablename__ = "counselor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["id"])
    modes: Mapped[list] = mapped_column(JSON, default=lambda: ["in_person", "phone"])
    place: Mapped[str | None] = mapped_column(String(200))
    video_link: Mapped[str | None] = mapped_column(String(300))
    accepts_new_clients: Mapped[bool] = mapped_column(default=True)
    requires_confirmation: Mapped[bool] = mapped_column(default=True)
    session_minutes: Mapped[int] = mapped_column(default=60)
    buffer_minutes: Mapped[int] = mapped_column(default=15)
    min_notice_hours: Mapped[int] = mapped_column(default=12)
    horizon_days: Mapped[int] = mapped_column(default=30)
    daily_max: Mapped[int] = mapped_column(default=6)
    cancel_notice_hours: Mapped[int] = mapped_column(default=24)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    ranges: Mapped[list[AvailabilityRange]] = relationship(
        back_populates="counselor",
        cascade="all, delete-orphan",
        order_by="[AvailabilityRange.weekday, AvailabilityRange.start_minute]",
    )
    exceptions: Mapped[list[AvailabilityException]] = relationship(
        back_populates="counselor",
        cascade="all, delete-orphan",
        order_by="[AvailabilityException.day, AvailabilityException.start_minute]",
    )

    @property
    def name(self) -> str:
        return self.user.name


class AvailabilityRange(db.Model):
    """One weekly range, e.g. Monday 09:00–12:00 WITA (weekday 0 = Monday)."""

    __tablename__ = "counselor_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor_profiles.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start_minute: Mapped[int]
    end_minute: Mapped[int]  # up to 1440 (midnight at the end of the day)

    counselor: Mapped[CounselorProfile] = relationship(back_populates="ranges")


class AvailabilityException(db.Model):
    """A day off (whole day or a range) or a one-off extra range on a WITA date."""

    __tablename__ = "counselor_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor_profiles.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # "off" or "open"
    # Both empty: the whole day.
    start_minute: Mapped[int | None]
    end_minute: Mapped[int | None]

    counselor: Mapped[CounselorProfile] = relationship(back_populates="exceptions")


class Appointment(db.Model):
    """A counseling session between a member and a counselor."""

    __tablename__ = "appointments"
    __table_args__ = (
        # No double booking: one active appointment per counselor and start time,
        # enforced by the database on SQLite and PostgreSQL alike.
        Index(
            "uq_appointments_counselor_start_active",
            "counselor_id",
            "starts_at",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        Index("ix_appointments_counselor_starts", "counselor_id", "starts_at"),
        Index("ix_appointments_member_starts", "member_id", "starts_at"),
        # The counselor's waiting list (the dashboard and the requests page): the few
        # requested among months of confirmed sessions ahead.
        Index(
            "ix_appointments_counselor_requested",
            "counselor_id",
            "starts_at",
            sqlite_where=_REQUESTED_SQL,
            postgresql_where=_REQUESTED_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor_profiles.id", ondelete="CASCADE")
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=REQUESTED)
    # The member's optional sentence about what it is about (health data: encrypted).
    topic: Mapped[str | None] = mapped_column(EncryptedText)
    # Pseudonymous booking: the counselor sees only this name until the member shares more.
    pseudonym: Mapped[str | None] = mapped_column(String(60))
    identity_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    urgent: Mapped[bool] = mapped_column(default=False)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the member herself agreed to a booking made on her behalf (accepted it,
    # accepted a new time, moved it). Empty for her own bookings.
    member_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    # When the member chose the current time (booked it, moved it, accepted a
    # proposal; a counselor booking for her: when they booked). A cancellation is
    # late only for a time chosen before the cancellation notice began.
    time_chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new time proposed by the counselor, waiting for the member's answer.
    proposed_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    counselor: Mapped[CounselorProfile] = relationship(lazy="joined")
    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_pseudonymous(self) -> bool:
        return bool(self.pseudonym) and self.identity_shared_at is None

    @property
    def agreed_by_member(self) -> bool:
        """The member booked this herself, or accepted it (see ``member_accepted_at``)."""
        return self.booked_by_id == self.member_id or self.member_accepted_at is not None

    @property
    def client_label(self) -> str:
        """What the counselor sees as the client's name."""
        return self.pseudonym if self.is_pseudonymous else self.member.name


class SessionNote(db.Model):
    """A confidential note: readable by its author alone, encrypted at rest,
    never exported."""

    __tablename__ = "counseling_session_notes"
    __table_args__ = (UniqueConstraint("appointment_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HandoverNote(db.Model):
    """A short note for the next counselor, shown to other counselors only while
    the member's ``counseling_handover`` consent stands."""

    __tablename__ = "counseling_handover_notes"
    __table_args__ = (UniqueConstraint("member_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(EncryptedText)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class WellbeingCheck(db.Model):
    """The optional check before a first session. Acute answers open an urgent flag
    that any counselor can take up without waiting for a slot."""

    __tablename__ = "counseling_wellbeing_checks"
    __table_args__ = (Index("ix_wellbeing_acute_open", "acute", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    answers: Mapped[str] = mapped_column(EncryptedText)  # JSON of question -> answer code
    acute: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")


class CounselingCacheState(db.Model):
    """One row (id 1): a random token that changes, in the same transaction, with
    every change to what the free slots depend on (``slot_cache.py``). A fresh
    database starts with its own random token."""

    __tablename__ = "counseling_cache_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(CounselingCacheState.__table__, "after_create")
def _first_cache_row(target, connection, **_kwargs):
    connection.execute(insert(target).values(id=1, version=secrets.randbits(62)))
