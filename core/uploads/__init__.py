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

# The package's public face: ``from core.uploads import ...`` for every caller.
# models: the table and the kinds; checks: type sniffing, image re-encoding, PDF
# checks; store: save, serve, delete, export; lifecycle: session hooks, orphan sweep.
from core.uploads.checks import check_pdf, encode_webp_under, sniff  # noqa: F401
from core.uploads.lifecycle import init_uploads, sweep_orphan_uploads  # noqa: F401
from core.uploads.models import (  # noqa: F401
    DOCUMENT,
    EXTENSIONS,
    IMAGE,
    JPEG,
    PDF,
    PNG,
    PRODUCT_PHOTO_VARIANTS,
    WEBP,
    StoredFile,
    UploadRefused,
    Variant,
)
from core.uploads.store import (  # noqa: F401
    delete_stored,
    delete_stored_ids,
    personal_data_archive,
    read_stored,
    read_upload,
    save_upload,
    send_stored,
)
