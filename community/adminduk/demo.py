"""Demo data for adminduk (``flask seed-demo``; idempotent, only flushes): the
guides and offices, requests in every status with small generated document
photos, and an outreach day."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from community.adminduk import desk, outreach, requests
from community.adminduk.defaults import seed_defaults
from community.adminduk.models import (
    AT_DUKCAPIL,
    CLOSED,
    DONE,
    IN_REVIEW,
    NEEDS_INFO,
    READY,
    HelpRequest,
    OutreachDay,
)
from core.extensions import db

# (services, regency, description, path of statuses after "submitted", note of the last move)
REQUESTS = [
    (["ktp-address"], "kota-kupang", "KTP saya masih alamat di Oesapa, sekarang tinggal di Liliba.", [], ""),
    (["child-abroad", "kk-child"], "kupang", "Anak saya lahir di Johor Bahru tahun lalu, sudah dicatat di KJRI.",
     [IN_REVIEW], ""),
    (["marriage-abroad", "kk-spouse"], "tts", "Kami menikah di Hong Kong, surat nikah dalam bahasa Inggris.",
     [IN_REVIEW, NEEDS_INFO], "Mohon kirim foto terjemahan tersumpah surat nikah."),
    (["moving"], "belu", "Pindah dari Atambua ke Kota Kupang.", [IN_REVIEW, READY], ""),
    (["ktp-lost"], "kota-kupang", "KTP hilang waktu pulang dari Malaysia.", [IN_REVIEW, READY, AT_DUKCAPIL], ""),
    (["kk-update"], "kota-kupang", "Pekerjaan di KK masih tertulis pelajar.", [IN_REVIEW, READY, AT_DUKCAPIL, DONE], ""),
    (["ikd"], "kupang", "Ingin aktivasi KTP digital.", [CLOSED], "Sudah diaktifkan sendiri di jemput bola."),
]


def demo_photo(label: str) -> bytes:
    """A small generated "document photo" (no real document)."""
    image = Image.new("RGB", (360, 230), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 350, 220), outline=(31, 42, 90), width=3)
    draw.text((24, 24), "CONTOH / DEMO", fill=(166, 58, 43))
    draw.text((24, 60), label, fill=(29, 29, 31))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def seed(users: dict) -> None:
    seed_defaults()
    member, registrar = users.get("member"), users.get("registrar")
    if member is None or registrar is None:
        return
    if db.session.scalar(select(HelpRequest.id).where(HelpRequest.member_id == member.id).limit(1)):
        return
    others = [users.get("vendor") or member, member]
    for index, (services, regency, text, path, note) in enumerate(REQUESTS):
        owner = others[index % 2]
        request = requests.open_request(
            owner, services=services, regency=regency, description=text,
            files=[demo_photo(f"Permintaan {index + 1}")], consent=True,
        )
        for status in path:
            desk.change_status(registrar, request, status, note if status == path[-1] else "")
        # Spread the ages so the queue shows overdue and waiting requests.
        age = timedelta(days=2 + index * 2)
        request.created_at -= age
        request.status_changed_at -= age
        if request.finished_at:
            request.finished_at -= age - timedelta(days=1)
    if db.session.scalar(select(OutreachDay.id).limit(1)) is None:
        outreach.plan_outreach(registrar, regency="kota-kupang", day=outreach.today_wita() + timedelta(days=10),
                               place="Kantor Kelurahan Oesapa", services=["ktp-new", "ktp-address", "ikd"],
                               note="Bawa KK asli. Gratis.")
    db.session.flush()
