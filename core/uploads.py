"""The one upload pipeline every package uses (KTP/KK photos, certificates,
product photos, report screenshots).

What it guarantees (SECURITY.md "Uploads"):

- The type is decided by the content, never by the name or the browser's
  ``Content-Type``: JPEG, PNG, WebP and PDF only. Everything else (HTML renamed
  ``.jpg``, SVG, archives...) is refused.
- Images are decoded and re-encoded with Pillow: EXIF (GPS included), text
  chunks, ICC profiles and anything appended after the image data are dropped,
  the EXIF orientation is applied, decompression bombs and images over
  ``UPLOAD_MAX_IMAGE_PIXELS`` are refused, and the stored picture is at most
  ``UPLOAD_MAX_IMAGE_SIDE`` pixels on its longer side. Optional *variants*
  (e.g. ``thumb``/``large``) are re-encoded as WebP under a byte cap.
- PDFs must parse as PDFs, stay within ``UPLOAD_MAX_PDF_PAGES`` pages and
  ``UPLOAD_MAX_PDF_MB``, and carry no JavaScript, launch actions, embedded
  files or forms with scripts; encrypted PDFs are refused (they cannot be checked).
- Stored under a random key (``<owner>/<yyyy>/<mm>/<random>.<ext>``); the original
  name never touches a path or a key.
- Written atomically *before* the database row is committed (the storage
  backend writes a temporary file, fsyncs and renames). So a committed row never
  points at a missing or partial file. If the transaction rolls back, the files it
  wrote are deleted at once; if the process dies in between, the file has no row
  and ``sweep_orphan_uploads`` (a job in ``core/scheduler.py``) deletes it after
  ``UPLOAD_ORPHAN_HOURS``. Deleting works the other way round: the row goes in
  the transaction, the file after the commit (a crash in between again leaves
  only an orphan file for the sweep).

One table, ``stored_files``, describes every stored object (key, kind, mime,
size, owner package, variant). Packages keep a foreign key to it from their own
rows (a request document, a product photo) and check access themselves before
calling ``send_stored``.
"""
from __future__ import annotations

import io
import logging
import re
import secrets
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, abort, current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, String, event, false, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.datastructures import FileStorage

from core.crypto import decrypt_bytes, encrypt_bytes
from core.db import UTCDateTime, utcnow
from core.errors import Refused
from core.extensions import db
from core.storage import init_storage, storage

log = logging.getLogger("rumahpurna.uploads")

IMAGE = "image"
DOCUMENT = "document"  # PDF

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


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


# --- detection ----------------------------------------------------------------------

def sniff(data: bytes) -> str | None:
    """The MIME type decided by the first bytes, or ``None`` when not allowed."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


# --- images -------------------------------------------------------------------------

def _open_image(data: bytes, mime: str) -> Image.Image:
    max_pixels = current_app.config["UPLOAD_MAX_IMAGE_PIXELS"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[mime]])
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise UploadRefused(N_("Gambar ini terlalu besar ukurannya. Kirim foto yang lebih kecil."))
            image.seek(0)  # the first frame of an animation only
            image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(N_("Gambar ini terlalu besar ukurannya. Kirim foto yang lebih kecil.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadRefused(N_("Gambar ini rusak atau tidak bisa dibaca.")) from None
    return image


def _clean_pixels(image: Image.Image) -> Image.Image:
    """Orientation applied; a fresh image carrying pixels only (no EXIF, GPS,
    text chunks, ICC profile or trailing bytes)."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image, mime: str, quality: int = 85) -> bytes:
    out = io.BytesIO()
    if mime == JPEG:
        if image.mode == "RGBA":
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    elif mime == PNG:
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def _fit(image: Image.Image, max_side: int) -> Image.Image:
    if max(image.size) <= max_side:
        return image
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return copy


def encode_webp_under(image: Image.Image, variant: Variant) -> tuple[bytes, tuple[int, int]]:
    """WebP at most ``variant.max_side`` wide/high and at most ``variant.max_bytes``:
    lower the quality first, then the size."""
    side = variant.max_side
    while True:
        fitted = _fit(image, side)
        for quality in (82, 72, 62, 52, 42, 32):
            data = _encode(fitted, WEBP, quality)
            if len(data) <= variant.max_bytes:
                return data, fitted.size
        if side <= 64:
            return data, fitted.size  # tiny already; smaller would be useless
        side = int(side * 0.8)


# --- PDFs ---------------------------------------------------------------------------

_ACTIVE_NAMES = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                 "/RichMedia", "/XFA", "/SubmitForm", "/ImportData"}
_RAW_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")


def _has_active_content(obj, depth: int = 0) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if depth > 25 or isinstance(obj, IndirectObject):
        return False  # indirect objects are visited on their own
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in _ACTIVE_NAMES:
                return True
            if key == "/S" and isinstance(value, NameObject) and value in _ACTIVE_NAMES:
                return True
            if _has_active_content(value, depth + 1):
                return True
    elif isinstance(obj, ArrayObject):
        return any(_has_active_content(item, depth + 1) for item in obj)
    return False


def check_pdf(data: bytes) -> int:
    """The number of pages of a harmless PDF; ``UploadRefused`` otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if len(data) > current_app.config["UPLOAD_MAX_PDF_MB"] * 1024 * 1024:
        raise UploadRefused(N_("Berkas PDF ini terlalu besar."))
    if _RAW_ACTIVE.search(data):
        raise UploadRefused(N_("PDF ini berisi skrip atau lampiran tersembunyi. Kirim foto dokumennya saja."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRefused(N_("PDF ini terkunci kata sandi. Kirim PDF tanpa kata sandi."))
            pages = len(reader.pages)
            numbers = set(reader.xref_objStm)
            for generation in reader.xref.values():
                numbers.update(generation)
            for number in sorted(numbers):
                try:
                    obj = reader.get_object(number)
                except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
                    continue
                if _has_active_content(obj):
                    raise UploadRefused(
                        N_("PDF ini berisi skrip atau lampiran tersembunyi. Kirim foto dokumennya saja.")
                    )
            if _has_active_content(reader.trailer) or _has_active_content(reader.trailer.get("/Root")):
                raise UploadRefused(
                    N_("PDF ini berisi skrip atau lampiran tersembunyi. Kirim foto dokumennya saja.")
                )
    except UploadRefused:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken files
        raise UploadRefused(N_("Berkas ini bukan PDF yang bisa dibaca.")) from None
    if pages < 1:
        raise UploadRefused(N_("Berkas ini bukan PDF yang bisa dibaca."))
    if pages > current_app.config["UPLOAD_MAX_PDF_PAGES"]:
        raise UploadRefused(N_("PDF ini terlalu banyak halamannya."))
    return pages


# --- storing ------------------------------------------------------------------------

_PENDING = "uploads_written"  # session.info: keys written in this transaction
_DOOMED = "uploads_to_delete"  # session.info: keys to delete once committed


def _new_key(owner: str, mime: str, suffix: str = "") -> str:
    now = utcnow()
    return f"{owner}/{now:%Y/%m}/{secrets.token_urlsafe(18).lower().replace('-', 'x').replace('_', 'y')}{suffix}.{EXTENSIONS[mime]}"


def _write(owner: str, data: bytes, mime: str, suffix: str = "", encrypt: bool = False) -> str:
    key = _new_key(owner, mime, suffix)
    storage().put(key, encrypt_bytes(data) if encrypt else data, mime)
    db.session.info.setdefault(_PENDING, []).append(key)
    return key


def read_upload(file: FileStorage | bytes) -> bytes:
    """The bytes of an uploaded file (the request size cap already applies)."""
    if isinstance(file, bytes):
        return file
    return file.read()


def save_upload(
    file: FileStorage | bytes,
    *,
    owner: str,
    user=None,
    accept: Iterable[str] = (IMAGE, DOCUMENT),
    variants: Mapping[str, Variant] | None = None,
    encrypt: bool = False,
) -> StoredFile:
    """Check, clean and store one uploaded file; add its row(s) and flush.

    ``owner`` is the package name (``"adminduk"``, ``"marketplace"``). ``accept``
    limits the kinds (``IMAGE``, ``DOCUMENT``). ``variants`` adds WebP copies of
    an image (see ``PRODUCT_PHOTO_VARIANTS``). ``encrypt`` stores the cleaned bytes
    encrypted at rest (``core.crypto``; variants too). Raises ``UploadRefused`` with a
    message for the user; nothing is stored then.
    """
    if not re.fullmatch(r"[a-z0-9_]+", owner):
        raise ValueError("owner must be a package name")
    data = read_upload(file)
    accept = set(accept)
    if not data:
        raise UploadRefused(N_("Berkasnya kosong. Pilih foto atau PDF lagi."))
    mime = sniff(data)
    kind = DOCUMENT if mime == PDF else IMAGE if mime else None
    if kind is None or kind not in accept:
        if accept == {IMAGE}:
            raise UploadRefused(N_("Hanya foto JPEG, PNG atau WebP yang bisa dikirim."))
        raise UploadRefused(N_("Hanya foto (JPEG, PNG, WebP) atau PDF yang bisa dikirim."))

    uploaded_by_id = getattr(user, "id", None)
    if kind == DOCUMENT:
        pages = check_pdf(data)
        row = StoredFile(
            key=_write(owner, data, PDF, encrypt=encrypt), kind=DOCUMENT, mime=PDF, size=len(data),
            pages=pages, owner=owner, uploaded_by_id=uploaded_by_id, encrypted=encrypt,
        )
        db.session.add(row)
        db.session.flush()
        return row

    image = _clean_pixels(_open_image(data, mime))
    image = _fit(image, current_app.config["UPLOAD_MAX_IMAGE_SIDE"])
    encoded = _encode(image, mime)
    row = StoredFile(
        key=_write(owner, encoded, mime, encrypt=encrypt), kind=IMAGE, mime=mime, size=len(encoded),
        width=image.width, height=image.height, owner=owner, uploaded_by_id=uploaded_by_id,
        encrypted=encrypt,
    )
    for name, spec in (variants or {}).items():
        variant_data, (width, height) = encode_webp_under(image, spec)
        row.variants.append(StoredFile(
            key=_write(owner, variant_data, WEBP, f"-{name}", encrypt=encrypt), kind=IMAGE, mime=WEBP,
            size=len(variant_data), width=width, height=height, owner=owner,
            variant=name, uploaded_by_id=uploaded_by_id, encrypted=encrypt,
        ))
    db.session.add(row)
    db.session.flush()
    return row


def delete_stored(file: StoredFile) -> None:
    """Delete a stored file (and its variants): the rows now (flush), the
    objects once the transaction commits."""
    keys = [file.key] + [child.key for child in file.variants]
    db.session.info.setdefault(_DOOMED, []).extend(keys)
    db.session.delete(file)
    db.session.flush()


def delete_stored_ids(ids: Iterable[int]) -> int:
    """Delete the stored files with these ids (and their variants); returns how many."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return 0
    files = db.session.scalars(select(StoredFile).where(StoredFile.id.in_(ids))).all()
    for file in files:
        delete_stored(file)
    return len(files)


def read_stored(file: StoredFile) -> bytes:
    """The stored bytes of a file (after the caller checked access)."""
    data = storage().get(file.key)
    return decrypt_bytes(data) if file.encrypted else data


def send_stored(
    file: StoredFile,
    *,
    attachment: bool | None = None,
    download_name: str | None = None,
    private: bool = True,
) -> Response:
    """The response serving a stored file. The caller checks access first.

    Documents (PDFs) are always attachments; images may be shown inline (a
    product photo) with ``attachment=False``. ``private=False`` lets public
    images (product photos) be cached; everything else is ``no-store``.
    """
    try:
        body = read_stored(file)
    except FileNotFoundError:
        log.error("stored file %s is missing from %s", file.id, storage().name)
        abort(404)
    attachment = True if file.kind == DOCUMENT or attachment is None else attachment
    response = Response(body, mimetype=file.mime)
    name = download_name or f"{file.owner}-{file.id}.{file.extension}"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")[:80] or "file"
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# --- transaction hooks and the orphan sweep -----------------------------------------

def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING, None)
    doomed = session.info.pop(_DOOMED, None)
    if doomed:
        backend = storage()
        for key in doomed:
            try:
                backend.delete(key)
            except Exception:  # the sweep will find it: it has no row any more
                log.exception("could not delete a stored object after commit")


def _after_rollback(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    written = session.info.pop(_PENDING, None)
    if written:
        try:
            backend = storage()
        except RuntimeError:  # no app context: the sweep will find them
            return
        for key in written:
            try:
                backend.delete(key)
            except Exception:
                log.exception("could not delete an uncommitted stored object")


def sweep_orphan_uploads(now: datetime | None = None) -> int:
    """Delete stored objects that no row describes (a crash between writing and
    committing, a failed delete after a commit) and temporary files, once older
    than ``UPLOAD_ORPHAN_HOURS``. Returns how many were deleted."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=current_app.config["UPLOAD_ORPHAN_HOURS"])
    backend = storage()
    old = [obj.key for obj in backend.list() if obj.modified_at < cutoff]
    removed = 0
    for start in range(0, len(old), 500):
        chunk = old[start:start + 500]
        known = set(db.session.scalars(select(StoredFile.key).where(StoredFile.key.in_(chunk))))
        for key in chunk:
            if key not in known:
                backend.remove_listed(key)
                removed += 1
    if removed:
        log.info("removed %d orphan upload(s)", removed)
    return removed


def init_uploads(app: Flask) -> None:
    """Bind the storage backend and the transaction hooks (called by ``create_app``)."""
    init_storage(app)
    if not getattr(init_uploads, "_hooks", False):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        init_uploads._hooks = True


# --- personal data export ------------------------------------------------------------

def personal_data_archive(data: dict) -> tuple[bytes, str, str]:
    """A member's export as ``(body, mimetype, filename)``: JSON alone, or a ZIP of
    ``data.json`` and her files when a section lists stored files (entries of a
    ``files`` list with ``stored_file_id`` and ``name``, as ``collect_personal_data``
    receivers may return them). Files missing from storage are skipped."""
    import json
    import zipfile

    entries = [
        entry
        for section in data.values() if isinstance(section, dict)
        for entry in section.get("files") or () if isinstance(entry, dict) and entry.get("stored_file_id")
    ]
    body = json.dumps(data, ensure_ascii=False, indent=2)
    if not entries:
        return body.encode(), "application/json", "rumah-purna-data-saya.json"
    files = {f.id: f for f in db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_([e["stored_file_id"] for e in entries])))}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", body)
        for entry in entries:
            stored = files.get(entry["stored_file_id"])
            if stored is None:
                continue
            try:
                content = read_stored(stored)
            except FileNotFoundError:
                continue
            name = re.sub(r"[^A-Za-z0-9._/-]", "_", entry.get("name") or stored.key).lstrip("./")
            archive.writestr(f"files/{name}", content)
    return out.getvalue(), "application/zip", "rumah-purna-data-saya.zip"
