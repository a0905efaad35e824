"""Demo market for ``flask seed-demo``: believable Kupang businesses (se'i, jagung
bose, tenun ikat, kopi Bajawa, sambal lu'at, kue rambut…) run by the demo vendor
(081200000002) and a few more demo members (081200000501–504), with small photos
drawn with Pillow (no downloads), sales logs, and two businesses waiting for review.
Idempotent: a business that exists by name is left alone. Only flushes."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from accounts.phones import normalise_phone
from accounts.services import create_user_with_roles, find_by_login
from core.db import utcnow
from core.extensions import db
from marketplace import businesses, photos, products, sales
from marketplace.models import APPROVED, PENDING, PHOTO_BUSINESS, Business

VENDORS = [
    # key, phone, name, regency, country, year
    ("vendor2", "081200000501", "Agustina Manafe Lado", "kota-kupang", "SG", 2020),
    ("vendor3", "081200000502", "Melkianus Kana Bire", "kupang", "MY", 2018),
    ("vendor4", "081200000503", "Ester Bana Tualaka", "ngada", "HK", 2022),
    ("vendor5", "081200000504", "Daniel Lay Riwu", "rote-ndao", "TW", 2019),
]

# owner key, status, returnee, verified, business fields, products (name, price, unit, tags, colour)
BUSINESSES = [
    ("vendor", APPROVED, True, True, dict(
        name="Se'i Om Yohanes", category="kuliner", regency="kupang",
        description="Se'i babi dan se'i sapi asap kayu kosambi, sambal lu'at buatan sendiri. Pesan sehari sebelumnya.",
        story="Lima tahun saya bekerja di kebun sawit di Sabah. Pulang ke Oesao, saya buka dapur se'i "
              "dengan resep bapa. Sekarang dua tetangga ikut bekerja.",
        address="Jl. Timor Raya km 28, Oesao", whatsapp="0812-0000-0002",
        opening_hours="Senin–Sabtu 08.00–18.00 · Minggu di Pasar SABOAK", delivers=True,
        cash_on_delivery=True, nib="9120301234567"),
     [("Se'i babi 500 gram", 95000, "pack", "se'i, babi, asap", (150, 50, 40)),
      ("Se'i sapi 500 gram", 110000, "pack", "se'i, sapi, asap", (120, 60, 40)),
      ("Sambal lu'at botol kecil", 25000, "bottle", "sambal, lu'at, pedas", (60, 120, 50)),
      ("Nasi se'i babi", 30000, "portion", "se'i, makan siang", (200, 160, 90))]),
    ("vendor", APPROVED, True, False, dict(
        name="Jagung Bose Mama Ina", category="kuliner", regency="kota-kupang",
        description="Jagung bose dengan kacang merah, labu kuning dan santan. Hangat tiap pagi.",
        address="", only_at_market=True, whatsapp="+62 812 0000 0002",
        opening_hours="Setiap hari 06.30–11.00", delivers=False, cash_on_delivery=False),
     [("Jagung bose porsi", 15000, "portion", "jagung, sarapan", (230, 200, 80)),
      ("Jagung bose bungkus 1 kg", 45000, "pack", "jagung, oleh-oleh", (220, 180, 60))]),
    ("vendor2", APPROVED, True, True, dict(
        name="Tenun Ikat Ina Lado", category="kerajinan", regency="kota-kupang",
        description="Kain tenun ikat motif Amarasi dan Sabu, ditenun tangan dengan pewarna alam.",
        story="Dulu saya bekerja di Singapura. Di rumah saya kembali ke alat tenun mama.",
        address="Kelurahan Oebufu, Kota Kupang", whatsapp="6281200000501",
        opening_hours="Senin–Jumat 09.00–16.00", delivers=True, cash_on_delivery=False),
     [("Selendang tenun ikat Amarasi", 350000, "sheet", "tenun, ikat, selendang", (110, 40, 30)),
      ("Sarung tenun ikat Sabu", 1250000, "sheet", "tenun, ikat, sarung", (40, 40, 90)),
      ("Tas kecil motif ikat", 85000, "piece", "tenun, tas, oleh-oleh", (160, 90, 40))]),
    ("vendor4", APPROVED, True, False, dict(
        name="Kopi Bajawa Tualaka", category="hasil_bumi", regency="ngada",
        description="Kopi arabika Bajawa dari kebun keluarga di lereng Inerie, sangrai sedang.",
        address="Desa Beiwali, Bajawa", whatsapp="0812 0000 0503",
        opening_hours="Pesan lewat WhatsApp, kirim tiap Rabu", delivers=True, cash_on_delivery=True),
     [("Kopi Bajawa bubuk 250 g", 65000, "pack", "kopi, bajawa, arabika", (90, 55, 30)),
      ("Kopi Bajawa biji 1 kg", 220000, "kg", "kopi, bajawa, biji", (70, 45, 25))]),
    ("vendor3", APPROVED, False, False, dict(
        name="Kue Rambut Oma Bire", category="kuliner", regency="kupang",
        description="Kue rambut renyah dari tepung beras dan gula lontar, resep Rote.",
        address="Baumata, Kabupaten Kupang", whatsapp="081200000502",
        opening_hours="Senin–Sabtu 07.00–15.00", delivers=True, cash_on_delivery=True),
     [("Kue rambut toples", 40000, "pack", "kue, lontar, oleh-oleh", (210, 150, 60))]),
    ("vendor5", PENDING, True, False, dict(
        name="Servis HP Daniel", category="jasa", regency="rote-ndao",
        description="Ganti layar, baterai dan port cas HP Android. Garansi satu bulan.",
        address="Ba'a, Rote Ndao", whatsapp="0812-0000-0504",
        opening_hours="Senin–Sabtu 09.00–20.00", delivers=False),
     [("Ganti layar HP Android", 250000, "service", "hp, layar, servis", (40, 40, 40))]),
    ("vendor3", PENDING, False, False, dict(
        name="Gula Lontar Baumata", category="hasil_bumi", regency="kupang",
        description="Gula lontar cair dan gula lempeng dari sadapan sendiri.",
        address="Baumata, Kabupaten Kupang", whatsapp="081200000502", delivers=False),
     [("Gula lontar cair 600 ml", 35000, "bottle", "lontar, gula", (150, 90, 30))]),
]


def _image(colour: tuple[int, int, int], label: str, size=(640, 480)) -> bytes:
    """A small picture: a soft background, a plate and the first letters of ``label``."""
    image = Image.new("RGB", size, (250, 247, 242))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.18, h * 0.12, w * 0.82, h * 0.88), fill=colour)
    draw.ellipse((w * 0.30, h * 0.28, w * 0.70, h * 0.72),
                 fill=tuple(min(255, c + 50) for c in colour))
    draw.text((w * 0.05, h * 0.9), label[:40], fill=(29, 29, 31))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _vendors(users: dict) -> dict:
    from core.cli import DEMO_PASSWORD

    found = dict(users)
    for key, phone, name, regency, country, year in VENDORS:
        e164 = normalise_phone(phone)
        user = find_by_login(e164)
        if user is None:
            user = create_user_with_roles(name, e164, DEMO_PASSWORD, ["member"])
            user.regency, user.country_returned, user.return_year = regency, country, year
        found[key] = user
    db.session.flush()
    return found


def seed(users: dict) -> None:
    """Add the demo market (idempotent)."""
    if "vendor" not in users:
        return
    people = _vendors(users)
    now = utcnow()
    for index, (owner_key, status, returnee, verified, fields, items) in enumerate(BUSINESSES):
        if db.session.scalar(select(Business.id).where(Business.name == fields["name"])):
            continue
        owner = people[owner_key]
        data = {"only_at_market": False, "story": None, "nib": None, "delivers": False,
                "cash_on_delivery": False, "stall_only": False, **fields}
        data["whatsapp"] = normalise_phone(data["whatsapp"])
        business = businesses.register_business(owner, data)
        business.status, business.returnee, business.verified = status, returnee, verified
        business.created_at = now - timedelta(days=80 - index * 9)
        if status == APPROVED:
            business.approved_at = business.created_at + timedelta(days=2)
        photos.add_photo(owner, business, _image(items[0][4], fields["name"]), kind=PHOTO_BUSINESS)
        for name, price, unit, tags, colour in items:
            product = products.add_product(owner, business, dict(
                name=name, description=f"{name}. {fields['description'][:80]}", price=price, unit=unit, tags=tags))
            photos.add_photo(owner, business, _image(colour, name, (480, 480)), product=product)
        if status == APPROVED and index < 3:
            for week in range(8):
                monday = sales.this_monday(now) - timedelta(weeks=week + 1)
                sales.record_week(owner, business, monday, 750_000 + 90_000 * ((week * 7 + index) % 5),
                                  30 + (week * 3 + index) % 12)
    db.session.flush()
