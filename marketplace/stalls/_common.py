"""What every stalls service module shares: the refusal error, the guarded
status change of an application, links for notifications and the vendor notice."""
from __future__ import annotations

from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.i18n import format_wita
from core.links import site_path
from core.status import StatusChanged
from core.status import change_status as guarded_change
from marketplace import cache
from marketplace.stalls.models import STALL_HOLDING, StallApplication
from notifications.services import N_, notify


class StallError(Refused):
    """A stalls rule said no; the message is a msgid (``N_``) safe to show the user,
    translated by ``str(error)`` (views use ``core.views_kit.refusal_to_flash``)."""


class ChangedMeanwhile(StallError):
    def __init__(self):
        super().__init__(N_("Pengajuan ini baru saja diubah orang lain. Muat ulang halaman dan coba lagi."))


class StallTaken(StallError):
    def __init__(self):
        super().__init__(N_("Lapak ini baru saja diberikan ke usaha lain pada hari itu."))


def change_status(application: StallApplication, expected: tuple[str, ...], new: str, **values) -> None:
    """Move ``application`` to ``new`` only from one of ``expected``
    (``core.status.change_status``: of two staff at the same moment only one
    succeeds; the other gets ``ChangedMeanwhile``). A unique-index clash (the stall
    was just taken) raises ``IntegrityError`` for the caller to turn into a refusal."""
    old = application.status
    try:
        guarded_change(StallApplication, application, expected, new, updated_at=utcnow(), **values)
    except StatusChanged:
        db.session.refresh(application)
        raise ChangedMeanwhile() from None
    if new in STALL_HOLDING or old in STALL_HOLDING:
        cache.bump()  # the public business pages show where to find it next
    db.session.refresh(application)


def vendor_locale(application: StallApplication) -> str:
    """The language the applicant reads their notices in."""
    recipient = application.applicant
    return (recipient.locale if recipient else None) or "id"


def vendor_day(application: StallApplication, day) -> str:
    """A market day (or a lease's end) as the applicant reads it (the kit's "date" style)."""
    return format_wita(day, "date", locale=vendor_locale(application))


def tell_vendor(application: StallApplication, event: str, title: str, body: str | None = None,
                params: dict | None = None, **options) -> None:
    """Notify the person who applied (the inbox holds the detail). ``event`` makes
    the message key, so the same news is never sent twice."""
    recipient = application.applicant
    if recipient is None:
        return
    notify(
        recipient,
        key=f"stall-application:{application.id}:{event}",
        title=title,
        body=body,
        params={"business": application.business.name, **(params or {})},
        url=site_path("marketplace.stalls.my_application", application_id=application.id),
        **options,
    )
