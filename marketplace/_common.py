"""What every marketplace service module shares: the refusal error, the guarded
status change, links for notifications and the owners' notices."""
from __future__ import annotations

from sqlalchemy import update

from core.db import utcnow
from core.extensions import db
from core.links import site_path
from marketplace.cache import bump
from marketplace.models import Business
from notifications.services import N_, notify


class MarketError(Exception):
    """An operation was refused; ``str(error)`` is a msgid safe to show the user."""


class ChangedMeanwhile(MarketError):
    def __init__(self):
        super().__init__(N_("Usaha ini baru saja diubah orang lain. Muat ulang halaman dan coba lagi."))


def change_status(business: Business, expected: tuple[str, ...], new: str, **values) -> None:
    """Move ``business`` to ``new`` only from one of ``expected`` (a conditional
    UPDATE: of two people at the same moment, only one succeeds)."""
    bump()  # the cache row first, as every market write takes it first (no lock-order deadlock)
    result = db.session.execute(
        update(Business)
        .where(Business.id == business.id, Business.status.in_(expected))
        .values(status=new, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ChangedMeanwhile()
    db.session.refresh(business)


def change_flag(business: Business, name: str, expected: bool, new: bool, **values) -> None:
    """Set a boolean column (paused, suspended) only from the value the actor saw."""
    column = getattr(Business, name)
    bump()
    result = db.session.execute(
        update(Business)
        .where(Business.id == business.id, column.is_(expected))
        .values({name: new, "updated_at": utcnow(), **values})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ChangedMeanwhile()
    db.session.refresh(business)


def tell_members(business: Business, event: str, title: str, body: str, params: dict | None = None) -> None:
    """Notify every accepted member of ``business`` (the inbox holds the detail;
    the WhatsApp text only names the business)."""
    stamp = int(utcnow().timestamp())
    for membership in business.members:
        if membership.accepted_at is None:
            continue
        notify(
            membership.user,
            key=f"market-business:{business.id}:{event}:{stamp}",
            title=title,
            body=body,
            params={"business": business.name, **(params or {})},
            url=site_path("marketplace.my_business", business_id=business.id),
        )
