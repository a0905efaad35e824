"""KUR listing queries: the member's applications and the staff list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import get_template_attribute, request
from markupsafe import Markup
from sqlalchemy import bindparam, literal_column, select

from accounts.models import User
from core.db import paginated, plain_list, utcnow
from core.extensions import db
from core.i18n import current_language
from core.kept import kept
from mentoring.kur.models import ACTIVE_KUR, KurApplication


def my_kur_applications(user: User) -> list[KurApplication]:
    return list(
        db.session.scalars(
            select(KurApplication)
            .where(KurApplication.user_id == user.id)
            .order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
            .limit(50)
        )
    )


@dataclass
class StaffPage:
    """One page of the staff list: plain rows (nothing on them is changed here)."""

    items: list
    page: int
    has_next: bool


# The staff list's "longest waiting first" order, written as ix_kur_applications_queue
# spells it (literal stages, not bound parameters) so that PostgreSQL reads a page
# off that index instead of sorting every application.
STILL_ACTIVE = literal_column(f"({ACTIVE_KUR})")


def kur_staff_statement(stage: bool, regency: bool, sort: str):
    """The staff list's rows: the columns it shows and the member's name; the
    filters as bound parameters ``stage`` and ``regency``, the page as ``limit``
    and ``offset``. Built once per process for each shape (``_STAFF``): building
    a statement and its cache key cost more than running it."""
    key = (stage, regency, sort)
    built = _STAFF.get(key)
    if built is not None:
        return built
    statement = select(
        KurApplication.id, KurApplication.business_name, KurApplication.regency, KurApplication.bank,
        KurApplication.amount, KurApplication.stage, KurApplication.stage_changed_at,
        STILL_ACTIVE.label("is_active"), User.name.label("member_name"),
    ).join(User, User.id == KurApplication.user_id)
    if stage:
        statement = statement.where(KurApplication.stage == bindparam("stage"))
    if regency:
        statement = statement.where(KurApplication.regency == bindparam("regency"))
    if sort == "stuck":
        statement = statement.order_by(STILL_ACTIVE.desc(), KurApplication.stage_changed_at, KurApplication.id)
    else:
        statement = statement.order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
    built = _STAFF[key] = paginated(statement)
    return built


_STAFF: dict[tuple[bool, bool, str], object] = {}


def kur_applications_for_staff(stage: str | None, regency: str | None, sort: str, page: int,
                               per_page: int = 20) -> StaffPage:
    """Every application, filtered; ``sort="stuck"`` puts the longest waiting first.
    One statement: the page's rows with the member's name, and one row more than
    shown to tell whether there is a next page (no count of every application)."""
    statement = kur_staff_statement(bool(stage), bool(regency), "stuck" if sort == "stuck" else "newest")
    params = {"limit": per_page + 1, "offset": (page - 1) * per_page}
    if stage:
        params["stage"] = stage
    if regency:
        params["regency"] = regency
    rows = plain_list(statement, params)
    return StaffPage(rows[:per_page], page, len(rows) > per_page)


def days_in_stage(application: KurApplication, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - application.stage_changed_at).days)


def staff_rows(rows) -> Markup:
    """The staff list's rows of a page, each kept (``staff_row``)."""
    return Markup("\n  ").join(staff_row(row) for row in rows)


def staff_row(row) -> Markup:
    """A row of the staff list (a row of ``kur_applications_for_staff``), drawn once
    per its shown values, its days in the stage and the language, then kept: the
    same for every staff member (business, member's name, place, bank, amount,
    stage), so a list of twenty rows no longer renders twenty rows."""
    days = days_in_stage(row) if row.is_active else None
    key = ("kur-staff", current_language(), request.script_root, row.id, row.business_name, row.member_name,
           row.regency, row.bank, row.amount, row.stage, row.is_active, days)
    return kept(key, lambda: get_template_attribute("mentoring/kur/_staff_row.html", "staff_row")(row, days))
