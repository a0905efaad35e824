"""The ``training`` blueprint, nested in ``mentoring`` (endpoints read
``mentoring.training.trainings``; URLs stay ``/trainings`` and ``/staff/trainings``).
Its routes live in ``views.py`` (members) and ``staff_views.py`` (UMKM staff)."""
from __future__ import annotations

from flask import Blueprint

from accounts.data import REGENCY_NAMES
from mentoring.training.data import PROVIDER_NAMES, TAG_NAMES
from mentoring.training.listing import list_rows

bp = Blueprint("training", __name__)

# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "regency_names": REGENCY_NAMES,
    "provider_names": PROVIDER_NAMES,
    "tag_names": TAG_NAMES,
    "training_list_rows": list_rows,
}
