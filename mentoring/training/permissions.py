"""Who may do what with trainings.

Views use these after the role decorator (a false answer on a loaded object is a
404); templates use the same predicates so buttons match what the server allows.
"""
from __future__ import annotations

from accounts.models import User
from mentoring.training.models import TrainingRegistration, TrainingSession

STAFF_ROLE = "umkm_staff"


def can_manage_trainings(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(STAFF_ROLE))


def can_edit_training(user: User, training: TrainingSession) -> bool:
    return can_manage_trainings(user) and not training.is_cancelled


def can_cancel_registration(user: User, registration: TrainingRegistration) -> bool:
    """Members cancel their own registration only."""
    return bool(user and user.is_authenticated and registration.user_id == user.id)


TEMPLATE_PREDICATES = {
    "can_manage_trainings": can_manage_trainings,
    "can_edit_training": can_edit_training,
}
