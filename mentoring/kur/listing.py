"""KUR listing queries: the member's applications and the staff list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.kur.data import ACTIVE_STAGES
from mentoring.kur.models import KurApplication


def my_kur_applications(user: User) -> list[KurApplication]:
    return list(
        db.session.scalars(
            select(KurApplication)
            .where(KurApplication.user_id == user.id)
            .order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
            .limit(50)
        )
    )


def kur_applications_for_staff(stage: str | None, regency: str | None, sort: str, page: int,
                               per_page: int = 20):
    """Every application, filtered; ``sort="stuck"`` puts the longest waiting first."""
    statement = select(KurApplication).options(joinedload(KurApplication.user))
    if stage:
        statement = statement.where(KurApplication.stage == stage)
    if regency:
        statement = statement.where(KurApplication.regency == regency)
    if sort == "stuck":
        statement = statement.order_by(
            KurApplication.stage.in_(ACTIVE_STAGES).desc(),
            KurApplication.stage_changed_at,
            KurApplication.id,
        )
    else:
        statement = statement.order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def days_in_stage(application: KurApplication, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - application.stage_changed_at).days)

