"""Reports to the Satgas, their status history, internal notes and the identifiers
(phone numbers, companies, social handles) named in them.

Text that could identify a reporter, a victim or a suspect is stored encrypted
(``EncryptedText``). Identifiers are matched through a keyed digest of their
normalised form (``digest``), so linking works without keeping them in clear.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.crypto import EncryptedText
from core.db import UTCDateTime, utcnow
from core.extensions import db

# What happened.
KINDS = ("recruiter", "fees", "fake_ad", "held", "abused", "unofficial_route")

# received → verifying → referred → closed (closing is also possible before referral:
# a duplicate, not a placement case, not enough information).
RECEIVED = "received"
VERIFYING = "verifying"
REFERRED = "referred"
CLOSED = "closed"
STATUSES = (RECEIVED, VERIFYING, REFERRED, CLOSED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RECEIVED: (VERIFYING, CLOSED),
    VERIFYING: (REFERRED, CLOSED),
    REFERRED: (CLOSED,),
    CLOSED: (),
}
REFERRAL_BODIES = ("polri", "bp3mi_ntt", "disnaker", "other")
CLOSE_REASONS = ("acted_on", "insufficient", "duplicate", "not_placement")

IDENTIFIER_KINDS = ("phone", "company", "handle")

# How sure the reporter is of ``happened_on``: that very day, about then, or only
# the month (then the date is the 1st of that month).
HAPPENED_DAY = "day"
HAPPENED_ABOUT = "about"
HAPPENED_MONTH = "month"
HAPPENED_PRECISIONS = (HAPPENED_DAY, HAPPENED_ABOUT, HAPPENED_MONTH)


# "Urgent and still open" first in the Satgas queue, spelled once: desk.queue_statement
# orders by it and the two queue indexes below are built on it (PostgreSQL matches an
# ORDER BY to an index expression only when both are written alike, literals included).
OPEN_URGENT = f"(urgent AND status <> '{CLOSED}')"


class Report(db.Model):
    """One report. ``reporter_id`` is set only when a logged-in member chose to
    report under their account; an anonymous report has no link to anyone."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_queue", "urgent", "created_at"),
        # The queue's two orders (newest sent; most recently happened): a page is read
        # off an index whatever the number of reports (PostgreSQL; SQLite sorts).
        Index("ix_reports_queue_sent", text(f"{OPEN_URGENT} DESC"), text("created_at DESC"), text("id DESC"))
        .ddl_if(dialect="postgresql"),
        Index("ix_reports_queue_happened", text(f"{OPEN_URGENT} DESC"), text("happened_on DESC NULLS LAST"),
              text("created_at DESC"), text("id DESC")).ddl_if(dialect="postgresql"),
        Index("ix_reports_status_created", "status", "created_at"),
        Index("ix_reports_happened_on", "happened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    regency: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED)
    # Encrypted: what happened, where, when, who (free text as the reporter wrote it).
    what: Mapped[str] = mapped_column(EncryptedText)
    place: Mapped[str | None] = mapped_column(EncryptedText)
    happened: Mapped[str | None] = mapped_column(EncryptedText)
    people: Mapped[str | None] = mapped_column(EncryptedText)
    # When it happened as a date (optional, never in the future), beside the free
    # text: the queue filters and sorts by it, the dashboard measures how long
    # people wait before reporting. Not encrypted (queried); a day, not a story.
    happened_on: Mapped[date | None] = mapped_column(Date)
    happened_precision: Mapped[str | None] = mapped_column(String(10))
    # How to reach the reporter (none for an anonymous report).
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    contact_name: Mapped[str | None] = mapped_column(EncryptedText)
    contact_phone: Mapped[str | None] = mapped_column(EncryptedText)
    # A visitor with a contact has no inbox: an officer tells them of a new status
    # (the status only) and records here which status they were told.
    contact_told_status: Mapped[str | None] = mapped_column(String(20))
    # The visitor chose, when reporting, to get a neutral message on that phone at
    # each new status (``desk.CONTACT_TEXT``, through ``notifications.contacts``).
    contact_notify: Mapped[bool] = mapped_column(default=False, server_default=sql_false())
    # The language of the form they filled in, for that message ("id" or "en").
    contact_locale: Mapped[str | None] = mapped_column(String(5))
    # Referral and closing.
    referred_to: Mapped[str | None] = mapped_column(String(20))
    referral_note: Mapped[str | None] = mapped_column(EncryptedText)
    close_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    identifiers: Mapped[list[ReportIdentifier]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportIdentifier.id"
    )
    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportAttachment.id"
    )

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_name)

    @property
    def reporter_to_be_told(self) -> bool:
        """A visitor left a phone number and has not heard of the current status."""
        return (
            self.reporter_id is None and bool(self.contact_phone) and self.status != RECEIVED
            and self.contact_told_status != self.status
        )


class ReportIdentifier(db.Model):
    """A phone number, company or social handle named in a report."""

    __tablename__ = "report_identifiers"
    __table_args__ = (
        UniqueConstraint("report_id", "digest"),
        Index("ix_report_identifiers_digest", "digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # Keyed hash of ``kind:normalised value``: equal for the same identifier however written.
    digest: Mapped[str] = mapped_column(String(64))
    display: Mapped[str] = mapped_column(EncryptedText)

    report: Mapped[Report] = relationship(back_populates="identifiers")


class ReportEvent(db.Model):
    """A status change: who, from what, to what, when (the history officers see)."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", lazy="joined")


class ReportNote(db.Model):
    """An internal note by an officer. Never shown to the reporter, never exported."""

    __tablename__ = "report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


class ReportAttachment(db.Model):
    """A photo or screenshot sent with a report, stored encrypted through the
    upload pipeline (``core.uploads``, owner ``reports``)."""

    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"), index=True)

    report: Mapped[Report] = relationship(back_populates="attachments")
    file = relationship("StoredFile", lazy="joined")
