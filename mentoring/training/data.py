"""Reference lists for trainings: providers and topic tags."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TRAINING_PROVIDERS = [
    ("bp3mi", _l("BP3MI NTT (Balai Pelayanan Pelindungan Pekerja Migran Indonesia)")),
    ("blk", _l("BLK (Balai Latihan Kerja)")),
    ("city", _l("Dinas pemerintah kota/kabupaten")),
    ("bank", _l("Bank")),
    ("cooperative", _l("Koperasi")),
    ("community", _l("Lembaga masyarakat / komunitas")),
    ("other", _l("Lainnya")),
]
PROVIDER_NAMES = dict(TRAINING_PROVIDERS)

TRAINING_TAGS = [
    ("tenun-ikat", _l("Tenun ikat")),
    ("masak", _l("Memasak dan olahan pangan")),
    ("pembukuan", _l("Pembukuan")),
    ("pemasaran-digital", _l("Pemasaran digital")),
    ("barista", _l("Barista dan kopi")),
    ("menjahit", _l("Menjahit")),
    ("keuangan", _l("Literasi keuangan")),
    ("pertanian", _l("Pertanian dan peternakan")),
]
TAG_NAMES = dict(TRAINING_TAGS)
