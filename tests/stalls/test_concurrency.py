"""PostgreSQL: two staff approve two businesses into one stall at the same moment;
exactly one gets it (the partial unique index), the other is told it was taken."""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from marketplace.stalls import applications as apps
from marketplace.stalls import decisions
from marketplace.stalls._common import StallError
from marketplace.stalls.models import Stall, StallApplication
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="concurrency needs PostgreSQL (TEST_DATABASE_URL)")


def test_two_staff_approve_one_stall_at_the_same_moment(make_user, make_business, saboak_day, run_together):
    staff = [make_user(roles=("umkm_staff",)).id for _ in range(2)]
    applications = []
    for _ in range(2):
        business = make_business()
        applications.append(apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0].id)
    db.session.commit()
    stall_id = db.session.scalar(select(Stall.id).where(Stall.code == "A-01"))

    def approve(i):
        application = db.session.get(StallApplication, applications[i])
        try:
            decisions.approve(db.session.get(User, staff[i]), application, db.session.get(Stall, stall_id))
            db.session.commit()
            return "approved"
        except StallError:
            db.session.rollback()
            return "taken"

    assert sorted(run_together([partial(approve, i) for i in range(2)])) == ["approved", "taken"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(
        StallApplication.stall_id == stall_id, StallApplication.status == "approved")) == 1


def test_one_business_never_in_two_stalls_the_same_day(make_user, make_business, saboak_day, run_together):
    """Two staff approve the same application into two different stalls at once."""
    staff = [make_user(roles=("umkm_staff",)).id for _ in range(2)]
    business = make_business()
    application_id = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0].id
    db.session.commit()
    stall_ids = list(db.session.scalars(select(Stall.id).where(Stall.zone == "food").order_by(Stall.code)))

    def approve(i):
        application = db.session.get(StallApplication, application_id)
        try:
            decisions.approve(db.session.get(User, staff[i]), application, db.session.get(Stall, stall_ids[i]))
            db.session.commit()
            return "approved"
        except StallError:
            db.session.rollback()
            return "refused"

    assert sorted(run_together([partial(approve, i) for i in range(2)])) == ["approved", "refused"]
