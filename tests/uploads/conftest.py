"""Files made by the tests: images (with EXIF/GPS, rotated, noisy), PDFs (clean,
with JavaScript, many pages) and attack files."""
from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import Image


def jpeg_bytes(size=(40, 30), color=(200, 60, 40), exif=None, quality=90) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, "JPEG", quality=quality, exif=exif)
    else:
        image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png_bytes(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def noisy_png(size=(1800, 1300)) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def exif_with_gps(orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation:
        exif[0x0112] = orientation
    gps = {1: "S", 2: (10.0, 9.0, 30.0), 3: "E", 4: (123.0, 36.0, 0.0)}
    exif[0x8825] = gps
    return exif.tobytes()


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny PNG whose header claims a huge picture."""
    data = png_bytes((1, 1), mode="RGB")
    start = 8  # after the signature: length(4) type(4) IHDR data(13) crc(4)
    ihdr = bytearray(data[start + 8:start + 8 + 13])
    ihdr[0:8] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)) & 0xFFFFFFFF)
    return data[:start + 8] + bytes(ihdr) + crc + data[start + 8 + 13 + 4:]


def pdf_bytes(pages=1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(catalog_extra: bytes = b"") -> bytes:
    """A hand-written one-page PDF; ``catalog_extra`` goes into the catalog dict."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def upload_root(app):
    """The local upload folder, emptied for this test."""
    import shutil

    from core.storage import storage

    root = storage().root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root
