"""What every marketplace service module shares: the refusal error, the guarded
status change, links for notifications and the owners' notices."""
from __future__ import annotations

from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.links import site_path
from core.status import StatusChanged as ChangedMeanwhile  # noqa: F401  (tests and views catch it)
from core.status import change_status as _guarded
from marketplace.cache import bump
from marketplace.models import Business
from notifications.services import notify


class MarketError(Refused):
    """A marketplace rule said no; the message is a msgid safe to show the user."""


def change_status(business: Business, expected: tuple[str, ...], new: str, **values) -> None:
    """Move ``business`` to ``new`` only from one of ``expected`` (``core.status``:
    of two people at the same moment, only one succeeds; the other is refused with
    "changed meanwhile"). The cache row is taken first, as in every market write."""
    bump(business_ids=(business.id,))
    _guarded(Business, business, expected, new, updated_at=utcnow(), **values)
    db.session.refresh(business)


def change_flag(business: Business, name: str, expected: bool, new: bool, **values) -> None:
    """Set a boolean column (paused, suspended) only from the value the actor saw."""
    bump(business_ids=(business.id,))
    _guarded(Business, business, (expected,), new, column=name, updated_at=utcnow(), **values)
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
