"""The ``counseling`` blueprint, nested in ``mentoring`` (endpoints read
``mentoring.counseling.staff_dashboard``; URLs stay under ``/counseling``).
Its routes live in ``views.py`` (members) and the ``staff_*views.py`` modules
(counselors); the template helpers below serve all of them."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from accounts.phones import display_phone
from core.i18n import format_wita
from mentoring.counseling import row_parts
from mentoring.counseling.forms import LANGUAGE_NAMES, MODE_NAMES, WEEKDAY_NAMES, slot_value
from notifications.services import N_

bp = Blueprint("counseling", __name__)

STATUS_LABELS = {
    "requested": N_("menunggu"),
    "confirmed": N_("dikonfirmasi"),
    "declined": N_("ditolak"),
    "cancelled": N_("dibatalkan"),
    "attended": N_("selesai"),
    "no_show": N_("tidak hadir"),
}


def _minutes_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < 1440 else "24:00"


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "slot_value": slot_value,
    "status_label": lambda status: _(STATUS_LABELS.get(status, status)),
    "mode_label": lambda mode: MODE_NAMES.get(mode, mode),
    "language_label": lambda code: LANGUAGE_NAMES.get(code, code),
    "day_label": lambda day: format_wita(day, "day"),
    "minutes_label": _minutes_label,
    "weekday_label": lambda weekday: WEEKDAY_NAMES.get(weekday, ""),
    "display_phone": display_phone,
    "counselor_rows": row_parts.list_rows,
    "counselor_week_items": row_parts.week_items,
}
