"""Who may see and do what with reports. Views answer 404 when a predicate is
false; templates use the same predicates so the buttons match the server."""
from __future__ import annotations

from accounts.models import User
from community.reports.models import TRANSITIONS, Report

DESK_ROLES = ("satgas", "admin")


def is_satgas(user: User) -> bool:
    return user.is_authenticated and user.has_role("satgas")


def can_work_reports(user: User) -> bool:
    """Satgas officers, and admins (each of their views audited)."""
    return user.is_authenticated and user.has_role(*DESK_ROLES)


def can_view_own_report(user: User, report: Report) -> bool:
    return user.is_authenticated and report.reporter_id is not None and report.reporter_id == user.id


def can_see_contact(user: User, report: Report) -> bool:
    """The reporter's contact details: Satgas officers only, on the report page."""
    return is_satgas(user) and report.has_contact


def can_change_status(user: User, report: Report, new_status: str) -> bool:
    return is_satgas(user) and new_status in TRANSITIONS.get(report.status, ())


TEMPLATE_PREDICATES = {
    "can_work_reports": can_work_reports,
    "can_change_report_status": can_change_status,
}
