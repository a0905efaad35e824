"""Seeding the guides and the 22 Dukcapil offices (idempotent: existing rows,
edited or not, are left alone)."""
from __future__ import annotations

from sqlalchemy import select

from community.adminduk.guide_content import MIGRATION_GUIDES, OFFICE_HOURS, OFFICES, SERVICE_GUIDES
from community.adminduk.guides import create_guide
from community.adminduk.models import Guide, Office
from core.extensions import db


def seed_defaults() -> int:
    """Add the missing guides and offices; returns how many rows were added."""
    existing = set(db.session.scalars(select(Guide.slug)))
    added = 0
    for topic, items in (("service", SERVICE_GUIDES), ("migration", MIGRATION_GUIDES)):
        for position, item in enumerate(items):
            if item["slug"] not in existing:
                create_guide(None, slug=item["slug"], topic=topic, position=position, content=item["content"])
                added += 1
    offices = set(db.session.scalars(select(Office.regency)))
    for regency, (town, label) in OFFICES.items():
        if regency not in offices:
            db.session.add(Office(
                regency=regency, name=f"Dinas Kependudukan dan Pencatatan Sipil {label}",
                address=f"{town}, {label} (periksa alamat lengkap sebelum datang)", hours=OFFICE_HOURS,
            ))
            added += 1
    db.session.flush()
    return added
