"""Demo trainings for the vendor demo (``flask seed-demo``)."""
from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.training.models import TrainingSession

DEMO_TRAININGS = [
    # title, provider, provider name, place, regency, tags, days ahead, hour, hours, capacity
    ("Tenun ikat motif Amarasi untuk pemula", "city", "Dekranasda Kota Kupang",
     "Rumah Tenun Naikoten, Kota Kupang", "kota-kupang", ["tenun-ikat"], 6, 9, 6, 15),
    ("Pembukuan sederhana untuk penjual se'i", "bank", "Bank NTT",
     "Aula Kelurahan Oebobo, Kota Kupang", "kota-kupang", ["pembukuan", "keuangan"], 9, 13, 3, 25),
    ("Barista dengan kopi Bajawa", "blk", "BLK Kupang",
     "BLK Kupang, Jl. Perintis Kemerdekaan", "kota-kupang", ["barista"], 12, 9, 16, 12),
    ("Jualan lewat WhatsApp dan Instagram", "bp3mi", "BP3MI NTT",
     None, "kota-kupang", ["pemasaran-digital"], 15, 14, 2, 100),
    ("Olahan jagung bose dan sambal lu'at", "community", "Kelompok Purna PMI Oesao",
     "Balai Desa Oesao, Kabupaten Kupang", "kupang", ["masak"], 20, 9, 5, 20),
]



def demo_data(users, **_kwargs) -> None:
    """A few upcoming trainings, published by the demo UMKM staff member."""
    staff = users.get("umkm_staff")
    now = utcnow()
    for title, provider, provider_name, place, regency, tags, days, hour, hours, capacity in DEMO_TRAININGS:
        if db.session.scalar(select(TrainingSession.id).where(TrainingSession.title == title)):
            continue
        day = (now + timedelta(days=days)).astimezone(WITA)
        starts = day.replace(hour=hour, minute=0, second=0, microsecond=0)
        db.session.add(TrainingSession(
            title=title,
            description=_demo_description(tags),
            provider=provider,
            provider_name=provider_name,
            place=place,
            online_url=None if place else "https://meet.jit.si/rumahpurna-pemasaran",
            regency=regency,
            tags="," + ",".join(tags) + ",",
            starts_at=starts.astimezone(UTC),
            ends_at=(starts + timedelta(hours=hours)).astimezone(UTC),
            registration_deadline_at=(starts - timedelta(days=1)).astimezone(UTC),
            capacity=capacity,
            created_by_id=staff.id if staff else None,
        ))
    db.session.flush()


def _demo_description(tags: list[str]) -> str:
    if "tenun-ikat" in tags:
        return "Belajar dasar mengikat dan mewarnai benang dengan pewarna alam. Alat dan benang disediakan."
    if "pembukuan" in tags:
        return "Mencatat uang masuk dan keluar setiap hari, menghitung untung, dan menyiapkan catatan untuk pengajuan KUR."
    if "barista" in tags:
        return "Dua hari praktik menyeduh kopi Bajawa arabika: manual brew, espresso, dan menghitung harga per gelas."
    if "pemasaran-digital" in tags:
        return "Foto produk dengan HP, katalog WhatsApp Business, dan cara membalas pembeli dengan sopan."
    return "Praktik mengolah bahan lokal menjadi produk yang tahan lama dan siap dijual di pasar SABOAK."


