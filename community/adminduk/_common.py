"""What every adminduk service module shares: the refusal error, the guarded
status change and the member notice helper."""
from __future__ import annotations

from datetime import datetime

from accounts.models import User
from core.errors import Refused
from core.i18n import format_wita as core_format_wita
from core.links import site_path
from core.status import StatusChanged, change_status
from notifications.services import N_, notify


class AdmindukError(Refused):
    """An operation was refused (a ``core.errors.Refused``); the message is a msgid
    safe to show the user."""


class ChangedMeanwhile(AdmindukError):
    """Someone else changed the request between reading and saving it."""

    def __init__(self):
        super().__init__(N_("Permintaan ini baru saja diubah orang lain. Lihat keadaannya sekarang, lalu coba lagi."))


def guarded_status(model, row_id: int, expected: str, new: str, **values) -> None:
    """Set ``status`` to ``new`` only where it still is ``expected`` (the kit's
    ``core.status.change_status``: one conditional UPDATE); ``ChangedMeanwhile``
    otherwise."""
    try:
        change_status(model, row_id, expected, new, **values)
    except StatusChanged:
        raise ChangedMeanwhile() from None


def tell_member(member: User, request_id: int, event: str, title: str, body: str | None = None,
                *, params: dict | None = None, due_at=None) -> None:
    """A notice to the member about her request. Texts name no service, no NIK
    and no document: whoever holds her phone reads WhatsApp/SMS."""
    notify(
        member,
        key=f"adminduk:{request_id}:{event}",
        title=title,
        body=body,
        params=params or {},
        url=site_path("community.adminduk.request_detail", request_id=request_id),
        due_at=due_at,
    )


def format_wita(moment: datetime, locale: str | None = None) -> str:
    """A WITA time for notification parameters, through the kit
    (``core.i18n.format_wita``), in the recipient's language (Indonesian otherwise)."""
    return core_format_wita(moment, "short_datetime", locale or "id")
