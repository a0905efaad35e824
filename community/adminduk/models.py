"""Civil-registration help (adminduk): help requests with their services, status
history, conversation, documents and appointments; guides with versions; the
Dukcapil offices; returnee bundles; outreach days ("jemput bola").

NIK and KK numbers are encrypted at rest (``core.crypto.EncryptedText``); the
documents themselves are ``core.uploads.StoredFile`` rows referenced here.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.crypto import EncryptedText
from core.db import UTCDateTime, utcnow
from core.extensions import db
from core.uploads import StoredFile

SERVICES = {
    "ktp-new": _l("KTP-el baru"),
    "ktp-address": _l("KTP-el: ganti alamat"),
    "ktp-lost": _l("KTP-el hilang atau rusak"),
    "kk-spouse": _l("KK: tambah suami/istri"),
    "kk-child": _l("KK: tambah anak"),
    "kk-split": _l("KK: pisah KK"),
    "kk-update": _l("KK: perbarui data"),
    "child-abroad": _l("Anak lahir di luar negeri"),
    "marriage-abroad": _l("Menikah di luar negeri"),
    "moving": _l("Pindah domisili (surat pindah / SKPWNI)"),
    "passport-lost": _l("Paspor hilang"),
    "ikd": _l("Aktivasi IKD (KTP digital)"),
}

SUBMITTED = "submitted"
IN_REVIEW = "in_review"
NEEDS_INFO = "needs_info"
READY = "ready"
AT_DUKCAPIL = "at_dukcapil"
DONE = "done"
CLOSED = "closed"
STATUSES = (SUBMITTED, IN_REVIEW, NEEDS_INFO, READY, AT_DUKCAPIL, DONE, CLOSED)
STATUS_LABELS = {
    SUBMITTED: _l("Terkirim"),
    IN_REVIEW: _l("Sedang diperiksa"),
    NEEDS_INFO: _l("Perlu dilengkapi"),
    READY: _l("Siap diajukan ke Dukcapil"),
    AT_DUKCAPIL: _l("Sudah diajukan ke Dukcapil"),
    DONE: _l("Selesai"),
    CLOSED: _l("Ditutup"),
}
# The only legal moves. Closing needs a reason; a member answering a
# "needs information" request puts it back in review.
TRANSITIONS = {
    SUBMITTED: (IN_REVIEW, CLOSED),
    IN_REVIEW: (NEEDS_INFO, READY, CLOSED),
    NEEDS_INFO: (IN_REVIEW, CLOSED),
    READY: (AT_DUKCAPIL, NEEDS_INFO, CLOSED),
    AT_DUKCAPIL: (DONE, NEEDS_INFO, CLOSED),
    DONE: (),
    CLOSED: (),
}
OPEN_STATUSES = (SUBMITTED, IN_REVIEW, NEEDS_INFO, READY, AT_DUKCAPIL)
FINISHED_STATUSES = (DONE, CLOSED)
# Waiting on the registrars (not on the member or on Dukcapil): these can be overdue.
WAITING_ON_US = (SUBMITTED, IN_REVIEW, READY)

CONSENT_PURPOSE = "adminduk"
CONSENT_VERSION = "2026-12-a"


class HelpRequest(db.Model):
    """A member's request for help with one or more civil-registration services."""

    __tablename__ = "adminduk_requests"
    __table_args__ = (
        Index("ix_adminduk_requests_status_changed", "status", "status_changed_at"),
        Index("ix_adminduk_requests_regency_status", "regency", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    regency: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    nik: Mapped[str | None] = mapped_column(EncryptedText)
    kk_number: Mapped[str | None] = mapped_column(EncryptedText)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=SUBMITTED)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    closed_reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    files_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    service_rows: Mapped[list[RequestService]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RequestService.service"
    )

    @property
    def services(self) -> list[str]:
        return [row.service for row in self.service_rows]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestService(db.Model):
    """One service asked for in a request (a table, so the queue can filter by it)."""

    __tablename__ = "adminduk_request_services"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_requests.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class StatusChange(db.Model):
    """The history of a request: every status it went through, who moved it, why."""

    __tablename__ = "adminduk_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_requests.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)  # shown to the member
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")


class RequestMessage(db.Model):
    """A message in the conversation of a request, or a registrar's internal note
    (``internal``: never shown to the member, never exported to her)."""

    __tablename__ = "adminduk_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", lazy="selectin", order_by="Attachment.id"
    )


class Attachment(db.Model):
    """A document (photo or PDF) attached to a request. After retention the file
    is gone (``stored_file_id`` empty, ``deleted_at`` set) and the row stays."""

    __tablename__ = "adminduk_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_requests.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("adminduk_messages.id", ondelete="SET NULL"), index=True
    )
    stored_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))  # image or document
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[RequestMessage | None] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile | None] = relationship()


class Appointment(db.Model):
    """An in-person visit arranged by a registrar (biometrics, signing at Dukcapil)."""

    __tablename__ = "adminduk_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_requests.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Guide(db.Model):
    """A guide page (a service, or a "migrasi aman" topic), edited in the app.
    Markdown is rendered and sanitised once on save (``body_html``)."""

    __tablename__ = "adminduk_guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    topic: Mapped[str] = mapped_column(String(20), default="service")  # service / migration
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    summary_en: Mapped[str] = mapped_column(String(300), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_md_en: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_html_en: Mapped[str] = mapped_column(Text, default="")
    # What to bring, one item per line: the returnee bundle combines these.
    checklist: Mapped[str] = mapped_column(Text, default="")
    checklist_en: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)


class GuideVersion(db.Model):
    """A saved version of a guide (who changed it, when); any can be restored."""

    __tablename__ = "adminduk_guide_versions"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("adminduk_guides.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)  # title, summary, body_md, checklist (both languages)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    edited_by: Mapped[User | None] = relationship(lazy="joined")


class Office(db.Model):
    """The Dukcapil office of one regency/city (editable by admins and registrars)."""

    __tablename__ = "adminduk_offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    hours: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bundle(db.Model):
    """A member's returnee bundle: the questionnaire answers and the combined
    checklist she ticks off (``items``: ``[{"id", "service", "text", "done"}]``)."""

    __tablename__ = "adminduk_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    services: Mapped[list] = mapped_column(JSON, default=list)
    items: Mapped[list] = mapped_column(JSON, default=list)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("adminduk_requests.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutreachDay(db.Model):
    """A Dukcapil visit to a village or kecamatan ("jemput bola")."""

    __tablename__ = "adminduk_outreach_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency: Mapped[str] = mapped_column(String(40), index=True)
    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    services: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutreachAttendance(db.Model):
    """A member's "I will attend"."""

    __tablename__ = "adminduk_outreach_attendance"
    __table_args__ = (UniqueConstraint("outreach_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outreach_id: Mapped[int] = mapped_column(
        ForeignKey("adminduk_outreach_days.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
