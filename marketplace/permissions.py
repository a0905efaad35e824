"""Who may do what with marketplace objects. Used by the views (404 when false for
someone else's business, 403 through the role decorator for staff actions) and by
the templates, so the buttons shown match what the server allows."""
from __future__ import annotations

from accounts.models import User
from marketplace.models import APPROVED, CHANGES_REQUESTED, DECLINED, PENDING, Business

STAFF_ROLE = "umkm_staff"


def is_market_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(STAFF_ROLE)


def is_business_member(user: User, business: Business) -> bool:
    """An accepted member of the business (owner or family member)."""
    return user.is_authenticated and user.id in business.member_ids()


def can_edit_business(user: User, business: Business) -> bool:
    """Members edit their business, its products, photos and sales log."""
    return is_business_member(user, business)


def can_view_sales(user: User, business: Business) -> bool:
    """The sales log is private to the business's members and UMKM staff."""
    return is_business_member(user, business) or is_market_staff(user)


def can_view_business_private(user: User, business: Business) -> bool:
    """The non-public view of a business (while pending, paused…)."""
    return is_business_member(user, business) or is_market_staff(user)


def can_resubmit(user: User, business: Business) -> bool:
    return can_edit_business(user, business) and business.status == CHANGES_REQUESTED


def can_pause(user: User, business: Business) -> bool:
    return can_edit_business(user, business) and business.status == APPROVED and not business.paused


def can_unpause(user: User, business: Business) -> bool:
    return can_edit_business(user, business) and business.paused


def can_review(user: User, business: Business) -> bool:
    """Approve, ask for changes or decline: staff, on a business waiting for review."""
    return is_market_staff(user) and business.status in (PENDING, CHANGES_REQUESTED, DECLINED)


def can_suspend(user: User, business: Business) -> bool:
    return is_market_staff(user) and business.status == APPROVED and not business.suspended


def can_unsuspend(user: User, business: Business) -> bool:
    return is_market_staff(user) and business.suspended


TEMPLATE_PREDICATES = {
    "is_market_staff": is_market_staff,
    "can_edit_business": can_edit_business,
    "can_view_sales": can_view_sales,
    "can_resubmit": can_resubmit,
    "can_pause": can_pause,
    "can_unpause": can_unpause,
    "can_review": can_review,
    "can_suspend": can_suspend,
    "can_unsuspend": can_unsuspend,
}
