"""The public face of uploads: ``save_upload`` (check, clean, store, add the row),
``delete_stored``/``delete_stored_ids``, ``read_stored``/``send_stored`` and the
personal-data archive. Objects are written before the row is committed and
deleted after; ``core.uploads.lifecycle`` keeps the two in step."""
from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Iterable, Mapping

from flask import Response, abort, current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core.crypto import decrypt_bytes, encrypt_bytes
from core.db import utcnow
from core.extensions import db
from core.storage import storage
from core.uploads.checks import (
    _clean_pixels,
    _encode,
    _fit,
    _open_image,
    check_pdf,
    encode_webp_under,
    sniff,
)
from core.uploads.models import (
    DOCUMENT,
    EXTENSIONS,
    IMAGE,
    N_,
    PDF,
    WEBP,
    StoredFile,
    UploadRefused,
    Variant,
)

log = logging.getLogger("rumahpurna.uploads")

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
