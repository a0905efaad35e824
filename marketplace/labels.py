"""Words shown for the marketplace's codes, and rupiah formatting."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from accounts.data import REGENCIES

CATEGORY_LABELS = {
    "kuliner": _l("Kuliner"),
    "kerajinan": _l("Kerajinan & tenun ikat"),
    "fashion": _l("Fesyen"),
    "hasil_bumi": _l("Hasil bumi & pertanian"),
    "jasa": _l("Jasa"),
    "lainnya": _l("Lainnya"),
}

UNIT_LABELS = {
    "piece": _l("per buah"),
    "kg": _l("per kg"),
    "pack": _l("per bungkus"),
    "portion": _l("per porsi"),
    "bottle": _l("per botol"),
    "meter": _l("per meter"),
    "sheet": _l("per lembar"),
    "hour": _l("per jam"),
    "service": _l("per layanan"),
}

STATUS_LABELS = {
    "pending": _l("menunggu"),
    "changes_requested": _l("perlu dilengkapi"),
    "approved": _l("disetujui"),
    "declined": _l("ditolak"),
}

CATEGORY_CHOICES = list(CATEGORY_LABELS.items())
UNIT_CHOICES = list(UNIT_LABELS.items())
REGENCY_CHOICES = REGENCIES


def rupiah(amount: int | None) -> str:
    """``25000`` → ``Rp 25.000`` (Indonesian thousands separator, no decimals)."""
    if amount is None:
        return ""
    return "Rp " + f"{int(amount):,}".replace(",", ".")

