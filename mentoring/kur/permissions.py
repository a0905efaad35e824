"""Who may do what with KUR applications.

Views use these after the role decorator (a false answer on a loaded object is a
404); templates use the same predicates so buttons match what the server allows.
"""
from __future__ import annotations

from accounts.models import User
from mentoring.kur.data import WITHDRAWABLE_STAGES
from mentoring.kur.models import KurApplication

STAFF_ROLE = "umkm_staff"


def can_view_kur_application(user: User, application: KurApplication) -> bool:
    """The member's own application; staff use their own pages."""
    return bool(user and user.is_authenticated and application.user_id == user.id)


def can_withdraw_kur_application(user: User, application: KurApplication) -> bool:
    """The owner, while the bank has not started deciding."""
    return can_view_kur_application(user, application) and application.stage in WITHDRAWABLE_STAGES


def can_manage_kur(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(STAFF_ROLE))


TEMPLATE_PREDICATES = {
    "can_manage_kur": can_manage_kur,
    "can_withdraw_kur_application": can_withdraw_kur_application,
}
