"""Who may do what with help requests. Used by the views (404 when false) and by
the templates (so the buttons shown match what the server allows)."""
from __future__ import annotations

from accounts.models import User
from community.adminduk.models import TRANSITIONS, HelpRequest

REGISTRAR_ROLES = ("registrar", "admin")


def is_registrar(user: User) -> bool:
    """Registrars and admins work the desk."""
    return user.is_authenticated and user.has_role(*REGISTRAR_ROLES)


def is_other_staff(user: User) -> bool:
    """Staff without a part in civil registration (counselors, moderators...)."""
    return user.is_authenticated and user.is_staff and not is_registrar(user)


def can_view_request(user: User, request: HelpRequest) -> bool:
    """The member who asked (member pages)."""
    return user.is_authenticated and request.member_id == user.id


def can_work_request(user: User, request: HelpRequest) -> bool:
    """Registrars and admins (desk pages)."""
    return is_registrar(user)


def can_post_message(user: User, request: HelpRequest) -> bool:
    return request.is_open and (can_view_request(user, request) or is_registrar(user))


def can_change_status(user: User, request: HelpRequest, new: str) -> bool:
    return is_registrar(user) and new in TRANSITIONS.get(request.status, ())


def can_edit_guides(user: User) -> bool:
    return is_registrar(user)


TEMPLATE_PREDICATES = {
    "can_post_message": can_post_message,
    "can_change_status": can_change_status,
    "can_edit_guides": can_edit_guides,
    "is_registrar": is_registrar,
}
