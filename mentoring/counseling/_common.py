"""What every counseling service module shares: the refusal errors and the
small formatting helpers for notification parameters and links."""
from __future__ import annotations

from datetime import datetime

from core.errors import Refused
from core.i18n import format_wita as core_format_wita
from notifications.services import N_


class CounselingError(Refused):
    """An operation was refused; ``str(error)`` is a msgid safe to show the user."""


class SlotTaken(CounselingError):
    """The time is no longer free (taken by someone else a moment ago, or never free)."""

    def __init__(self):
        super().__init__(N_("Waktu ini baru saja diambil orang lain. Pilih waktu lain."))


def format_wita(moment: datetime, locale: str | None = None) -> str:
    """WITA time for notification parameters, written by the one formatter
    (``core.i18n.format_wita``): "Rabu, 2 Desember 2026, 13.00 WITA". Pass the
    recipient's ``user.locale``; Indonesian otherwise."""
    return core_format_wita(moment, "datetime", locale or "id")


def stamp(moment: datetime) -> int:
    """A moment as a whole Unix second, for notification keys."""
    return int(moment.timestamp())
