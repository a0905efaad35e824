"""Who may see and do what with stall applications (views 404 when false)."""
from __future__ import annotations

from accounts.models import User
from marketplace.stalls.models import APPLIED, APPROVED, RESUBMIT, WAITLISTED, StallApplication

STAFF_ROLES = ("umkm_staff", "admin")


def is_stall_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


def can_view_application(user: User, application: StallApplication) -> bool:
    """A member of the applying business (accepted membership)."""
    if not user.is_authenticated:
        return False
    return any(m.user_id == user.id and m.accepted_at is not None for m in application.business.members)


def can_withdraw(user: User, application: StallApplication) -> bool:
    return can_view_application(user, application) and application.status in (APPLIED, WAITLISTED, RESUBMIT, APPROVED)


def can_resubmit(user: User, application: StallApplication) -> bool:
    return can_view_application(user, application) and application.status == RESUBMIT


TEMPLATE_PREDICATES = {
    "is_stall_staff": is_stall_staff,
    "can_withdraw_application": can_withdraw,
    "can_resubmit_application": can_resubmit,
}
