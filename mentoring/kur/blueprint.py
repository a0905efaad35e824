"""The ``kur`` blueprint, nested in ``mentoring`` (endpoints read
``mentoring.kur.kur_detail``; URLs stay ``/kur`` and ``/staff/kur``).
Its routes live in ``views.py`` (members) and ``staff_views.py`` (UMKM staff)."""
from __future__ import annotations

from flask import Blueprint

from accounts.data import REGENCY_NAMES
from mentoring.kur.data import BANK_NAMES, STAGE_NAMES
from mentoring.kur.listing import staff_rows

bp = Blueprint("kur", __name__)

# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "regency_names": REGENCY_NAMES,
    "bank_names": BANK_NAMES,
    "stage_names": STAGE_NAMES,
    "kur_staff_rows": staff_rows,
}
