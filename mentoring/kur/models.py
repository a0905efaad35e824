"""KUR (Kredit Usaha Rakyat) applications and their stage history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

ACTIVE_KUR = "stage IN ('preparing', 'submitted', 'survey', 'decision')"
ACTIVE_KUR_AS_PRINTED = (
    "stage::text = ANY (ARRAY['preparing'::character varying, 'submitted'::character varying, "
    "'survey'::character varying, 'decision'::character varying]::text[])"
)


class KurApplication(db.Model):
    """A member's KUR application for their business, worked through in stages."""

    __tablename__ = "kur_applications"
    __table_args__ = (
        Index("ix_kur_applications_stage_changed", "stage", "stage_changed_at"),
        # The staff list's orders (listing.kur_applications_for_staff): a page is read
        # off an index, whatever the number of applications. The "longest waiting
        # first" one is the expression ``ACTIVE_KUR`` (PostgreSQL; SQLite sorts its few
        # rows), written here as PostgreSQL prints it back so that the migrations
        # check compares it equal; it is the same expression, which the ORDER BY matches.
        Index("ix_kur_applications_queue", text(f"({ACTIVE_KUR_AS_PRINTED}) DESC"), "stage_changed_at", "id")
        .ddl_if(dialect="postgresql"),
        Index("ix_kur_applications_created", "created_at", "id"),
        # One application in progress per member (KUR allows no second productive credit).
        Index(
            "uq_kur_applications_active_user",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_KUR),
            postgresql_where=text(ACTIVE_KUR),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    business_name: Mapped[str] = mapped_column(String(120))
    business_months: Mapped[int]
    regency: Mapped[str] = mapped_column(String(40), index=True)
    amount: Mapped[int]  # whole rupiah
    bank: Mapped[str] = mapped_column(String(20))
    # Eligibility answers given by the member when starting.
    has_ektp: Mapped[bool] = mapped_column(default=False)
    adult_or_married: Mapped[bool] = mapped_column(default=False)
    no_other_credit: Mapped[bool] = mapped_column(default=False)
    # Document checklist, ticked by the member (no uploads).
    doc_ktp: Mapped[bool] = mapped_column(default=False)
    doc_kk: Mapped[bool] = mapped_column(default=False)
    doc_business_letter: Mapped[bool] = mapped_column(default=False)
    doc_npwp: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(String(20), default="preparing")
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    bank_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="select")
    events: Mapped[list[KurStageEvent]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="KurStageEvent.id",
        lazy="select",
    )

    @property
    def is_active(self) -> bool:
        return self.stage not in ("disbursed", "rejected", "withdrawn")


class KurStageEvent(db.Model):
    """One step in an application's history, with the staff note the member sees."""

    __tablename__ = "kur_stage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("kur_applications.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[KurApplication] = relationship(back_populates="events")
