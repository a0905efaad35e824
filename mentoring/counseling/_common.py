"""What every counseling service module shares: the refusal errors and the
small formatting helpers for notification parameters and links."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from core.errors import Refused
from core.i18n import format_wita as core_format_wita
from notifications.services import N_


class CounselingError(Refused):
    """An operation was refused; ``str(error)`` is a msgid safe to show the user."""


class SlotTaken(CounselingError):
    """The time is no longer free (taken by someone else a moment ago, or never free)."""

    def __init__(self):
        super().__init__(N_("Waktu ini baru saja diambil orang lain."))


def format_wita(moment: datetime, locale: str | None = None) -> str:
    """WITA time for notification parameters, written by the one formatter
    (``core.i18n.format_wita``): "Rabu, 2 Desember 2026, 13.00 WITA". Pass the
    recipient's ``user.locale``; Indonesian otherwise."""
    return core_format_wita(moment, "datetime", locale or "id")


def stamp(moment: datetime) -> int:
    """A moment as a whole Unix second, for notification keys."""
    return int(moment.timestamp())


def url_path(endpoint: str, **values) -> str:
    """A site path for a notification link; works in jobs, outside any request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


class ChangedMeanwhile(CounselingError):
    """The appointment is no longer in the state the request saw."""

    def __init__(self):
        super().__init__(N_("Sesi ini baru saja diubah (mungkin oleh orang lain). "
                            "Muat ulang halaman untuk melihat keadaannya sekarang, lalu coba lagi."))


def guarded_update(appointment, expected: str, to: str, **values) -> None:
    """Change ``appointment``'s status to ``to`` (with ``values``) only while the row
    still has the status ``expected`` that the request saw: one conditional UPDATE,
    so of two people acting at once exactly one wins (PostgreSQL makes the second
    wait, then re-checks the condition) and the other gets ``ChangedMeanwhile``.
    Until ``core.status.change_status`` (the kit's guarded change) is on main."""
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    from core.extensions import db

    model = type(appointment)
    values = {"status": to, **values}
    result = db.session.execute(
        update(model)
        .where(model.id == appointment.id, model.status == expected)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ChangedMeanwhile()
    for key, value in values.items():
        set_committed_value(appointment, key, value)
