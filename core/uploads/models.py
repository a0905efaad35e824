"""What every upload is described by: the ``stored_files`` table (``StoredFile``),
the kinds and MIME types allowed, WebP variants and ``UploadRefused``."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.errors import Refused
from core.extensions import db

IMAGE = "image"
DOCUMENT = "document"  # PDF

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


class UploadRefused(Refused):
    """The file was refused (a ``core.errors.Refused``: ``refusal_to_flash`` shows it);
    the message is a msgid safe to show the user."""


@dataclass(frozen=True)
class Variant:
    """A WebP copy of an image: at most ``max_side`` pixels, at most ``max_bytes``."""

    max_side: int
    max_bytes: int


# The marketplace's product photos (DESIGN.md: product photos <= 40 KB).
PRODUCT_PHOTO_VARIANTS: Mapping[str, Variant] = {
    "thumb": Variant(max_side=480, max_bytes=40_000),
    "large": Variant(max_side=1280, max_bytes=150_000),
}


class StoredFile(db.Model):
    """One stored object (an original or one of its variants)."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # image or document
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    pages: Mapped[int | None]
    owner: Mapped[str] = mapped_column(String(40), index=True)  # the package, e.g. "adminduk"
    # Stored encrypted with core.crypto (report screenshots); read_stored decrypts.
    encrypted: Mapped[bool] = mapped_column(default=False, server_default=false())
    variant: Mapped[str] = mapped_column(String(20), default="original")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variants: Mapped[list[StoredFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime]

    def variant_named(self, name: str) -> StoredFile:
        """The named variant, or this file when it has none of that name."""
        for child in self.variants:
            if child.variant == name:
                return child
        return self
