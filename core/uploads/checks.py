"""Content checks: the type from the first bytes (``sniff``), images decoded and
re-encoded with Pillow (metadata dropped, bombs refused, sizes capped, WebP
variants under a byte cap), PDFs parsed and refused when they carry scripts,
launch actions, embedded files or a password."""
from __future__ import annotations

import io
import re
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from core.uploads.models import JPEG, N_, PDF, PNG, WEBP, UploadRefused, Variant

_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


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
